#!/usr/bin/env python3
"""numpy peers for `npm run bench` (tools/bench): training speed of a vanilla RNN, one thread.

  --impl seed     the seed's min-char-rnn exactly: lossFun with column vectors and dicts, elementwise
                  clip to ±5, Adagrad; float64, batch 1 (only its data-pointer bug is fixed, and it
                  does not sample text while it trains).
  --impl batched  the same model and update, batched and hoisted: B streams spaced len/B apart,
                  the input projection gathered for the whole window, the decoder as one matrix
                  product for the window, softmax + cross-entropy + its gradient fused; float32.
  --impl gemm     the machine's matrix-multiply ceiling: GFLOP/s of an n×n×n product through
                  numpy's BLAS (--hidden n, default 1024 here), the median of repeats and the best;
                  prints {name, dtype, n, reps, gflops, gflops_best, numpy}.

Prints one JSON line: {name, impl, cell, hidden, seq_length, batch, dtype, chars_per_s, ms_per_step,
steps, seconds, peak_mb, numpy}. Set OMP_NUM_THREADS / OPENBLAS_NUM_THREADS=1 for one thread.
Dimension letters: T time, B batch, H hidden, V vocab.
"""

import argparse
import json
import resource
import sys
import time

import numpy as np


def read_text(path):
    with open(path, "r", encoding="utf-8") as f:
        return f.read()


# ---------------------------------------------------------------------------------------------
# (a) The seed, transcribed: same names, same statements, same dtype (float64).
# ---------------------------------------------------------------------------------------------
def make_seed(data, hidden_size, seq_length):
    chars = sorted(set(data))
    vocab_size = len(chars)
    char_to_ix = {ch: i for i, ch in enumerate(chars)}
    learning_rate = 1e-1
    rng = np.random.RandomState(1)
    Wxh = rng.randn(hidden_size, vocab_size) * 0.01
    Whh = rng.randn(hidden_size, hidden_size) * 0.01
    Why = rng.randn(vocab_size, hidden_size) * 0.01
    bh = np.zeros((hidden_size, 1))
    by = np.zeros((vocab_size, 1))

    def lossFun(inputs, targets, hprev):
        xs, hs, ys, ps = {}, {}, {}, {}
        hs[-1] = np.copy(hprev)
        loss = 0
        for t in range(len(inputs)):
            xs[t] = np.zeros((vocab_size, 1))
            xs[t][inputs[t]] = 1
            hs[t] = np.tanh(np.dot(Wxh, xs[t]) + np.dot(Whh, hs[t - 1]) + bh)
            ys[t] = np.dot(Why, hs[t]) + by
            ps[t] = np.exp(ys[t]) / np.sum(np.exp(ys[t]))
            loss += -np.log(ps[t][targets[t], 0])
        dWxh, dWhh, dWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
        dbh, dby = np.zeros_like(bh), np.zeros_like(by)
        dhnext = np.zeros_like(hs[0])
        for t in reversed(range(len(inputs))):
            dy = np.copy(ps[t])
            dy[targets[t]] -= 1
            dWhy += np.dot(dy, hs[t].T)
            dby += dy
            dh = np.dot(Why.T, dy) + dhnext
            dhraw = (1 - hs[t] * hs[t]) * dh
            dbh += dhraw
            dWxh += np.dot(dhraw, xs[t].T)
            dWhh += np.dot(dhraw, hs[t - 1].T)
            dhnext = np.dot(Whh.T, dhraw)
        for dparam in [dWxh, dWhh, dWhy, dbh, dby]:
            np.clip(dparam, -5, 5, out=dparam)
        return loss, dWxh, dWhh, dWhy, dbh, dby, hs[len(inputs) - 1]

    mWxh, mWhh, mWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
    mbh, mby = np.zeros_like(bh), np.zeros_like(by)
    state = {"n": 0, "p": 0, "hprev": np.zeros((hidden_size, 1)),
             "smooth_loss": -np.log(1.0 / vocab_size) * seq_length}

    def step():
        n, p = state["n"], state["p"]
        if p + seq_length + 1 >= len(data) or n == 0:
            state["hprev"] = np.zeros((hidden_size, 1))
            p = 0
        inputs = [char_to_ix[ch] for ch in data[p:p + seq_length]]
        targets = [char_to_ix[ch] for ch in data[p + 1:p + seq_length + 1]]
        loss, dWxh, dWhh, dWhy, dbh, dby, state["hprev"] = lossFun(inputs, targets, state["hprev"])
        state["smooth_loss"] = state["smooth_loss"] * 0.999 + loss * 0.001
        for param, dparam, mem in zip([Wxh, Whh, Why, bh, by], [dWxh, dWhh, dWhy, dbh, dby],
                                      [mWxh, mWhh, mWhy, mbh, mby]):
            mem += dparam * dparam
            param += -learning_rate * dparam / np.sqrt(mem + 1e-8)
        state["p"] = p + seq_length
        state["n"] = n + 1
        return loss

    return step


