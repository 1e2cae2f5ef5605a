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

/**
 * `ids` may be 16-bit (a corpus's Uint16Array): each chunk is then copied into Int32 buffers, so a
 * large validation text is never widened whole.
 */
export function evaluateText(model: CharRnnModel, ids: Int32Array | Uint16Array, chunkLength = 256): EvalResult {
  if (ids.length < 2) throw new RangeError(`evaluateText: text must have at least 2 characters, got ${ids.length}`);
  const state = model.createState(1);
  const predictions = ids.length - 1;
  const wide = ids instanceof Int32Array;
  const inputBuffer = wide ? null : new Int32Array(chunkLength);
  const targetBuffer = wide ? null : new Int32Array(chunkLength);
  let total = 0;
  for (let start = 0; start < predictions; start += chunkLength) {
    const T = Math.min(chunkLength, predictions - start);
    let inputs = ids.subarray(start, start + T);
    let targets = ids.subarray(start + 1, start + T + 1);
    if (!(inputs instanceof Int32Array && targets instanceof Int32Array)) {
      inputBuffer!.set(inputs);
      targetBuffer!.set(targets);
      inputs = inputBuffer!.subarray(0, T);
      targets = targetBuffer!.subarray(0, T);
    }
    total += model.forward(inputs, targets, T, 1, state);
  }
  const loss = total / predictions;
  return { loss, bpc: loss / Math.LN2, count: predictions };
}
