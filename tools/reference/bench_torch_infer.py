#!/usr/bin/env python3
"""PyTorch peer for `npm run bench` (tools/bench): inference speed of nn.RNN / nn.LSTM + nn.Linear,
one thread, float32, the same model shape as charrnn's.

--task eval: the whole text scored in one call (one-hot [N, 1, V] → nn.RNN/nn.LSTM → nn.Linear →
cross-entropy), under torch.no_grad(): what `charrnn-eval` does. chars_per_s = N / seconds of a call.
--task sample: the usual generation loop, one character per step (one-hot [1, 1, V] → cell → decoder
→ softmax → torch.multinomial), under torch.no_grad(): what `charrnn-sample` does.

Prints one JSON line: {name, impl, task, cell, hidden, dtype, chars_per_s, ms_per_step, steps, seconds,
peak_mb, torch}; a "step" is one eval call over the text, or one sampled character. If torch is not
importable it prints {"skipped": reason} and exits 0. Dimension letters: N text length, H hidden, V vocab.
"""

import argparse
import json
import resource
import sys

from bench_numpy import measure  # the same warm-up and timing for every peer


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--task", choices=["eval", "sample"], required=True)
    ap.add_argument("--cell", choices=["rnn", "lstm"], default="rnn")
    ap.add_argument("--hidden", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--chars", type=int, default=20000, help="eval: score the first CHARS+1 characters")
    a = ap.parse_args()
    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except ImportError as error:
        print(json.dumps({"skipped": f"torch is not importable by {sys.executable}: {error}"}), flush=True)
        return 0

    torch.set_num_threads(1)
    torch.manual_seed(1)
    with open(a.data, "r", encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))
    V, H = len(chars), a.hidden
    lookup = {ch: i for i, ch in enumerate(chars)}
    encoded = torch.tensor([lookup[ch] for ch in text], dtype=torch.long)
    if a.task == "eval":
        encoded = encoded[: a.chars + 1]  # the same prefix charrnn's side scores
    rnn = nn.RNN(V, H) if a.cell == "rnn" else nn.LSTM(V, H)
    decoder = nn.Linear(H, V)
    impl = f"nn.{'RNN' if a.cell == 'rnn' else 'LSTM'}"

    if a.task == "eval":
        N = len(encoded) - 1
        inputs, targets = encoded[:-1], encoded[1:]

        def step():
            with torch.no_grad():
                x = F.one_hot(inputs, V).float()[:, None, :]  # [N, 1, V]
                out, _ = rnn(x)  # [N, 1, H]
                return F.cross_entropy(decoder(out[:, 0, :]), targets).item()

        timing = measure(step, a.seconds, N)
        impl += " forward, one call"
    else:
        state = {"x": torch.zeros(1, 1, V), "h": None, "id": 0}

        def step():
            with torch.no_grad():
                x = state["x"]
                x.zero_()
                x[0, 0, state["id"]] = 1
                out, state["h"] = rnn(x, state["h"])
                probs = F.softmax(decoder(out[0]), dim=-1)  # [1, V]
                state["id"] = int(torch.multinomial(probs, 1))
            return 0.0

        timing = measure(step, a.seconds, 1)
        impl += " sampling loop"

    out = {"name": "torch", "impl": impl, "task": a.task, "cell": a.cell, "hidden": H, "dtype": "float32", **timing,
           "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "torch": torch.__version__}
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
