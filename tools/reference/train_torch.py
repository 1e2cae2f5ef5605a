#!/usr/bin/env python3
"""The README's 10-minute recipe in PyTorch, for a side-by-side run with charrnn-train.

Same model, data layout and training rule as charrnn's trainer, written independently:
one-hot inputs [T, B, V] -> nn.LSTM or nn.GRU (--cell)(layers, dropout between layers) -> dropout on the top output
-> nn.Linear decoder; cross-entropy averaged over T and B; B streams spaced len/B apart, each
carrying its detached state; global-norm clipping; Adam with decoupled weight decay on matrices
only (AdamW param groups), a linear warmup then cosine decay to lr*lr_min_factor; validation on
the last 10% of the text from a zero state; best checkpoint kept (state_dict, .pt).
Weight drop (--weight-drop): each window runs the LSTM with W_hh of every layer multiplied by one
inverted-dropout mask (F.dropout on the weight), as charrnn's weight drop.
Weight averaging (--ema-decay): after update t the average moves towards the weights with decay
min(d, (1+t)/(10+t)); evaluation and the best checkpoint use the average, as charrnn's.

Writes a log CSV with charrnn's columns (step, chars, loss, smooth_loss, val_loss, val_bpc, lr,
grad_norm, clipped_frac, chars_per_s, elapsed_s) and <log stem>.config.json with its settings, so
`charrnn-report` draws both runs on one page. One thread (torch.set_num_threads(1)).
Dimension letters: T time, B batch, H hidden, V vocab.
"""