# ---------------------------------------------------------------------------------------------
# (b) Batched and hoisted, preallocated buffers, float32 by default.
# ---------------------------------------------------------------------------------------------
def make_batched(data, H, T, B, dtype):
    chars = sorted(set(data))
    V = len(chars)
    lookup = {ch: i for i, ch in enumerate(chars)}
    encoded = np.array([lookup[ch] for ch in data], dtype=np.int64)
    stride = (len(encoded) - 1) // B  # stream b reads encoded[b*stride : (b+1)*stride + 1]
    if stride < T:
        raise SystemExit(f"bench_numpy: the text must have at least B*(T+1) characters, got {len(encoded)}")
    starts = (np.arange(B) * stride)[None, :]  # [1, B]
    offsets = np.arange(T)[:, None]  # [T, 1]
    lr, clip, eps = dtype(0.1), 5.0, dtype(1e-8)

    rng = np.random.default_rng(1)
    params = {
        "Wxh": (rng.standard_normal((H, V)) * 0.01).astype(dtype),  # [H, V]
        "Whh": (rng.standard_normal((H, H)) * 0.01).astype(dtype),  # [H, H]
        "bh": np.zeros(H, dtype),  # [H]
        "Why": (rng.standard_normal((V, H)) * 0.01).astype(dtype),  # [V, H]
        "by": np.zeros(V, dtype),  # [V]
    }
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    mems = {k: np.zeros_like(v) for k, v in params.items()}
    tmps = {k: np.zeros_like(v) for k, v in params.items()}
    Wxh, Whh, bh, Why, by = (params[k] for k in ("Wxh", "Whh", "bh", "Why", "by"))
    dWxh, dWhh, dbh, dWhy, dby = (grads[k] for k in ("Wxh", "Whh", "bh", "Why", "by"))

    hs = np.zeros((T + 1, B, H), dtype)  # hs[0] is the carried state, hs[t+1] the output at t
    xw = np.zeros((T, B, H), dtype)  # input projection of the window, gathered
    pre = np.zeros((B, H), dtype)
    logits = np.zeros((T * B, V), dtype)
    sums = np.zeros((T * B, 1), dtype)
    dhs = np.zeros((T * B, H), dtype)
    dhraw = np.zeros((T, B, H), dtype)
    dhnext = np.zeros((B, H), dtype)
    onehot = np.zeros((T * B, V), dtype)
    rows = np.arange(T * B)
    state = {"p": 0, "n": 0}

    def step():
        p = state["p"]
        if state["n"] == 0 or p + T + 1 > stride + 1:
            hs[0].fill(0)
            p = 0
        idx = starts + p + offsets  # [T, B]
        inputs, targets = encoded[idx].ravel(), encoded[idx + 1].ravel()

        # Forward: gather W_xh columns for the whole window, then only the recurrence loops.
        np.take(Wxh.T, inputs, axis=0, out=xw.reshape(T * B, H))
        np.add(xw, bh, out=xw)
        for t in range(T):
            np.dot(hs[t], Whh.T, out=pre)
            np.add(pre, xw[t], out=pre)
            np.tanh(pre, out=hs[t + 1])
        hflat = hs[1:].reshape(T * B, H)
        np.dot(hflat, Why.T, out=logits)
        np.add(logits, by, out=logits)
        # Fused softmax + cross-entropy + gradient, in place in `logits`.
        np.subtract(logits, logits.max(axis=1, keepdims=True), out=logits)
        picked = logits[rows, targets]
        np.exp(logits, out=logits)
        np.sum(logits, axis=1, keepdims=True, out=sums)
        loss = (np.log(sums).sum() - picked.sum()) / B
        np.divide(logits, sums, out=logits)
        logits[rows, targets] -= 1
        np.multiply(logits, dtype(1.0 / B), out=logits)  # logits now holds dy [T*B, V]

        # Backward: decoder as one product, then the recurrence, then W_hh and W_xh as one product each.
        np.dot(logits.T, hflat, out=dWhy)
        np.sum(logits, axis=0, out=dby)
        np.dot(logits, Why, out=dhs)
        dh3 = dhs.reshape(T, B, H)
        dhnext.fill(0)
        for t in reversed(range(T)):
            h = hs[t + 1]
            dr = dhraw[t]
            np.add(dh3[t], dhnext, out=dr)
            dr *= 1 - h * h
            np.dot(dr, Whh, out=dhnext)
        dflat = dhraw.reshape(T * B, H)
        np.dot(dflat.T, hs[:-1].reshape(T * B, H), out=dWhh)
        np.sum(dflat, axis=0, out=dbh)
        onehot.fill(0)
        onehot[rows, inputs] = 1
        np.dot(dflat.T, onehot, out=dWxh)
        hs[0] = hs[T]

        # The seed's update: elementwise clip, Adagrad.
        for k, param in params.items():
            g, mem, tmp = grads[k], mems[k], tmps[k]
            np.clip(g, -clip, clip, out=g)
            np.multiply(g, g, out=tmp)
            mem += tmp
            np.add(mem, eps, out=tmp)
            np.sqrt(tmp, out=tmp)
            np.divide(g, tmp, out=tmp)
            tmp *= lr
            param -= tmp
        state["p"] = p + T
        state["n"] += 1
        return float(loss)

    return step


