// Dynamic evaluation (Krause et al. 2018, "Dynamic Evaluation of Neural Sequence Models"): score a
// text segment by segment, and after scoring each segment take a gradient step on it, so the model
// keeps adapting to the text it is reading — as a compressor does. Each prediction is still made
// before its character is trained on, so the score is a fair code length for the text.
//
// Two update rules, g = ∇(mean loss of the segment), θ₀ the trained weights:
//   'sgd': θ ← θ − lr·g + decay·(θ₀ − θ)
//   'rms': θ ← θ − lr·g/(sqrt(MS)+ε) + min(1, decay·RMSnorm)⊙(θ₀ − θ),  RMSnorm = sqrt(MS)/mean(sqrt(MS))
// 'rms' is the paper's "RMS with decay": MS (gradientStatistics, from training text) scales each
// parameter's step, and parameters whose gradients are large on training text are pulled back harder.

import type { IdArray } from '@charrnn/corpus';
import type { FloatArray } from '@charrnn/tensor';
import type { CharRnnModel, EvalResult } from '@charrnn/model';
import type { GradientStatistics } from './dynamic-statistics.js';

export type DynamicRule = 'sgd' | 'rms';

export interface DynamicEvalOptions {
  /** Characters scored between updates (Krause et al. used 5–20 for characters). Default 20. */
  readonly segmentLength?: number;
  /** Step size on the mean per-character loss of a segment (η). Default 0.01. */
  readonly lr?: number;
  /** Pull towards the trained weights at each update (λ; 0: none). Default 0. */
  readonly decay?: number;
  /** Update rule. Default 'sgd'. */
  readonly rule?: DynamicRule;
  /** 'rms' only, required: gathered with this segmentLength from this model's trained weights. */
  readonly statistics?: GradientStatistics;
  /** 'rms' only: added to sqrt(MS) before dividing (ε). Default DEFAULT_RMS_EPSILON. */
  readonly epsilon?: number;
}

/** The 'rms' rule's ε when none is given. */
export const DEFAULT_RMS_EPSILON = 1e-5;

/** One update of every parameter after a segment of T characters; the gradients are of the summed loss. */
type Update = (T: number) => void;

/**
 * Scores ids from a zero hidden state as evaluateText does, adapting the weights as it goes (they
 * end adapted, so scoring several documents one after the other keeps adapting across them).
 */
export function dynamicEvaluate(model: CharRnnModel, ids: IdArray, options: DynamicEvalOptions = {}): EvalResult {
  const segment = options.segmentLength ?? 20;
  const lr = options.lr ?? 0.01;
  const decay = options.decay ?? 0;
  const rule = options.rule ?? 'sgd';
  if (!Number.isInteger(segment) || segment < 1)
    throw new RangeError(`dynamicEvaluate: segmentLength must be a positive integer, got ${segment}`);
  if (!(Number.isFinite(lr) && lr >= 0))
    throw new RangeError(`dynamicEvaluate: lr must be a finite number >= 0, got ${lr}`);
  if (!(decay >= 0 && decay <= 1)) throw new RangeError(`dynamicEvaluate: decay must be in [0, 1], got ${decay}`);
  if (rule !== 'sgd' && rule !== 'rms')
    throw new RangeError(`dynamicEvaluate: rule must be 'sgd' or 'rms', got ${JSON.stringify(rule)}`);
  if (ids.length < 2) throw new RangeError(`dynamicEvaluate: text must have at least 2 characters, got ${ids.length}`);
  const update =
    rule === 'sgd'
      ? sgdUpdate(model, lr, decay)
      : rmsUpdate(model, lr, decay, options.epsilon ?? DEFAULT_RMS_EPSILON, segment, options.statistics);
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
    update(T);
  }
  const loss = total / predictions;
  return { loss, bpc: loss / Math.LN2, count: predictions };
}

/** θ ← θ − lr·g + decay·(θ₀ − θ). */
function sgdUpdate(model: CharRnnModel, lr: number, decay: number): Update {
  const params = model.params.list;
  const trained: FloatArray[] = decay > 0 ? params.map((p) => p.value.slice()) : [];
  return (T) => {
    const step = lr / T;
    params.forEach((p, k) => {
      const value = p.value;
      const grad = p.grad;
      const origin = trained[k];
      for (let i = 0; i < value.length; i++) {
        value[i] = value[i]! - step * grad[i]! + (origin ? decay * (origin[i]! - value[i]!) : 0);
      }
    });
  };
}

/** θ ← θ − lr·g/(sqrt(MS)+ε) + min(1, decay·RMSnorm)⊙(θ₀ − θ). */
function rmsUpdate(
  model: CharRnnModel,
  lr: number,
  decay: number,
  epsilon: number,
  segment: number,
  statistics: GradientStatistics | undefined,
): Update {
  if (!(Number.isFinite(epsilon) && epsilon >= 0))
    throw new RangeError(`dynamicEvaluate: epsilon must be a finite number >= 0, got ${epsilon}`);
  const params = model.params.list;
  const rms = checkedRms(statistics, params, segment);
  let sum = 0;
  let count = 0;
  for (const r of rms) {
    for (let i = 0; i < r.length; i++) sum += r[i]!;
    count += r.length;
  }
  const meanRms = sum / count;
  if (!(meanRms > 0 && Number.isFinite(meanRms)))
    throw new RangeError(`dynamicEvaluate: statistics must have a positive finite mean RMS, got ${meanRms}`);
  // Per element: the step's scale 1/(sqrt(MS)+ε), and the pull min(1, λ·RMSnorm), which at 1 lands on θ₀.
  // A parameter whose gradient was zero all through the statistics text, with ε = 0, is not moved.
  const scale = rms.map((r) => r.map((x) => (x + epsilon > 0 ? 1 / (x + epsilon) : 0)));
  const pull = rms.map((r) => r.map((x) => (decay > 0 ? Math.min(1, (decay * x) / meanRms) : 0)));
  const trained = params.map((p) => p.value.slice());
  return (T) => {
    const step = lr / T;
    params.forEach((p, k) => {
      const value = p.value;
      const grad = p.grad;
      const origin = trained[k]!;
      const s = scale[k]!;
      const q = pull[k]!;
      for (let i = 0; i < value.length; i++) {
        value[i] = value[i]! - step * grad[i]! * s[i]! + q[i]! * (origin[i]! - value[i]!);
      }
    });
  };
}

/** sqrt(MS) per parameter, after checking the statistics belong to this model and segment length. */
function checkedRms(
  statistics: GradientStatistics | undefined,
  params: CharRnnModel['params']['list'],
  segment: number,
): Float64Array[] {
  if (!statistics)
    throw new TypeError("dynamicEvaluate: statistics must be given for rule 'rms' (gradientStatistics), got none");
  if (statistics.segmentLength !== segment)
    throw new RangeError(
      `dynamicEvaluate: statistics must be gathered with segmentLength ${segment}, got ${statistics.segmentLength}`,
    );
  const names = params.map((p) => p.name);
  const sizes = params.map((p) => p.value.length);
  const got = statistics.meanSquare.map((m) => m.length);
  if (statistics.names.join() !== names.join() || got.join() !== sizes.join())
    throw new RangeError(
      `dynamicEvaluate: statistics must match the model's parameters [${names.join(', ')}] of sizes [${sizes.join(', ')}], got [${statistics.names.join(', ')}] of sizes [${got.join(', ')}]`,
    );
  return statistics.meanSquare.map((m) => m.map(Math.sqrt));
}
