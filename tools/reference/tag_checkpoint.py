#!/usr/bin/env python3
"""Scores a charrnn tagging checkpoint (charrnn-train --task restore-spaces|restore-case|
restore-punctuation, with or without --bidirectional) on a text outside charrnn, in PyTorch:
the checkpoint's tensors go into torch.nn.RNN/LSTM/GRU(bidirectional=…) + nn.Linear with
load_state_dict(strict=True), the text is derived as charrnn derives it, and it is tagged as
charrnn-tag and charrnn-eval tag it (windows of --window symbols, the forward state carried from
where each window stops emitting, a bidirectional model looking window/2 ahead). Prints one JSON
line {"loss", "accuracy", "precision", "recall", "f1", "count"}: compare with
`charrnn-eval --checkpoint CHECKPOINT --data TEXT`.

Needs torch (Debian's python3-torch: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread).
--compare FILE.json: instead, compare the logits of the first window (from a zero state) with
FILE.json's (a flat [window·O] array from charrnn) and print the largest |difference|.

Usage: tag_checkpoint.py CHECKPOINT TEXT [--window N] [--compare FILE.json] [--float64]
"""

import argparse
import json
import math
import sys

from eval_checkpoint import read_safetensors

PUNCTUATION = [".", ",", "?", "!", ";", ":"]


