// A tagging task's loss and metrics: the mean cross-entropy of the true labels (nats per symbol),
// accuracy, and for boundary tasks (a space follows, was uppercase, a mark follows) the precision,
// recall and F1 of the positive class (every label ≠ 0). Scored exactly as charrnn-tag reads a
// stream: StreamTagger over the held-out text, one window of seq-length at a time with its lookahead.

import type { IdArray, TaggingTask } from '@charrnn/corpus';
import { StreamTagger, argmaxRows, type CharRnnModel, type EvalResult } from '@charrnn/model';

export interface TaggingResult extends EvalResult {
  /** Fraction of symbols whose most likely label is the true one. */
  readonly accuracy: number;
  /** Of the positive class (absent for tasks without one): precision, recall and their harmonic mean. */
  readonly precision?: number;
  readonly recall?: number;
  readonly f1?: number;
}

/** Confusion counts of the positive class beside the plain hit count. */
export class TagCounts {
  count = 0;
  correct = 0;
  truePositive = 0;
  falsePositive = 0;
  falseNegative = 0;

  add(predicted: number, actual: number): void {
    this.count++;
    if (predicted === actual) this.correct++;
    const p = predicted !== 0;
    const a = actual !== 0;
    if (p && a) this.truePositive++;
    else if (p) this.falsePositive++;
    else if (a) this.falseNegative++;
  }

  /** Accuracy, and precision/recall/F1 when the task has a positive class (0/0 counts as 0). */
  metrics(task: TaggingTask): Omit<TaggingResult, 'loss' | 'bpc' | 'count'> {
    const accuracy = this.count > 0 ? this.correct / this.count : Number.NaN;
    if (task.positive === null) return { accuracy };
    const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);
    const precision = ratio(this.truePositive, this.truePositive + this.falsePositive);
    const recall = ratio(this.truePositive, this.truePositive + this.falseNegative);
    return { accuracy, precision, recall, f1: ratio(2 * precision * recall, precision + recall) };
  }
}

/** −ln softmax(row)[label], in float64 with the row's maximum subtracted. */
export function labelLoss(logits: ArrayLike<number>, offset: number, width: number, label: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < width; j++) max = Math.max(max, logits[offset + j]!);
  let sum = 0;
  for (let j = 0; j < width; j++) sum += Math.exp(logits[offset + j]! - max);
  return Math.log(sum) + max - logits[offset + label]!;
}

/** Tags `ids` as one stream (window symbols at a time) and scores the labels against `labels`. */
export function evaluateTagging(
  model: CharRnnModel,
  ids: IdArray,
  labels: Int32Array,
  task: TaggingTask,
  window: number,
): TaggingResult {
  if (labels.length !== ids.length)
    throw new RangeError(
      `evaluateTagging: labels must have one entry per symbol (${ids.length}), got ${labels.length}`,
    );
  if (ids.length === 0) throw new RangeError('evaluateTagging: the text must have at least 1 symbol, got 0');
  const tagger = new StreamTagger(model, { window });
  const O = tagger.labelCount;
  const counts = new TagCounts();
  const predicted = new Int32Array(window);
  let position = 0;
  let total = 0;
  const sink = (logits: ArrayLike<number>, n: number): void => {
    argmaxRows(logits, n, O, predicted);
    for (let r = 0; r < n; r++) {
      const actual = labels[position + r]!;
      total += labelLoss(logits, r * O, O, actual);
      counts.add(predicted[r]!, actual);
    }
    position += n;
  };
  // In pieces, so a 16-bit text is widened a window at a time.
  for (let start = 0; start < ids.length; start += window)
    tagger.push(ids.subarray(start, Math.min(ids.length, start + window)), sink);
  tagger.finish(sink);
  const loss = total / ids.length;
  return { loss, bpc: loss / Math.LN2, count: ids.length, ...counts.metrics(task) };
}
