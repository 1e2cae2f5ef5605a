#!/usr/bin/env python3
"""Independent float64 reference of stacked RNN (tanh), LSTM and GRU language models with
PyTorch's equations, gate order and parameter layout, plus exact hand-written BPTT. Writes the
multi-layer / gated golden fixtures for packages/model. Letters: T time, B batch, H hidden,
V vocab, L layers, G gates (rnn 1, lstm 4 = i,f,g,o, gru 3 = r,z,n).

Params per layer k: rnn.weight_ih_l{k} [G*H, in_k] (in_0 = V, else H), rnn.weight_hh_l{k}
[G*H, H], rnn.bias_ih_l{k} [G*H], rnn.bias_hh_l{k} [G*H]; decoder.weight [V, H], decoder.bias [V].
Layer 0's input is the one-hot of the char id. Loss = (sum_t sum_b -ln softmax(y_t)[target]) / B.

Usage: lstm_gru.py [--out DIR] [FIXTURE ...]   (no names: all fixtures of this script)
"""

import argparse
import sys

import numpy as np

from refcommon import gradcheck, max_diff, nested, tensor_json, write_fixture

GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def param_names(L):
    names = []
    for k in range(L):
        names += ["rnn.weight_ih_l%d" % k, "rnn.weight_hh_l%d" % k, "rnn.bias_ih_l%d" % k, "rnn.bias_hh_l%d" % k]
    return names + ["decoder.weight", "decoder.bias"]


def init_params(rng, cell, L, V, H):
    """rnn: normal * 0.3 (tanh out of its linear regime); lstm/gru: U(-1/sqrt(H), 1/sqrt(H)),
    PyTorch's own init for both the cells and nn.Linear(H, V)."""
    G = GATES[cell]
    if cell == "rnn":
        draw = lambda shape: rng.standard_normal(shape) * 0.3
    else:
        bound = 1.0 / np.sqrt(H)
        draw = lambda shape: rng.uniform(-bound, bound, size=shape)
    p = {}
    for k in range(L):
        inp = V if k == 0 else H
        p["rnn.weight_ih_l%d" % k] = draw((G * H, inp))  # [G*H, in]
        p["rnn.weight_hh_l%d" % k] = draw((G * H, H))    # [G*H, H]
        p["rnn.bias_ih_l%d" % k] = draw((G * H,))        # [G*H]
        p["rnn.bias_hh_l%d" % k] = draw((G * H,))        # [G*H]
    p["decoder.weight"] = draw((V, H))                   # [V, H]
    p["decoder.bias"] = draw((V,))                       # [V]
    return p


# ---------------------------------------------------------------------------------------------
# Cells: step(x [B,in], h [B,H], c [B,H] or None) -> (h', c', cache); back(cache, dh', dc')
# -> (dx, dh, dc, grads-of-this-layer accumulated into g).
# ---------------------------------------------------------------------------------------------
def rnn_step(P, x, h, c):
    Wih, Whh, bih, bhh = P
    hn = np.tanh(x @ Wih.T + bih + h @ Whh.T + bhh)
    return hn, None, (x, h, hn)


def rnn_back(P, G, cache, dhn, dcn):
    Wih, Whh, _, _ = P
    x, h, hn = cache
    da = (1.0 - hn * hn) * dhn
    G[0] += da.T @ x
    G[1] += da.T @ h
    G[2] += da.sum(axis=0)
    G[3] += da.sum(axis=0)
    return da @ Wih, da @ Whh, None


def lstm_step(P, x, h, c):
    Wih, Whh, bih, bhh = P
    H = h.shape[1]
    a = x @ Wih.T + bih + h @ Whh.T + bhh             # [B, 4H], PyTorch order i, f, g, o
    i = sigmoid(a[:, 0:H])
    f = sigmoid(a[:, H:2 * H])
    g = np.tanh(a[:, 2 * H:3 * H])
    o = sigmoid(a[:, 3 * H:4 * H])
    cn = f * c + i * g
    tc = np.tanh(cn)
    hn = o * tc
    return hn, cn, (x, h, c, i, f, g, o, tc)


def lstm_back(P, G, cache, dhn, dcn):
    Wih, Whh, _, _ = P
    x, h, c, i, f, g, o, tc = cache
    do = dhn * tc
    dc = dcn + dhn * o * (1.0 - tc * tc)
    di, df, dg = dc * g, dc * c, dc * i
    da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f), dg * (1.0 - g * g), do * o * (1.0 - o)], axis=1)
    G[0] += da.T @ x
    G[1] += da.T @ h
    G[2] += da.sum(axis=0)
    G[3] += da.sum(axis=0)
    return da @ Wih, da @ Whh, dc * f


