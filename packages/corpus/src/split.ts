// Train/validation split: the last part of the text (by characters) is held out, as char-rnn
// does, so validation text is text the model has not seen and the split is deterministic.

import { describeType } from './utf8.js';

export interface TrainValSplit {
  /** ids[0 .. n − valLength), a view (subarray) of the input. */
  readonly train: Int32Array;
  /** ids[n − valLength .. n), a view (subarray) of the input. */
  readonly val: Int32Array;
}

/**
 * Splits encoded text into train and validation. valLength = floor(n · valFraction), computed with
 * a 1e-12 relative nudge so decimal fractions land where expected (0.29 · 100 gives 29, not 28).
 */
export function splitTrainVal(ids: Int32Array, valFraction = 0.1): TrainValSplit {
  if (!(ids instanceof Int32Array))
    throw new TypeError(`splitTrainVal: ids must be an Int32Array, got ${describeType(ids)}`);
  if (typeof valFraction !== 'number' || !(valFraction >= 0 && valFraction < 1)) {
    throw new RangeError(`splitTrainVal: valFraction must be in [0, 1), got ${valFraction}`);
  }
  const n = ids.length;
  const valLength = Math.min(n, Math.floor(n * valFraction * (1 + 1e-12)));
  return { train: ids.subarray(0, n - valLength), val: ids.subarray(n - valLength) };
}
