#!/usr/bin/env python3
"""Scores a charrnn checkpoint on a text outside charrnn: the mean cross-entropy of every
next-character prediction, one continuous sequence from a zero hidden state, as `charrnn-eval`
defines it. With torch importable it loads the tensors into torch.nn.RNN/LSTM/GRU + nn.Linear
via load_state_dict (the PyTorch round trip); otherwise (or with --numpy) it runs the numpy
reference of lstm_gru.py. Prints one JSON line {"loss", "bpc", "count", "engine"}.

Usage: eval_checkpoint.py CHECKPOINT TEXT [--numpy] [--chunk 256]
"""

import argparse
import json
import math
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64}


def read_safetensors(path):
    """A minimal safetensors reader (the format is 8-byte length, JSON header, raw tensors)."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if info["dtype"] not in DTYPES:
            continue
        a, b = info["data_offsets"]
        tensors[name] = np.frombuffer(blob[base + a:base + b], dtype=DTYPES[info["dtype"]]).reshape(info["shape"]).astype(np.float64)
    return tensors, meta


def model_params(tensors):
    return {k: v for k, v in tensors.items() if k.startswith("rnn.") or k.startswith("decoder.")}


def eval_torch(cell, params, ids, chunk):
    import torch
    V, H = params["decoder.weight"].shape
    L = sum(1 for k in params if k.startswith("rnn.weight_ih_l"))
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    rnn = cls(V, H, num_layers=L).double()
    rnn.load_state_dict({k[4:]: torch.from_numpy(v) for k, v in params.items() if k.startswith("rnn.")})
    dec = torch.nn.Linear(H, V).double()
    dec.load_state_dict({k[8:]: torch.from_numpy(v) for k, v in params.items() if k.startswith("decoder.")})
    state = None
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(ids) - 1, chunk):
            x = torch.tensor(ids[start:start + chunk + 1])
            inp, tgt = x[:-1], x[1:]
            onehot = torch.nn.functional.one_hot(inp, V).double().unsqueeze(1)  # [T, 1, V]
            out, state = rnn(onehot, state)
            logits = dec(out[:, 0, :])
            total += torch.nn.functional.cross_entropy(logits, tgt, reduction="sum").item()
    return total, "torch " + torch.__version__


def eval_numpy(cell, params, ids, chunk):
    from lstm_gru import forward_backward
    V, H = params["decoder.weight"].shape
    L = sum(1 for k in params if k.startswith("rnn.weight_ih_l"))
    h = np.zeros((L, 1, H))
    c = np.zeros((L, 1, H))
    total = 0.0
    for start in range(0, len(ids) - 1, chunk):
        seg = ids[start:start + chunk + 1]
        inputs = np.array(seg[:-1]).reshape(-1, 1)
        targets = np.array(seg[1:]).reshape(-1, 1)
        out = forward_backward(cell, params, inputs, targets, h, c if cell == "lstm" else None, backward=False)
        total += out["loss"]
        h = np.array(out["h_final"])
        if cell == "lstm":
            c = np.array(out["c_final"])
    return total, "numpy reference"


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkpoint")
    ap.add_argument("text")
    ap.add_argument("--numpy", action="store_true", help="use the numpy reference even when torch is importable")
    ap.add_argument("--chunk", type=int, default=256)
    args = ap.parse_args(argv)
    tensors, meta = read_safetensors(args.checkpoint)
    vocab = json.loads(meta["vocab"])
    index = {ch: i for i, ch in enumerate(vocab)}
    text = open(args.text, encoding="utf-8").read()
    ids = [index[ch] for ch in text]  # Python iterates code points, as charrnn does
    params = model_params(tensors)
    cell = meta.get("cell", "rnn")
    use_torch = not args.numpy
    if use_torch:
        try:
            import torch  # noqa: F401
        except ImportError:
            use_torch = False
    total, engine = (eval_torch if use_torch else eval_numpy)(cell, params, ids, args.chunk)
    count = len(ids) - 1
    print(json.dumps({"loss": total / count, "bpc": total / count / math.log(2), "count": count, "engine": engine}))


if __name__ == "__main__":
    main(sys.argv[1:])