def gru_step(P, x, h, c):
    Wih, Whh, bih, bhh = P
    H = h.shape[1]
    gi = x @ Wih.T + bih                              # [B, 3H], PyTorch order r, z, n
    gh = h @ Whh.T + bhh                              # [B, 3H]
    r = sigmoid(gi[:, 0:H] + gh[:, 0:H])
    z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    ghn = gh[:, 2 * H:3 * H]
    n = np.tanh(gi[:, 2 * H:3 * H] + r * ghn)
    hn = (1.0 - z) * n + z * h
    return hn, None, (x, h, r, z, n, ghn)


def gru_back(P, G, cache, dhn, dcn):
    Wih, Whh, _, _ = P
    x, h, r, z, n, ghn = cache
    dn = dhn * (1.0 - z)
    dz = dhn * (h - n)
    dan = dn * (1.0 - n * n)
    dar = dan * ghn * r * (1.0 - r)
    daz = dz * z * (1.0 - z)
    dgi = np.concatenate([dar, daz, dan], axis=1)
    dgh = np.concatenate([dar, daz, dan * r], axis=1)  # b_hn sits inside r * (...)
    G[0] += dgi.T @ x
    G[1] += dgh.T @ h
    G[2] += dgi.sum(axis=0)
    G[3] += dgh.sum(axis=0)
    return dgi @ Wih, dhn * z + dgh @ Whh, None


CELLS = {"rnn": (rnn_step, rnn_back), "lstm": (lstm_step, lstm_back), "gru": (gru_step, gru_back)}


