// Evaluation: the mean cross-entropy of every next-character prediction in a text, run as one
// continuous sequence from a zero hidden state (in chunks, carrying the state), in nats and bits.

import type { CharRnnModel } from './model.js';

export interface EvalResult {
  /** Mean −ln p over all predictions, nats per character. */
  readonly loss: number;
  /** loss / ln 2. */
  readonly bpc: number;
  /** Number of predictions: length − 1. */
  readonly count: number;
}

export function evaluateText(model: CharRnnModel, ids: Int32Array, chunkLength = 256): EvalResult {
  if (ids.length < 2) throw new RangeError(`evaluateText: text must have at least 2 characters, got ${ids.length}`);
  const state = model.createState(1);
  const predictions = ids.length - 1;
  let total = 0;
  for (let start = 0; start < predictions; start += chunkLength) {
    const T = Math.min(chunkLength, predictions - start);
    const inputs = ids.subarray(start, start + T);
    const targets = ids.subarray(start + 1, start + T + 1);
    total += model.forward(inputs, targets, T, 1, state);
  }
  const loss = total / predictions;
  return { loss, bpc: loss / Math.LN2, count: predictions };
}