def measure(step, seconds, chars_per_step):
    """Warm up for about a tenth of the budget, then time a fixed number of steps sized to fill it."""
    warm_until = time.perf_counter() + max(0.1 * seconds, 0.05)
    warm_steps = 0
    t0 = time.perf_counter()
    while warm_steps < 3 or time.perf_counter() < warm_until:
        step()
        warm_steps += 1
    per_step = (time.perf_counter() - t0) / warm_steps
    steps = max(3, int(seconds / per_step))
    t0 = time.perf_counter()
    c0 = time.process_time()
    for _ in range(steps):
        loss = step()
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0  # CPU seconds: fairer than wall time on a shared machine
    if not np.isfinite(loss):
        raise SystemExit(f"bench_numpy: loss became {loss}")
    return {"chars_per_s": steps * chars_per_step / elapsed, "ms_per_step": 1000 * elapsed / steps,
            "steps": steps, "seconds": elapsed, "cpu_ms_per_step": 1000 * cpu / steps}


def gemm_ceiling(n, dtype, seconds):
    """Repeated n×n·n×n products: what the BLAS reaches when nothing else is in the way."""
    rng = np.random.default_rng(1)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    c = np.empty((n, n), dtype)
    np.dot(a, b, out=c)
    times = []
    until = time.perf_counter() + seconds
    while len(times) < 3 or time.perf_counter() < until:
        t0 = time.perf_counter()
        np.dot(a, b, out=c)
        times.append(time.perf_counter() - t0)
    flops = 2 * n ** 3
    return {"name": "numpy-gemm", "dtype": np.dtype(dtype).name, "n": n, "reps": len(times),
            "gflops": flops / float(np.median(times)) / 1e9, "gflops_best": flops / min(times) / 1e9,
            "numpy": np.__version__}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--impl", choices=["seed", "batched", "gemm"], required=True)
    ap.add_argument("--data")
    ap.add_argument("--hidden", type=int, default=None)
    ap.add_argument("--seq-length", type=int, default=25)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--dtype", choices=["float32", "float64"], default=None)
    ap.add_argument("--seconds", type=float, default=3.0)
    a = ap.parse_args()
    if a.impl == "gemm":
        print(json.dumps(gemm_ceiling(a.hidden or 1024, np.dtype(a.dtype or "float32").type, a.seconds)), flush=True)
        return 0
    if a.data is None:
        ap.error("--data is required for --impl seed and batched")
    a.hidden = a.hidden or 100
    data = read_text(a.data)
    if a.impl == "seed":
        if a.batch != 1 or (a.dtype or "float64") != "float64":
            raise SystemExit("bench_numpy: --impl seed is batch 1, float64")
        dtype_name = "float64"
        step = make_seed(data, a.hidden, a.seq_length)
    else:
        dtype_name = a.dtype or "float32"
        step = make_batched(data, a.hidden, a.seq_length, a.batch, np.dtype(dtype_name).type)
    result = measure(step, a.seconds, a.seq_length * a.batch)
    out = {"name": f"numpy-{a.impl}", "impl": a.impl, "cell": "rnn", "hidden": a.hidden,
           "seq_length": a.seq_length, "batch": a.batch, "dtype": dtype_name, **result,
           "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "numpy": np.__version__}
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
