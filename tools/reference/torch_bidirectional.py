#!/usr/bin/env python3
"""Golden fixtures for charrnn's bidirectional taggers, straight from PyTorch: a 2-layer
torch.nn.RNN/LSTM/GRU(bidirectional=True) + nn.Linear(2H, O) in float64, its state_dict under
charrnn's checkpoint names (rnn.weight_ih_l0_reverse, …, decoder.*), one window of inputs and
label targets, and what PyTorch computes: the logits [T, B, O], the loss (Σ_t mean_b −ln p[label],
charrnn's convention), every parameter gradient, the forward directions' dh0, and their final h
(and c). The reverse directions start from zero, as charrnn's do. The TypeScript spec
packages/model/src/bidirectional-torch.spec.ts loads these into CharRnnModel and compares.

Needs torch (Debian's python3-torch: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread).
Usage: torch_bidirectional.py [--out DIR]
"""

import argparse
import os
import sys

from refcommon import FIXTURE_DIR, nested, tensor_json, write_fixture

SEED, T, B, V, H, L, O = 20, 5, 2, 6, 3, 2, 3


def make(torch, cell):
    torch.manual_seed(SEED)
    kind = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    rnn = kind(V, H, num_layers=L, bidirectional=True, batch_first=False).double()
    dec = torch.nn.Linear(2 * H, O).double()
    with torch.no_grad():  # ±1 rather than ±1/√H, so the nonlinearities are exercised
        for p in list(rnn.parameters()) + list(dec.parameters()):
            p.uniform_(-1, 1)
    inputs = torch.randint(0, V, (T, B))
    targets = torch.randint(0, O, (T, B))
    h0 = torch.zeros(2 * L, B, H, dtype=torch.float64)
    h0[0::2] = torch.rand(L, B, H, dtype=torch.float64) * 1.8 - 0.9  # forward directions carry a state
    c0 = torch.zeros(2 * L, B, H, dtype=torch.float64)
    c0[0::2] = torch.rand(L, B, H, dtype=torch.float64) * 1.8 - 0.9
    h0.requires_grad_(True)
    c0.requires_grad_(True)
    x = torch.nn.functional.one_hot(inputs, V).double()
    if cell == "lstm":
        out, (hn, cn) = rnn(x, (h0, c0))
    else:
        out, hn = rnn(x, h0)
        cn = None
    logits = dec(out)  # [T, B, O]
    loss = torch.nn.functional.cross_entropy(logits.reshape(T * B, O), targets.reshape(-1), reduction="sum") / B
    loss.backward()
    params = {"rnn." + k: v for k, v in rnn.state_dict().items()}
    params.update({"decoder." + k: v for k, v in dec.state_dict().items()})
    grads = {"rnn." + k: p.grad for k, p in rnn.named_parameters()}
    grads.update({"decoder." + k: p.grad for k, p in dec.named_parameters()})
    fx = {
        "generator": "tools/reference/torch_bidirectional.py (torch %s)" % torch.__version__,
        "seed": SEED,
        "dtype": "f64",
        "cell": cell,
        "layers": L,
        "hidden": H,
        "vocab": V,
        "labels": O,
        "batch": B,
        "seq_length": T,
        "params": {k: tensor_json(v.numpy()) for k, v in params.items()},
        "inputs": inputs.tolist(),
        "targets": targets.tolist(),
        "h0": nested(h0.detach()[0::2].numpy()),
        "logits": nested(logits.detach().numpy()),
        "loss": float(loss),
        "grads": {k: tensor_json(v.numpy()) for k, v in grads.items()},
        "dh0": nested(h0.grad[0::2].numpy()),
        "h_final": nested(hn.detach()[0::2].numpy()),
    }
    if cell == "lstm":
        fx["c0"] = nested(c0.detach()[0::2].numpy())
        fx["dc0"] = nested(c0.grad[0::2].numpy())
        fx["c_final"] = nested(cn.detach()[0::2].numpy())
    return fx


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(FIXTURE_DIR, "torch"))
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    for cell in ("rnn", "lstm", "gru"):
        name = "%s-bidirectional-2layer-b2" % cell
        write_fixture(name, make(torch, cell), args.out)
        print("wrote", os.path.join(args.out, name + ".json"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
