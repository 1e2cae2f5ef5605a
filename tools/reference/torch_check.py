#!/usr/bin/env python3
"""Optional third opinion: load each committed fixture into torch.nn.RNN/LSTM/GRU
(batch_first=False) + nn.Linear in float64 and assert that loss, parameter grads, dh0/dc0 and
final states match; replay rnn-seed-training with torch autograd. Skips (exit 0) when torch is
not importable; nothing in the product depends on it.

Usage: torch_check.py [--dir FIXTURE_DIR]
"""

import argparse
import glob
import json
import os
import sys

from refcommon import FIXTURE_DIR

ATOL, RTOL = 1e-11, 1e-9


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default=FIXTURE_DIR)
    args = ap.parse_args(argv)
    try:
        import torch  # noqa: F401
    except ImportError:
        print("torch_check: torch is not importable; skipped (fixtures are verified by finite differences)")
        return 0
    import torch

    torch.set_default_dtype(torch.float64)
    failures = 0
    for path in sorted(glob.glob(os.path.join(args.dir, "*.json"))):
        with open(path) as f:
            fx = json.load(f)
        name = os.path.basename(path)
        try:
            if "windows" in fx:
                check_training(torch, fx)
            else:
                check_forward(torch, fx)
            print("ok  ", name)
        except AssertionError as e:
            failures += 1
            print("FAIL", name, e)
    return 1 if failures else 0


def tensor(torch, t):
    return torch.tensor(t["data"], dtype=torch.float64).reshape(t["shape"])


def close(torch, label, got, want):
    got = got.detach().to(torch.float64)
    want = torch.as_tensor(want, dtype=torch.float64).reshape(got.shape)
    err = (got - want).abs()
    bound = ATOL + RTOL * want.abs()
    if not bool((err <= bound).all()):
        raise AssertionError("%s: max |diff| %.3e" % (label, float(err.max())))


def build(torch, fx, vocab_size):
    L, H, V = fx["layers"], fx["hidden"], vocab_size
    kind = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[fx["cell"]]
    kw = {"nonlinearity": "tanh"} if fx["cell"] == "rnn" else {}
    rnn = kind(V, H, num_layers=L, bias=True, batch_first=False, dropout=0.0, **kw).double()
    dec = torch.nn.Linear(H, V).double()
    with torch.no_grad():
        for pname, t in fx["params"].items():
            owner, attr = pname.split(".", 1)
            target = getattr(rnn if owner == "rnn" else dec, attr)
            assert list(target.shape) == t["shape"], "%s shape %s vs %s" % (pname, list(target.shape), t["shape"])
            target.copy_(tensor(torch, t))
    return rnn, dec


def run(torch, fx, rnn, dec, vocab_size, inputs, targets, h0, c0):
    """inputs/targets [T][B] ids; h0/c0 [L][B][H]. Returns loss, h_n, c_n, h0 leaf, c0 leaf."""
    F = torch.nn.functional
    x = F.one_hot(torch.tensor(inputs, dtype=torch.long), vocab_size).to(torch.float64)  # [T, B, V]
    tg = torch.tensor(targets, dtype=torch.long)                                         # [T, B]
    T, B = tg.shape
    h0t = torch.tensor(h0, dtype=torch.float64, requires_grad=True)
    c0t = torch.tensor(c0, dtype=torch.float64, requires_grad=True) if c0 is not None else None
    if fx["cell"] == "lstm":
        out, (hn, cn) = rnn(x, (h0t, c0t))
    else:
        out, hn = rnn(x, h0t)
        cn = None
    y = dec(out)                                                                         # [T, B, V]
    loss = F.cross_entropy(y.reshape(T * B, vocab_size), tg.reshape(-1), reduction="sum") / B
    return loss, hn, cn, h0t, c0t


def grad_of(rnn, dec, pname):
    owner, attr = pname.split(".", 1)
    return getattr(rnn if owner == "rnn" else dec, attr).grad


def check_forward(torch, fx):
    V = fx["vocab"]
    rnn, dec = build(torch, fx, V)
    loss, hn, cn, h0t, c0t = run(torch, fx, rnn, dec, V, fx["inputs"], fx["targets"], fx["h0"], fx.get("c0"))
    loss.backward()
    close(torch, "loss", loss, fx["loss"])
    for pname, t in fx["grads"].items():
        close(torch, "grad " + pname, grad_of(rnn, dec, pname), t["data"])
        if "grads_clipped" in fx:
            clipped = grad_of(rnn, dec, pname).clamp(-fx["clip"], fx["clip"])
            close(torch, "grad_clipped " + pname, clipped, fx["grads_clipped"][pname]["data"])
    close(torch, "dh0", h0t.grad, fx["dh0"])
    close(torch, "h_final", hn, fx["h_final"])
    if fx["cell"] == "lstm":
        close(torch, "dc0", c0t.grad, fx["dc0"])
        close(torch, "c_final", cn, fx["c_final"])


def check_training(torch, fx):
    """Re-derive the whole seed loop from text/lr/clip/steps; compare losses and final weights."""
    text, T, H = fx["text"], fx["seq_length"], fx["hidden"]
    chars = sorted(set(text))
    assert chars == fx["vocab"], "vocab %r vs %r" % (chars, fx["vocab"])
    V = len(chars)
    data = [chars.index(c) for c in text]
    rnn, dec = build(torch, fx, V)
    params = {pn: (getattr(rnn if pn.startswith("rnn.") else dec, pn.split(".", 1)[1])) for pn in fx["params"]}
    mem = {pn: torch.zeros_like(p) for pn, p in params.items()}
    p, h = 0, [[[0.0] * H]]
    for n in range(fx["steps"]):
        if n == 0 or p + T + 1 > len(data):
            p, h = 0, [[[0.0] * H]]
        inputs = [[i] for i in data[p:p + T]]
        targets = [[i] for i in data[p + 1:p + T + 1]]
        for q in params.values():
            q.grad = None
        loss, hn, _, _, _ = run(torch, fx, rnn, dec, V, inputs, targets, h, None)
        loss.backward()
        close(torch, "loss step %d" % (n + 1), loss, fx["losses"][n])
        with torch.no_grad():
            for pn, q in params.items():
                g = q.grad.clamp(-fx["clip"], fx["clip"])
                mem[pn] += g * g
                q -= fx["lr"] * g / torch.sqrt(mem[pn] + 1e-8)
        h = hn.detach().tolist()
        p += T
    for pn, q in params.items():
        close(torch, "params_after " + pn, q, fx["params_after"][pn]["data"])
    close(torch, "h_final", torch.tensor(h), fx["h_final"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
