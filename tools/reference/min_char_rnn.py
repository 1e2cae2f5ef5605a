#!/usr/bin/env python3
"""Independent float64 reference of the seed's min-char-rnn (lossFun + Adagrad loop), rewritten
with PyTorch parameter names and BOTH biases. Writes the rnn-1layer-* and rnn-seed-training
golden fixtures for packages/model. Dimension letters: T time, B batch, H hidden, V vocab.

Cell:  h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),  y_t = W_dec h_t + b_dec,
       p_t = softmax(y_t),  loss = (sum_t sum_b -ln p_t[target_t]) / B.

Usage: min_char_rnn.py [--out DIR] [FIXTURE ...]   (no names: all fixtures of this script)
"""

import argparse
import sys

import numpy as np

from refcommon import gradcheck, max_diff, nested, tensor_json, write_fixture

CLIP = 5.0
PARAM_NAMES = ["rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
               "decoder.weight", "decoder.bias"]


def init_params(rng, V, H, scale=0.3, dec_scale=None):
    """normal * scale for everything (biases too), so tanh is not in its linear regime and
    both biases carry distinct non-zero values. A larger decoder scale makes some raw
    gradients exceed the seed's clip of 5, so the clipped/unclipped equivalence is not vacuous."""
    dec_scale = scale if dec_scale is None else dec_scale
    return {
        "rnn.weight_ih_l0": rng.standard_normal((H, V)) * scale,   # [H, V]
        "rnn.weight_hh_l0": rng.standard_normal((H, H)) * scale,   # [H, H]
        "rnn.bias_ih_l0": rng.standard_normal(H) * scale,          # [H]
        "rnn.bias_hh_l0": rng.standard_normal(H) * scale,          # [H]
        "decoder.weight": rng.standard_normal((V, H)) * dec_scale,     # [V, H]
        "decoder.bias": rng.standard_normal(V) * scale,            # [V]
    }


# ---------------------------------------------------------------------------------------------
# Seed-faithful lossFun: column vectors and dicts exactly as the seed, one sequence (B = 1).
# Differences from the seed, all deliberate: two biases (b_ih, b_hh; each gets the seed's dbh),
# raw gradients are returned too (clipping is the optimizer's job in charrnn), and dh0.
# ---------------------------------------------------------------------------------------------
def seed_loss_fun(params, inputs, targets, hprev, clip=True):
    Wxh, Whh = params["rnn.weight_ih_l0"], params["rnn.weight_hh_l0"]
    bih, bhh = params["rnn.bias_ih_l0"].reshape(-1, 1), params["rnn.bias_hh_l0"].reshape(-1, 1)
    Why, by = params["decoder.weight"], params["decoder.bias"].reshape(-1, 1)
    vocab_size = Wxh.shape[1]
    xs, hs, ys, ps = {}, {}, {}, {}
    hs[-1] = np.copy(hprev).reshape(-1, 1)
    loss = 0.0
    for t in range(len(inputs)):
        xs[t] = np.zeros((vocab_size, 1))
        xs[t][inputs[t]] = 1
        hs[t] = np.tanh(np.dot(Wxh, xs[t]) + bih + np.dot(Whh, hs[t - 1]) + bhh)
        ys[t] = np.dot(Why, hs[t]) + by
        ps[t] = np.exp(ys[t]) / np.sum(np.exp(ys[t]))
        loss += -np.log(ps[t][targets[t], 0])
    dWxh, dWhh, dWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
    dbh, dby = np.zeros_like(bih), np.zeros_like(by)
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
    raw = {"rnn.weight_ih_l0": dWxh, "rnn.weight_hh_l0": dWhh, "rnn.bias_ih_l0": dbh.reshape(-1),
           "rnn.bias_hh_l0": dbh.reshape(-1).copy(), "decoder.weight": dWhy, "decoder.bias": dby.reshape(-1)}
    grads = {k: (np.clip(v, -CLIP, CLIP) if clip else v.copy()) for k, v in raw.items()}
    return loss, grads, hs[len(inputs) - 1].reshape(-1), dhnext.reshape(-1)


