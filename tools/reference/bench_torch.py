#!/usr/bin/env python3
"""PyTorch peer for `npm run bench` (tools/bench): training speed of nn.RNN / nn.LSTM / nn.GRU + nn.Linear,
one thread, float32, the same model, data layout and update as charrnn's trainer.

One-hot inputs [T, B, V] → nn.RNN(tanh), nn.LSTM or nn.GRU → nn.Linear decoder; CrossEntropyLoss summed
over time and averaged over the batch; the seed's elementwise clip (±5); Adagrad (lr 0.1). B streams
spaced len/B apart, each carrying its own (detached) state from window to window.

--bidirectional: the restore-spaces tagger instead (charrnn-train --task restore-spaces --bidirectional):
nn.LSTM(bidirectional=True) over the text without spaces, a decoder over 2 labels on [T, B, 2H], the
reverse direction starting from zero in every window.

Prints one JSON line: {name, impl, cell, hidden, seq_length, batch, dtype, chars_per_s, ms_per_step,
steps, seconds, peak_mb, torch}. If torch is not importable it prints {"skipped": reason} and exits 0.
Dimension letters: T time, B batch, H hidden, V vocab.
"""

import argparse
import json
import resource
import sys

from bench_numpy import measure  # the same warm-up and timing for every peer


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--cell", choices=["rnn", "lstm", "gru"], default="rnn")
    ap.add_argument("--hidden", type=int, default=100)
    ap.add_argument("--seq-length", type=int, default=25)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--bidirectional", action="store_true")
    a = ap.parse_args()
    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except ImportError as error:
        print(json.dumps({"skipped": f"torch is not importable by {sys.executable}: {error}"}), flush=True)
        return 0

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    with open(a.data, "r", encoding="utf-8") as f:
        text = f.read()
    if a.bidirectional:  # restore-spaces: the text without spaces, label 1 where a space followed
        kept, labels = [], []
        for ch in text:
            if ch == " ":
                if labels:
                    labels[-1] = 1
            else:
                kept.append(ch)
                labels.append(0)
        text = "".join(kept)
        tags = torch.tensor(labels, dtype=torch.long)
    chars = sorted(set(text))
    V, H, T, B = len(chars), a.hidden, a.seq_length, a.batch
    lookup = {ch: i for i, ch in enumerate(chars)}
    encoded = torch.tensor([lookup[ch] for ch in text], dtype=torch.long)
    stride = (len(encoded) - 1) // B
    if stride < T:
        raise SystemExit(f"bench_torch: the text must have at least B*(T+1) characters, got {len(encoded)}")
    starts = (torch.arange(B) * stride)[None, :]  # [1, B]
    offsets = torch.arange(T)[:, None]  # [T, 1]

    D = 2 if a.bidirectional else 1
    O = 2 if a.bidirectional else V
    rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[a.cell](V, H, bidirectional=a.bidirectional)
    with_cell_state = a.cell == "lstm"
    decoder = nn.Linear(D * H, O)
    params = list(rnn.parameters()) + list(decoder.parameters())
    optimizer = torch.optim.Adagrad(params, lr=0.1)
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    zeros = torch.zeros(D, B, H)
    state = {"p": 0, "n": 0, "h": None}

    def step():
        p = state["p"]
        if state["n"] == 0 or p + T + 1 > stride + 1:
            state["h"] = (zeros.clone(), zeros.clone()) if with_cell_state else zeros.clone()
            p = 0
        idx = starts + p + offsets  # [T, B]
        x = F.one_hot(encoded[idx], V).float()  # [T, B, V]
        y = (tags[idx] if a.bidirectional else encoded[idx + 1]).reshape(-1)  # [T*B]
        out, h = rnn(x, state["h"])  # out [T, B, D*H]
        loss = loss_fn(decoder(out.reshape(T * B, D * H)), y) / B
        optimizer.zero_grad(set_to_none=False)
        loss.backward()
        nn.utils.clip_grad_value_(params, 5.0)
        optimizer.step()
        state["h"] = (h[0].detach(), h[1].detach()) if with_cell_state else h.detach()
        if a.bidirectional:  # the reverse direction carries nothing between windows, as charrnn's
            for s in state["h"] if with_cell_state else (state["h"],):
                s[1].zero_()
        state["p"] = p + T
        state["n"] += 1
        return loss.item()

    timing = measure(step, a.seconds, T * B)
    out = {"name": "torch", "impl": f"nn.{a.cell.upper()}{'(bidirectional=True)' if a.bidirectional else ''}", "cell": a.cell, "hidden": H,
           "seq_length": T, "batch": B, "dtype": "float32", **timing,
           "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "torch": torch.__version__,
           "threads": torch.get_num_threads()}
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