def forward_backward(cell, params, inputs, targets, h0, c0=None, backward=True):
    """inputs/targets [T, B] ints; h0 (and c0 for lstm) [L, B, H]."""
    step, back = CELLS[cell]
    inputs, targets = np.asarray(inputs), np.asarray(targets)
    T, B = inputs.shape
    L = h0.shape[0]
    Wd, bd = params["decoder.weight"], params["decoder.bias"]
    V = Wd.shape[0]
    rows = np.arange(B)
    layer_P = [tuple(params[n % k] for n in ("rnn.weight_ih_l%d", "rnn.weight_hh_l%d", "rnn.bias_ih_l%d",
                                             "rnn.bias_hh_l%d")) for k in range(L)]

    seq = []
    for t in range(T):
        x = np.zeros((B, V))
        x[rows, inputs[t]] = 1.0
        seq.append(x)
    caches = []
    h_final, c_final = [], []
    for k in range(L):
        h, c = h0[k], (c0[k] if cell == "lstm" else None)
        out, cs = [], []
        for t in range(T):
            h, c, cache = step(layer_P[k], seq[t], h, c)
            out.append(h)
            cs.append(cache)
        caches.append(cs)
        h_final.append(h)
        c_final.append(c)
        seq = out

    loss = 0.0
    ps = []
    for t in range(T):
        y = seq[t] @ Wd.T + bd
        e = np.exp(y - y.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        loss += -np.sum(np.log(p[rows, targets[t]]))
        ps.append(p)
    loss /= B
    res = {"loss": loss, "h_final": np.array(h_final), "c_final": np.array(c_final) if cell == "lstm" else None}
    if not backward:
        return res

    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dseq = []
    for t in range(T):
        dy = ps[t].copy()
        dy[rows, targets[t]] -= 1.0
        dy /= B
        grads["decoder.weight"] += dy.T @ seq[t]
        grads["decoder.bias"] += dy.sum(axis=0)
        dseq.append(dy @ Wd)
    H = h0.shape[2]
    dh0, dc0 = np.zeros_like(h0), np.zeros_like(h0)
    for k in reversed(range(L)):
        Gk = [grads[n % k] for n in ("rnn.weight_ih_l%d", "rnn.weight_hh_l%d", "rnn.bias_ih_l%d", "rnn.bias_hh_l%d")]
        dh_next = np.zeros((B, H))
        dc_next = np.zeros((B, H)) if cell == "lstm" else None
        dx_seq = [None] * T
        for t in reversed(range(T)):
            dx, dh_next, dc_next = back(layer_P[k], Gk, caches[k][t], dseq[t] + dh_next, dc_next)
            dx_seq[t] = dx
        dh0[k] = dh_next
        if cell == "lstm":
            dc0[k] = dc_next
        dseq = dx_seq  # layer k-1's outputs feed layer k's inputs
    res.update(grads=grads, dh0=dh0, dc0=dc0 if cell == "lstm" else None)
    return res


FIXTURES = {
    # name: (cell, layers, V, H, T, B, seed)
    "rnn-2layer-b2": ("rnn", 2, 9, 6, 5, 2, 103),
    "lstm-1layer-b1": ("lstm", 1, 7, 5, 4, 1, 201),
    "lstm-2layer-b2": ("lstm", 2, 9, 6, 5, 2, 202),
    "gru-1layer-b1": ("gru", 1, 7, 5, 4, 1, 301),
    "gru-2layer-b2": ("gru", 2, 10, 8, 6, 2, 302),
}


def make_fixture(name):
    cell, L, V, H, T, B, seed = FIXTURES[name]
    rng = np.random.default_rng(seed)
    params = init_params(rng, cell, L, V, H)
    inputs = rng.integers(0, V, size=(T, B))
    targets = rng.integers(0, V, size=(T, B))
    h0 = rng.uniform(-0.8, 0.8, size=(L, B, H))
    c0 = rng.standard_normal((L, B, H)) * 0.5 if cell == "lstm" else None

    res = forward_backward(cell, params, inputs, targets, h0, c0)

    h0w, c0w = h0.copy(), (c0.copy() if c0 is not None else None)
    arrays = dict(params)
    analytic = dict(res["grads"])
    arrays["h0"], analytic["h0"] = h0w, res["dh0"]
    if cell == "lstm":
        arrays["c0"], analytic["c0"] = c0w, res["dc0"]
    stats = gradcheck(lambda: forward_backward(cell, params, inputs, targets, h0w, c0w, backward=False)["loss"],
                      arrays, analytic, name)

    names = param_names(L)
    fx = {
        "generator": "tools/reference/lstm_gru.py %s" % name,
        "seed": seed, "dtype": "f64", "cell": cell, "layers": L, "hidden": H, "vocab": V,
        "batch": B, "seq_length": T,
        "params": {k: tensor_json(params[k]) for k in names},
        "inputs": inputs.tolist(), "targets": targets.tolist(),
        "h0": nested(h0),
    }
    if cell == "lstm":
        fx["c0"] = nested(c0)
    fx["loss"] = float(res["loss"])
    fx["grads"] = {k: tensor_json(res["grads"][k]) for k in names}
    fx["dh0"] = nested(res["dh0"])
    if cell == "lstm":
        fx["dc0"] = nested(res["dc0"])
    fx["h_final"] = nested(res["h_final"])
    if cell == "lstm":
        fx["c_final"] = nested(res["c_final"])
    return fx, stats


def self_test():
    """The generic tanh cell at L = 1 must agree with the seed-style min_char_rnn code."""
    import min_char_rnn
    rng = np.random.default_rng(7)
    V, H, T, B = 6, 4, 5, 3
    p = init_params(rng, "rnn", 1, V, H)
    inputs, targets = rng.integers(0, V, (T, B)), rng.integers(0, V, (T, B))
    h0 = rng.uniform(-0.8, 0.8, (1, B, H))
    a = forward_backward("rnn", p, inputs, targets, h0)
    b = min_char_rnn.rnn_forward_backward(p, inputs, targets, h0[0])
    assert abs(a["loss"] - b["loss"]) < 1e-12
    for k in p:
        assert max_diff(a["grads"][k], b["grads"][k]) < 1e-12, k
    assert max_diff(a["dh0"][0], b["dh0"]) < 1e-12
    assert max_diff(a["h_final"][0], b["h_final"]) < 1e-12
    print("self-test: generic rnn cell == min_char_rnn (L=1, B=3)")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=None, help="output directory (default packages/model/src/fixtures)")
    ap.add_argument("names", nargs="*", help="fixtures to write: %s" % ", ".join(FIXTURES))
    args = ap.parse_args(argv)
    names = args.names or list(FIXTURES)
    for n in names:
        if n not in FIXTURES:
            ap.error("unknown fixture %r (known: %s)" % (n, ", ".join(FIXTURES)))
    self_test()
    for n in names:
        fx, _ = make_fixture(n)
        print("wrote", write_fixture(n, fx, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
