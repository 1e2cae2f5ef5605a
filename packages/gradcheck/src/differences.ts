// The numeric side of a check: which entries to perturb and the finite-difference derivative of
// one entry. Every perturbed value is written back from a saved copy, so the target ends
// bit-for-bit as it started, even when evaluate() throws.

import type { FloatArray, Prng } from '@charrnn/tensor';
import type { GradTarget } from './target.js';

export type Stencil = 3 | 5;
export const STENCILS: readonly Stencil[] = [3, 5];

/** Which entries to check per tensor: all of them, or K drawn without replacement (sorted). */
export type EntrySelection = 'all' | number;

export function selectEntries(sizes: readonly number[], entries: EntrySelection, rng: Prng | undefined): Int32Array[] {
  return sizes.map((size) => {
    const all = Int32Array.from({ length: size }, (_, i) => i);
    if (entries === 'all' || entries >= size) return all;
    // Partial Fisher–Yates: the first K slots end up a uniform K-subset.
    for (let i = 0; i < entries; i++) {
      const j = i + rng!.int(size - i);
      const tmp = all[i]!;
      all[i] = all[j]!;
      all[j] = tmp;
    }
    return all.slice(0, entries).sort();
  });
}

/**
 * ∂loss/∂value[i] by a centered difference: 3-point (L(θ+ε) − L(θ−ε)) / 2ε, truncation O(ε²), or
 * 5-point (−L(θ+2ε) + 8L(θ+ε) − 8L(θ−ε) + L(θ−2ε)) / 12ε, truncation O(ε⁴).
 */
export function numericDerivative(
  target: GradTarget,
  value: FloatArray,
  i: number,
  eps: number,
  stencil: Stencil,
): number {
  const saved = value[i]!;
  try {
    value[i] = saved + eps;
    const plus = target.evaluate(false);
    value[i] = saved - eps;
    const minus = target.evaluate(false);
    if (stencil === 3) return (plus - minus) / (2 * eps);
    value[i] = saved + 2 * eps;
    const plus2 = target.evaluate(false);
    value[i] = saved - 2 * eps;
    const minus2 = target.evaluate(false);
    // Differences first: a loss that ignores the entry then gives exactly 0, not 7L − 8L + L round-off.
    return (8 * (plus - minus) - (plus2 - minus2)) / (12 * eps);
  } finally {
    value[i] = saved;
  }
}

/**
 * Runs evaluate(true) and copies the analytic gradients out (later evaluations may touch grad).
 * A second, gradient-free evaluation must give the same loss: a target that keeps state between
 * calls (an unreset hidden state, dropout) would make every finite difference meaningless.
 */
export function analyticGradients(where: string, target: GradTarget): { loss: number; grads: Float64Array[] } {
  const loss = target.evaluate(true);
  const grads = target.tensors.map((t) => Float64Array.from(t.grad));
  if (!Number.isFinite(loss)) throw new RangeError(`${where}: target loss must be finite, got ${loss}`);
  const again = target.evaluate(false);
  if (!(Math.abs(again - loss) <= 1e-12 * Math.abs(loss))) {
    throw new RangeError(
      `${where}: target.evaluate must give the same loss for the same values, got ${loss} then ${again}`,
    );
  }
  return { loss, grads };
}