import argparse
import copy
import csv
import json
import math
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--log", required=True, help="CSV log (charrnn's columns)")
    ap.add_argument("--save-best", default=None, help="state_dict of the best validation loss (.pt)")
    ap.add_argument("--cell", choices=["lstm", "gru"], default="lstm")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--seq-length", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--output-dropout", type=float, default=0.3)
    ap.add_argument("--weight-drop", type=float, default=0.0)
    ap.add_argument("--ema-decay", type=float, default=0.0)
    ap.add_argument("--lr", type=float, default=0.003)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--lr-min-factor", type=float, default=0.05)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--clip", type=float, default=5.0)
    ap.add_argument("--steps", type=int, default=10000)
    ap.add_argument("--max-seconds", type=float, default=0.0, help="stop after this many wall seconds (0: no limit)")
    ap.add_argument("--max-cpu-seconds", type=float, default=0.0, help="stop after this much CPU time of this process (0: no limit); fair on a loaded machine")
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--val-fraction", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    # One thread for the BLAS library too: torch.set_num_threads does not reach OpenBLAS's own pool,
    # whose idle threads showed up as a quarter of the process's CPU time (system time).
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    with open(a.data, "r", encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))
    V, H, T, B = len(chars), a.hidden, a.seq_length, a.batch_size
    lookup = {ch: i for i, ch in enumerate(chars)}
    ids = torch.tensor([lookup[ch] for ch in text], dtype=torch.long)
    n_val = int(math.floor(len(ids) * a.val_fraction * (1 + 1e-12)))
    train, val = ids[: len(ids) - n_val], ids[len(ids) - n_val :]

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            recurrent = nn.GRU if a.cell == "gru" else nn.LSTM
            self.rnn = recurrent(V, H, num_layers=a.layers, dropout=a.dropout if a.layers > 1 else 0.0)
            self.drop = nn.Dropout(a.output_dropout)
            self.decoder = nn.Linear(H, V)

        def forward(self, x, state):  # x [T, B] ids
            inputs = F.one_hot(x, V).float()
            if self.training and a.weight_drop > 0:
                # nn.LSTM.forward's own call, with W_hh of every layer replaced by its dropped copy
                # (nn.LSTM reads its cached flat weights, so swapping the attribute would not reach it).
                weights = [
                    F.dropout(w, a.weight_drop) if name.startswith("weight_hh") else w
                    for name, w in zip(self.rnn._flat_weights_names, self.rnn._flat_weights)
                ]
                zeros = torch.zeros(a.layers, x.shape[1], H)
                between = a.dropout if a.layers > 1 else 0.0
                if a.cell == "gru":
                    out, state = torch._VF.gru(inputs, zeros if state is None else state, weights, True, a.layers, between, True, False, False)
                else:
                    out, h, c = torch._VF.lstm(inputs, (zeros, zeros) if state is None else state, weights, True, a.layers, between, True, False, False)
                    state = (h, c)
            else:
                out, state = self.rnn(inputs, state)  # [T, B, H]
            return self.decoder(self.drop(out)), state  # [T, B, V]

    model = Model()
    average = copy.deepcopy(model) if a.ema_decay > 0 else None
    served = average if average is not None else model  # what evaluation and the best checkpoint use

    def update_average(step):
        keep = min(a.ema_decay, (1 + step) / (10 + step))
        with torch.no_grad():
            for avg, w in zip(average.parameters(), model.parameters()):
                avg.add_(w - avg, alpha=1 - keep)
    matrices = [p for p in model.parameters() if p.dim() == 2]
    vectors = [p for p in model.parameters() if p.dim() != 2]
    optimizer = torch.optim.AdamW(
        [{"params": matrices, "weight_decay": a.weight_decay}, {"params": vectors, "weight_decay": 0.0}], lr=a.lr
    )

    def lr_at(step):  # step: 1 for the first update
        warm = step / a.warmup if a.warmup > 0 and step <= a.warmup else 1.0
        span = a.steps - a.warmup
        p = min(1.0, max(0.0, (step - a.warmup) / span)) if span > 0 else 0.0
        return a.lr * warm * (a.lr_min_factor + (1 - a.lr_min_factor) * 0.5 * (1 + math.cos(math.pi * p)))

    # As charrnn's WindowStream: stream b reads its own segment [b*seg, (b+1)*seg) and wraps to the
    # segment's start with a fresh state when the next window's last target would fall outside it.
    seg = len(train) // B
    pointers = [b * seg for b in range(B)]
    state = None

    def next_window():
        nonlocal state
        xs, ys, reset = [], [], False
        for b in range(B):
            if pointers[b] + T + 1 > (b + 1) * seg:
                pointers[b] = b * seg
                reset = True
            xs.append(train[pointers[b] : pointers[b] + T])
            ys.append(train[pointers[b] + 1 : pointers[b] + T + 1])
            pointers[b] += T
        if reset:
            state = None  # every segment has the same length, so all streams wrap together
        return torch.stack(xs, 1), torch.stack(ys, 1)

    def evaluate():
        served.eval()
        with torch.no_grad():
            logits, _ = served(val[:-1, None], None)
            loss = F.cross_entropy(logits.view(-1, V), val[1:]).item()
        model.train()
        return loss

    stem = os.path.splitext(a.log)[0]
    settings = {k.replace("_", "-"): v for k, v in vars(a).items() if k not in ("data", "log", "save_best")}
    settings.update({"impl": f"pytorch {torch.__version__}", "cell": a.cell, "optimizer": "adamw", "lr-schedule": "cosine"})
    with open(f"{stem}.config.json", "w") as f:
        json.dump(settings, f, indent=2)

    log = open(a.log, "w", newline="")
    writer = csv.writer(log)
    writer.writerow(["step", "chars", "loss", "smooth_loss", "val_loss", "val_bpc", "lr", "grad_norm", "clipped_frac", "chars_per_s", "elapsed_s"])
    smooth = math.log(V)
    eval_cpu_seconds = 0.0  # CPU time of the latest evaluation (kept in hand under --max-cpu-seconds)

    # As charrnn's --max-cpu-seconds: the CPU cost of the latest evaluation is kept in hand, so the
    # whole run, final evaluation included, fits the budget.
    def out_of_cpu():
        return a.max_cpu_seconds > 0 and time.process_time() + eval_cpu_seconds >= a.max_cpu_seconds

    best = None
    started = time.monotonic()
    window_start, window_chars = started, 0
    model.train()
    for step in range(1, a.steps + 1):
        x, y = next_window()
        if state is not None:
            state = state.detach() if a.cell == "gru" else tuple(s.detach() for s in state)
        logits, state = model(x, state)
        loss = F.cross_entropy(logits.view(-1, V), y.reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip).item()
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step)
        optimizer.step()
        if average is not None:
            update_average(step)
        value = loss.item()
        smooth = smooth * 0.999 + value * 0.001
        window_chars += T * B
        last = step == a.steps
        out_of_time = (a.max_seconds > 0 and time.monotonic() - started >= a.max_seconds) or out_of_cpu()
        val_loss = None
        if a.eval_every > 0 and (step % a.eval_every == 0 or last or out_of_time):
            eval_started = time.process_time()
            val_loss = evaluate()
            eval_cpu_seconds = time.process_time() - eval_started
            # A periodic evaluation that leaves no room for more training and a final one ends the run.
            out_of_time = out_of_time or out_of_cpu()
            if best is None or val_loss < best:
                best = val_loss
                if a.save_best:
                    torch.save(served.state_dict(), a.save_best)
        if last or out_of_time or val_loss is not None or step % a.log_every == 0:
            now = time.monotonic()
            writer.writerow([
                step, step * T * B, value, smooth, "" if val_loss is None else val_loss,
                "" if val_loss is None else val_loss / math.log(2), lr_at(step), grad_norm,
                1 if grad_norm > a.clip else 0, window_chars / max(now - window_start, 1e-9), now - started,
            ])
            log.flush()
            window_start, window_chars = time.monotonic(), 0
        if out_of_time:
            break
    log.close()
    print(json.dumps({"best_val_bpc": None if best is None else best / math.log(2), "steps": step, "seconds": time.monotonic() - started, "cpu_seconds": time.process_time()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
