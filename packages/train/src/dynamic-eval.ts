// Dynamic evaluation (Krause et al. 2017, "Dynamic Evaluation of Neural Sequence Models"): score a
// text segment by segment, and after scoring each segment take a gradient step on it, so the model
// keeps adapting to the text it is reading — as a compressor does. Each prediction is still made
// before its character is trained on, so the score is a fair code length for the text.
//
// The update is Krause et al.'s SGD variant with a pull back towards the trained weights θ₀:
//   θ ← θ − lr·∇(mean loss of the segment) + decay·(θ₀ − θ)

import type { IdArray } from '@charrnn/corpus';
import type { FloatArray } from '@charrnn/tensor';
import type { CharRnnModel, EvalResult } from '@charrnn/model';

export interface DynamicEvalOptions {
  /** Characters scored between updates (Krause et al. used 5–20 for characters). Default 20. */
  readonly segmentLength?: number;
  /** Step size on the mean per-character loss of a segment. Default 0.01. */
  readonly lr?: number;
  /** Pull towards the trained weights at each update (0: none). Default 0. */
  readonly decay?: number;
}

/**
 * Scores ids from a zero hidden state as evaluateText does, adapting the weights as it goes (they
 * end adapted, so scoring several documents one after the other keeps adapting across them).
 */
export function dynamicEvaluate(model: CharRnnModel, ids: IdArray, options: DynamicEvalOptions = {}): EvalResult {
  const segment = options.segmentLength ?? 20;
  const lr = options.lr ?? 0.01;
  const decay = options.decay ?? 0;
  if (!Number.isInteger(segment) || segment < 1)
    throw new RangeError(`dynamicEvaluate: segmentLength must be a positive integer, got ${segment}`);
  if (!(Number.isFinite(lr) && lr >= 0))
    throw new RangeError(`dynamicEvaluate: lr must be a finite number >= 0, got ${lr}`);
  if (!(decay >= 0 && decay <= 1)) throw new RangeError(`dynamicEvaluate: decay must be in [0, 1], got ${decay}`);
  if (ids.length < 2) throw new RangeError(`dynamicEvaluate: text must have at least 2 characters, got ${ids.length}`);
  const params = model.params.list;
  const trained: FloatArray[] = decay > 0 ? params.map((p) => p.value.slice()) : [];
  const state = model.createState(1);
  const predictions = ids.length - 1;
  // 16-bit ids are widened one segment at a time.
  const inputs = new Int32Array(segment);
  const targets = new Int32Array(segment);
  let total = 0;
  for (let start = 0; start < predictions; start += segment) {
    const T = Math.min(segment, predictions - start);
    inputs.set(ids.subarray(start, start + T));
    targets.set(ids.subarray(start + 1, start + T + 1));
    // lossAndGradients scores the segment with the weights as they are, then fills the gradients.
    total += model.lossAndGradients(inputs.subarray(0, T), targets.subarray(0, T), T, 1, state);
    const step = lr / T;
    params.forEach((p, k) => {
      const value = p.value;
      const grad = p.grad;
      const origin = trained[k];
      for (let i = 0; i < value.length; i++) {
        value[i] = value[i]! - step * grad[i]! + (origin ? decay * (origin[i]! - value[i]!) : 0);
      }
    });
  }
  const loss = total / predictions;
  return { loss, bpc: loss / Math.LN2, count: predictions };
}