# ---------------------------------------------------------------------------------------------
# Batched, time-major version (what the TS model implements). inputs/targets [T, B] ints,
# h0 [B, H]. Loss is summed over time and averaged over the batch.
# ---------------------------------------------------------------------------------------------
def rnn_forward_backward(params, inputs, targets, h0):
    Wih, Whh = params["rnn.weight_ih_l0"], params["rnn.weight_hh_l0"]
    bih, bhh = params["rnn.bias_ih_l0"], params["rnn.bias_hh_l0"]
    Wd, bd = params["decoder.weight"], params["decoder.bias"]
    inputs, targets = np.asarray(inputs), np.asarray(targets)
    T, B = inputs.shape
    H, V = Wih.shape
    rows = np.arange(B)
    hs = [np.asarray(h0, dtype=np.float64)]      # hs[t+1] = h_t, hs[0] = h_{-1}
    xs, ps = [], []
    loss = 0.0
    for t in range(T):
        x = np.zeros((B, V))
        x[rows, inputs[t]] = 1.0
        h = np.tanh(x @ Wih.T + bih + hs[-1] @ Whh.T + bhh)
        y = h @ Wd.T + bd
        e = np.exp(y - y.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        loss += -np.sum(np.log(p[rows, targets[t]]))
        xs.append(x)
        hs.append(h)
        ps.append(p)
    loss /= B
    g = {k: np.zeros_like(v) for k, v in params.items()}
    dhnext = np.zeros((B, H))
    for t in reversed(range(T)):
        dy = ps[t].copy()
        dy[rows, targets[t]] -= 1.0
        dy /= B
        g["decoder.weight"] += dy.T @ hs[t + 1]
        g["decoder.bias"] += dy.sum(axis=0)
        dh = dy @ Wd + dhnext
        da = (1.0 - hs[t + 1] ** 2) * dh
        g["rnn.bias_ih_l0"] += da.sum(axis=0)
        g["rnn.bias_hh_l0"] += da.sum(axis=0)
        g["rnn.weight_ih_l0"] += da.T @ xs[t]
        g["rnn.weight_hh_l0"] += da.T @ hs[t]
        dhnext = da @ Whh
    return {"loss": loss, "grads": g, "dh0": dhnext, "h_final": hs[-1]}


def rnn_loss_only(params, inputs, targets, h0):
    return rnn_forward_backward(params, inputs, targets, h0)["loss"]


def adagrad_step(params, grads, mem, lr):
    """Exactly the seed: mem += g*g; p += -lr * g / sqrt(mem + 1e-8)."""
    for k in PARAM_NAMES:
        mem[k] += grads[k] * grads[k]
        params[k] += -lr * grads[k] / np.sqrt(mem[k] + 1e-8)


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------
def make_forward_fixture(name, seed, V, H, T, B, dec_scale=None):
    rng = np.random.default_rng(seed)
    params = init_params(rng, V, H, dec_scale=dec_scale)
    inputs = rng.integers(0, V, size=(T, B))
    targets = rng.integers(0, V, size=(T, B))
    h0 = rng.uniform(-0.8, 0.8, size=(B, H))

    res = rnn_forward_backward(params, inputs, targets, h0)

    # Independent cross-check: the seed-faithful per-sequence lossFun, summed over the batch.
    seed_loss, seed_grads = 0.0, {k: np.zeros_like(v) for k, v in params.items()}
    for b in range(B):
        l, gr, hf, dh0 = seed_loss_fun(params, inputs[:, b], targets[:, b], h0[b], clip=False)
        seed_loss += l / B
        for k in gr:
            seed_grads[k] += gr[k] / B
        assert max_diff(hf, res["h_final"][b]) < 1e-13
        assert max_diff(dh0 / B, res["dh0"][b]) < 1e-13
    assert abs(seed_loss - res["loss"]) < 1e-12, (seed_loss, res["loss"])
    for k in PARAM_NAMES:
        assert max_diff(seed_grads[k], res["grads"][k]) < 1e-12, k

    # The seed clips inside lossFun; for B = 1 its output must equal clip(raw grads).
    clipped = {k: np.clip(v, -CLIP, CLIP) for k, v in res["grads"].items()}
    if B == 1:
        _, sg, _, _ = seed_loss_fun(params, inputs[:, 0], targets[:, 0], h0[0], clip=True)
        for k in PARAM_NAMES:
            assert max_diff(sg[k], clipped[k]) < 1e-12, k
    n_clipped = int(sum(np.sum(np.abs(v) > CLIP) for v in res["grads"].values()))

    h0w = h0.copy()
    arrays = dict(params)
    arrays["h0"] = h0w
    analytic = dict(res["grads"])
    analytic["h0"] = res["dh0"]
    stats = gradcheck(lambda: rnn_loss_only(params, inputs, targets, h0w), arrays, analytic, name)

    fixture = {
        "generator": "tools/reference/min_char_rnn.py %s" % name,
        "seed": seed, "dtype": "f64", "cell": "rnn", "layers": 1, "hidden": H, "vocab": V,
        "batch": B, "seq_length": T,
        "params": {k: tensor_json(params[k]) for k in PARAM_NAMES},
        "inputs": inputs.tolist(), "targets": targets.tolist(),
        "h0": [nested(h0)],
        "loss": float(res["loss"]),
        "grads": {k: tensor_json(res["grads"][k]) for k in PARAM_NAMES},
        "dh0": [nested(res["dh0"])],
        "h_final": [nested(res["h_final"])],
        "clip": CLIP,
        "grads_clipped": {k: tensor_json(clipped[k]) for k in PARAM_NAMES},
        "grads_clipped_count": n_clipped,
    }
    return fixture, stats


def make_training_fixture(name, seed, text, H, T, lr, steps, dec_scale=None):
    chars = sorted(set(text))
    V = len(chars)
    ix = {c: i for i, c in enumerate(chars)}
    data = [ix[c] for c in text]
    rng = np.random.default_rng(seed)
    params = init_params(rng, V, H, dec_scale=dec_scale)
    start = {k: v.copy() for k, v in params.items()}
    mem = {k: np.zeros_like(v) for k, v in params.items()}

    # The seed loop with its data-pointer bug fixed (the seed sets p = 0 every iteration).
    p, n = 0, 0
    h = np.zeros(H)
    windows, losses = [], []
    while n < steps:
        reset = n == 0 or p + T + 1 > len(data)
        if reset:
            h = np.zeros(H)
            p = 0
        inputs = data[p:p + T]
        targets = data[p + 1:p + T + 1]
        loss, grads, h_next, _ = seed_loss_fun(params, inputs, targets, h, clip=True)
        # The batched model path must agree with the seed's raw grads before clipping.
        res = rnn_forward_backward(params, np.array(inputs).reshape(T, 1), np.array(targets).reshape(T, 1),
                                   h.reshape(1, H))
        assert abs(res["loss"] - loss) < 1e-12
        for k in PARAM_NAMES:
            assert max_diff(np.clip(res["grads"][k], -CLIP, CLIP), grads[k]) < 1e-12
        n_clipped = int(sum(np.sum(np.abs(v) > CLIP) for v in res["grads"].values()))
        windows.append({"step": n + 1, "p": p, "reset_h": bool(reset), "inputs": list(inputs),
                        "targets": list(targets), "loss": float(loss), "clipped_count": n_clipped})
        losses.append(float(loss))
        h = h_next
        adagrad_step(params, grads, mem, lr)
        p += T
        n += 1

    fixture = {
        "generator": "tools/reference/min_char_rnn.py %s" % name,
        "seed": seed, "dtype": "f64", "cell": "rnn", "layers": 1, "hidden": H, "vocab": chars,
        "vocab_size": V, "batch": 1, "seq_length": T,
        "text": text, "lr": lr, "clip": CLIP, "steps": steps,
        "optimizer": "adagrad: mem += g*g; p -= lr*g/sqrt(mem+1e-8); g clipped to [-clip, clip] elementwise",
        "params": {k: tensor_json(start[k]) for k in PARAM_NAMES},
        "windows": windows,
        "losses": losses,
        "params_after": {k: tensor_json(params[k]) for k in PARAM_NAMES},
        "adagrad_mem_after": {k: tensor_json(mem[k]) for k in PARAM_NAMES},
        "h_final": [[h.tolist()]],
    }
    return fixture, None


FIXTURES = {
    "rnn-1layer-b1": lambda: make_forward_fixture("rnn-1layer-b1", 101, V=8, H=6, T=5, B=1, dec_scale=1.0),
    "rnn-1layer-b3": lambda: make_forward_fixture("rnn-1layer-b3", 102, V=8, H=6, T=5, B=3),
    "rnn-seed-training": lambda: make_training_fixture("rnn-seed-training", 401, text="hello, hello!",
                                                       H=6, T=5, lr=0.1, steps=3, dec_scale=1.5),
}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=None, help="output directory (default packages/model/src/fixtures)")
    ap.add_argument("names", nargs="*", help="fixtures to write: %s" % ", ".join(FIXTURES))
    args = ap.parse_args(argv)
    names = args.names or list(FIXTURES)
    for n in names:
        if n not in FIXTURES:
            ap.error("unknown fixture %r (known: %s)" % (n, ", ".join(FIXTURES)))
    for n in names:
        fx, _ = FIXTURES[n]()
        print("wrote", write_fixture(n, fx, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
