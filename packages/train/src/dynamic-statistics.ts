// Gradient statistics for dynamic evaluation's RMS rule (Krause et al. 2018, "RMS with decay"):
// the model reads training text in segments of the length dynamic evaluation will use (B=1, the
// hidden state carried from segment to segment, the weights fixed), and for every parameter keeps
// the mean over segments of the squared gradient of the segment's mean loss. dynamicEvaluate's
// 'rms' rule divides each step by sqrt(MS) and pulls back harder where sqrt(MS) is large.

import type { IdArray } from '@charrnn/corpus';
import type { CharRnnModel } from '@charrnn/model';

/** Per-parameter gradient statistics of a model on a text, for dynamicEvaluate's 'rms' rule. */
export interface GradientStatistics {
  /** The parameters' names, in model.params.list order (checked against the model they are used with). */
  readonly names: readonly string[];
  /** Per parameter: the mean over segments of (∂ mean segment loss / ∂θ)², element by element. */
  readonly meanSquare: readonly Float64Array[];
  /** Characters predicted per segment (n): the segment length dynamic evaluation must use with them. */
  readonly segmentLength: number;
  /** Segments averaged (only whole segments of n predictions count). */
  readonly segments: number;
}

/**
 * MS from `documents` (training text, never the scored text): each document is read from a zero
 * hidden state in whole segments of `segmentLength` predictions; a document's last, shorter
 * segment is skipped so every gradient is a mean over exactly n characters. The weights are not
 * changed (the gradients are).
 */
export function gradientStatistics(
  model: CharRnnModel,
  documents: readonly IdArray[],
  segmentLength: number,
): GradientStatistics {
  const n = segmentLength;
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`gradientStatistics: segmentLength must be a positive integer, got ${n}`);
  const params = model.params.list;
  const sums = params.map((p) => new Float64Array(p.value.length));
  const inputs = new Int32Array(n);
  const targets = new Int32Array(n);
  let segments = 0;
  for (const ids of documents) {
    const state = model.createState(1);
    for (let start = 0; start + n < ids.length; start += n) {
      inputs.set(ids.subarray(start, start + n));
      targets.set(ids.subarray(start + 1, start + n + 1));
      // The gradients are of the summed loss; the mean's are 1/n of them.
      model.lossAndGradients(inputs, targets, n, 1, state);
      params.forEach((p, k) => {
        const grad = p.grad;
        const sum = sums[k]!;
        for (let i = 0; i < sum.length; i++) {
          const g = grad[i]! / n;
          sum[i] = sum[i]! + g * g;
        }
      });
      segments++;
    }
  }
  if (segments === 0) {
    const longest = documents.reduce((m, d) => Math.max(m, d.length), 0);
    throw new RangeError(
      `gradientStatistics: the text must hold a document of more than segmentLength = ${n} characters, got ${longest}`,
    );
  }
  for (const sum of sums) for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! / segments;
  return { names: params.map((p) => p.name), meanSquare: sums, segmentLength: n, segments };
}
