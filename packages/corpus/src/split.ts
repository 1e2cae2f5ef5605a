// Train/validation split: the last part of the text (by characters) is held out, as char-rnn
// does, so validation text is text the model has not seen and the split is deterministic. For a
// corpus of several documents the held-out part is the tail of their concatenation (documents
// that land in it wholly are documents the model never saw); its document starts come along.

import type { IdArray } from './corpus-encoder.js';
import { describeType } from './utf8.js';

export interface TrainValSplit<A extends IdArray = IdArray> {
  /** ids[0 .. n − valLength), a view (subarray) of the input. */
  readonly train: A;
  /** ids[n − valLength .. n), a view (subarray) of the input. */
  readonly val: A;
  /** Where documents begin within train, ascending from 0. */
  readonly trainStarts: readonly number[];
  /** Where documents (or the rest of the one cut by the split) begin within val, ascending from 0. */
  readonly valStarts: readonly number[];
}

/**
 * Splits encoded text into train and validation. valLength = floor(n · valFraction), computed with
 * a 1e-12 relative nudge so decimal fractions land where expected (0.29 · 100 gives 29, not 28).
 * `documentStarts` (ascending, from 0; default [0], one document) are split along.
 */
export function splitTrainVal<A extends IdArray>(
  ids: A,
  valFraction = 0.1,
  documentStarts: readonly number[] = [0],
): TrainValSplit<A> {
  if (!(ids instanceof Int32Array || ids instanceof Uint16Array))
    throw new TypeError(`splitTrainVal: ids must be an Int32Array or a Uint16Array, got ${describeType(ids)}`);
  if (typeof valFraction !== 'number' || !(valFraction >= 0 && valFraction < 1)) {
    throw new RangeError(`splitTrainVal: valFraction must be in [0, 1), got ${valFraction}`);
  }
  const n = ids.length;
  const valLength = Math.min(n, Math.floor(n * valFraction * (1 + 1e-12)));
  const cut = n - valLength;
  const trainStarts = documentStarts.filter((s) => s < cut);
  // The validation part starts where the document the cut falls in continues (from a zero state).
  const valStarts = [0, ...documentStarts.filter((s) => s > cut).map((s) => s - cut)];
  return {
    train: ids.subarray(0, cut) as A,
    val: ids.subarray(cut) as A,
    trainStarts: trainStarts.length > 0 ? trainStarts : [0],
    valStarts,
  };
}