def derive(task, text):
    """The task's input characters and labels, as @charrnn/corpus's tasks.ts derives them."""
    chars, labels = [], []
    for ch in text:
        if task == "restore-spaces" and ch == " ":
            if labels and labels[-1] == 0:
                labels[-1] = 1
        elif task == "restore-punctuation" and ch in PUNCTUATION:
            if labels and labels[-1] == 0:
                labels[-1] = PUNCTUATION.index(ch) + 1
        elif task == "restore-case":
            lower = ch.lower()
            trips = lower != ch and len(lower) == 1 and lower.upper() == ch
            chars.append(lower if trips else ch)
            labels.append(1 if trips else 0)
        else:
            chars.append(ch)
            labels.append(0)
    return chars, labels


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkpoint")
    ap.add_argument("text")
    ap.add_argument("--window", type=int, default=None)
    ap.add_argument("--compare", default=None)
    ap.add_argument("--float64", action="store_true", help="compute in float64 whatever the checkpoint's dtype")
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    tensors, meta = read_safetensors(args.checkpoint)
    task = meta.get("task")
    if task not in ("restore-spaces", "restore-case", "restore-punctuation"):
        print("tag_checkpoint: the checkpoint must be a text-restoring tagger, got task %r" % task, file=sys.stderr)
        return 2
    config = json.loads(meta.get("config", "{}"))
    window = args.window or config.get("seqLength", 100)
    cell = meta["cell"]
    vocab = json.loads(meta["vocab"])
    dtype = torch.float64 if args.float64 or config.get("dtype") == "f64" else torch.float32
    bi = "rnn.weight_ih_l0_reverse" in tensors
    D = 2 if bi else 1
    O, DH = tensors["decoder.weight"].shape
    H = DH // D
    L = sum(1 for k in tensors if k.startswith("rnn.weight_ih_l") and not k.endswith("_reverse"))
    V = len(vocab)
    kind = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    kw = {"nonlinearity": "tanh"} if cell == "rnn" else {}

    def state_of(prefix, rename=lambda k: k):
        return {rename(k[len(prefix):]): torch.tensor(v, dtype=dtype) for k, v in tensors.items() if k.startswith(prefix)}

    # The whole model, as a user would load it: nn.LSTM(bidirectional=True) + nn.Linear, strict names.
    rnn = kind(V, H, num_layers=L, bidirectional=bi, **kw).to(dtype)
    rnn.load_state_dict(state_of("rnn."), strict=True)
    dec = torch.nn.Linear(DH, O).to(dtype)
    dec.load_state_dict(state_of("decoder."), strict=True)
    # Each layer's forward direction alone, to carry its state from where a window stops emitting.
    forward_layers = []
    for k in range(L):
        m = kind(V if k == 0 else DH, H, num_layers=1, **kw).to(dtype)
        suffix = "_l%d" % k
        m.load_state_dict({n.replace(suffix, "_l0"): t for n, t in state_of("rnn.").items() if n.endswith(suffix)}, strict=True)
        forward_layers.append(m)

    with open(args.text, encoding="utf-8") as f:
        chars, labels = derive(task, f.read())
    index = {ch: i for i, ch in enumerate(vocab)}
    ids = [index[ch] for ch in chars]
    if args.compare:
        with open(args.compare) as f:
            theirs = torch.tensor(json.load(f), dtype=torch.float64)
        n = min(window, len(ids))
        x = torch.nn.functional.one_hot(torch.tensor(ids[:n]), V).to(dtype).reshape(n, 1, V)
        with torch.no_grad():
            out = rnn(x)[0]
            ours = dec(out).reshape(-1).to(torch.float64)
        diff = float((ours - theirs[: ours.numel()]).abs().max())
        print(json.dumps({"compared": ours.numel(), "max_abs_diff": diff, "max_abs_logit": float(ours.abs().max()),
                          "engine": "torch %s %s" % (torch.__version__, str(dtype).replace("torch.", ""))}))
        return 0 if diff <= 1e-6 * max(1.0, float(ours.abs().max())) else 1
    lookahead = window // 2 if bi else 0
    h = torch.zeros(L, 1, H, dtype=dtype)
    c = torch.zeros(L, 1, H, dtype=dtype)
    total, correct, tp, fp, fn, pos = 0.0, 0, 0, 0, 0, 0
    with torch.no_grad():
        while pos < len(ids):
            rest = len(ids) - pos
            n = min(window, rest)
            emit = n - lookahead if rest >= window else n  # the end of the stream emits all
            x = torch.nn.functional.one_hot(torch.tensor(ids[pos:pos + n]), V).to(dtype).reshape(n, 1, V)
            h0 = torch.zeros(L * D, 1, H, dtype=dtype)
            c0 = torch.zeros(L * D, 1, H, dtype=dtype)
            h0[0::D] = h
            c0[0::D] = c
            out = rnn(x, (h0, c0))[0] if cell == "lstm" else rnn(x, h0)[0]
            logits = dec(out).reshape(n, O)[:emit].to(torch.float64)
            # Carried state: layer k's forward direction over its input's first `emit` rows.
            layer_in = x
            for k in range(L):
                single = kind(layer_in.shape[2], H, num_layers=1, bidirectional=bi, **kw).to(dtype)
                suffix = "_l%d" % k
                single.load_state_dict({n2.replace(suffix, "_l0"): t for n2, t in state_of("rnn.").items() if suffix in n2}, strict=True)
                hk0 = torch.zeros(D, 1, H, dtype=dtype)
                ck0 = torch.zeros(D, 1, H, dtype=dtype)
                hk0[0], ck0[0] = h[k], c[k]
                layer_out = single(layer_in, (hk0, ck0))[0] if cell == "lstm" else single(layer_in, hk0)[0]
                if cell == "lstm":
                    _, (hn, cn) = forward_layers[k](layer_in[:emit], (h[k:k + 1], c[k:k + 1]))
                    c[k] = cn[0]
                else:
                    _, hn = forward_layers[k](layer_in[:emit], h[k:k + 1])
                h[k] = hn[0]
                layer_in = layer_out
            for r in range(emit):
                row = logits[r]
                actual = labels[pos + r]
                total += float(torch.logsumexp(row, 0) - row[actual])
                predicted = int(torch.argmax(row))
                correct += predicted == actual
                tp += predicted != 0 and actual != 0
                fp += predicted != 0 and actual == 0
                fn += predicted == 0 and actual != 0
            pos += emit
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    loss = total / len(ids)
    print(json.dumps({"loss": loss, "bpc": loss / math.log(2), "count": len(ids), "accuracy": correct / len(ids),
                      "precision": precision, "recall": recall, "f1": f1, "task": task, "window": window,
                      "engine": "torch %s %s" % (torch.__version__, str(dtype).replace("torch.", ""))}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
