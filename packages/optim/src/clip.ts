// Gradient clipping, in place on the registry's grads, between backward and optimizer.step():
// the seed's elementwise ±limit clamp, or a global L2-norm rescale. Both report the norm they
// saw before clipping, which the trainer logs as gradNorm. The loops are the kernels' (absMax,
// scaledSumOfSquares, clamp): the reference ones by default, a fast backend's when passed.

import { completeKernels, referenceKernels, type Kernels, type ParamRegistry } from '@charrnn/tensor';
import { positive } from './check.js';

export const CLIP_KINDS = ['elementwise', 'norm', 'none'] as const;
export type ClipKind = (typeof CLIP_KINDS)[number];

export interface ClipConfig {
  readonly kind: ClipKind;
  /** Elementwise limit or maximum global norm; ignored for "none". */
  readonly value: number;
}

/** What the trainer logs, whichever kind ran. */
export interface ClipResult {
  /** Global L2 norm of the gradient before clipping. */
  readonly gradNorm: number;
  /** Fraction of gradient entries changed (for "norm": 1 when rescaled, else 0). */
  readonly clippedFrac: number;
}

export interface ElementwiseClipResult {
  /** Fraction of gradient entries that were outside ±limit. */
  readonly clippedFraction: number;
  readonly normBefore: number;
}

export interface NormClipResult {
  readonly normBefore: number;
  /** Whether the grads were rescaled. */
  readonly scaled: boolean;
  /** 1 if scaled (every entry changes), else 0. */
  readonly clippedFraction: number;
}

/**
 * The L2 norm over every gradient entry of every parameter. Scaled by the largest magnitude
 * first (as BLAS nrm2), so float64 grads near 1e154 do not overflow. NaN if any entry is NaN.
 */
export function globalGradNorm(registry: ParamRegistry, kernels: Kernels = referenceKernels): number {
  return gradNormWithMaxima(registry, kernels);
}

/** globalGradNorm; `maxima`, when given, receives each parameter's largest |grad| (up to a NaN, where it stops). */
function gradNormWithMaxima(registry: ParamRegistry, kernels: Kernels, maxima?: number[]): number {
  if (typeof kernels.absMaxAndSumOfSquares === 'function' && registry.list.every((p) => p.grad instanceof Float32Array))
    return gradNormOnePass(registry, kernels, maxima);
  const ops = completeKernels(kernels);
  let max = 0;
  for (const p of registry.list) {
    const a = ops.absMax(p.grad.length, p.grad, 0);
    maxima?.push(a);
    if (Number.isNaN(a)) return NaN;
    if (a > max) max = a;
  }
  if (max === 0 || !Number.isFinite(max)) return max;
  let sum = 0;
  for (const p of registry.list) sum += ops.scaledSumOfSquares(p.grad.length, p.grad, 0, max);
  return max * Math.sqrt(sum);
}

/** scratch for absMaxAndSumOfSquares' two results (clipping runs on one thread at a time). */
const stats = new Float64Array(2);

/**
 * gradNormWithMaxima with a backend's one-pass float32 statistics: each parameter's largest |grad| and
 * Σ grad², divided by the global max² afterwards: the same numbers, in the same order, as the two passes.
 */
function gradNormOnePass(registry: ParamRegistry, kernels: Kernels, maxima?: number[]): number {
  const sums: number[] = [];
  let max = 0;
  for (const p of registry.list) {
    kernels.absMaxAndSumOfSquares!(p.grad.length, p.grad as Float32Array, 0, stats);
    const a = stats[0]!;
    maxima?.push(a);
    if (Number.isNaN(a)) return NaN;
    if (a > max) max = a;
    sums.push(stats[1]!);
  }
  if (max === 0 || !Number.isFinite(max)) return max;
  let sum = 0;
  for (const s of sums) sum += s / (max * max);
  return max * Math.sqrt(sum);
}

/** Clamps every gradient entry into [−limit, limit] (the seed clips at 5). Kernels, when given, run the passes. */
export function clipElementwise(
  registry: ParamRegistry,
  limit: number,
  kernels: Kernels = referenceKernels,
): ElementwiseClipResult {
  positive('clipElementwise', 'limit', limit);
  const ops = completeKernels(kernels);
  // The norm's pass already finds each parameter's largest |grad|: a parameter within ±limit needs no clamp pass.
  const maxima: number[] = [];
  const normBefore = gradNormWithMaxima(registry, kernels, maxima);
  let changed = 0;
  let total = 0;
  registry.list.forEach((p, i) => {
    total += p.grad.length;
    if (maxima[i]! <= limit) return;
    changed += ops.clamp(p.grad.length, p.grad, 0, limit);
  });
  return { clippedFraction: total === 0 ? 0 : changed / total, normBefore };
}

/**
 * Rescales all grads by maxNorm / norm when the global norm exceeds maxNorm (no epsilon, so the
 * result is maxNorm up to rounding). A non-finite norm is left alone, so divergence stays visible.
 */
export function clipGlobalNorm(registry: ParamRegistry, maxNorm: number, kernels?: Kernels): NormClipResult {
  positive('clipGlobalNorm', 'maxNorm', maxNorm);
  const normBefore = globalGradNorm(registry, kernels);
  if (!(normBefore > maxNorm) || !Number.isFinite(normBefore)) return { normBefore, scaled: false, clippedFraction: 0 };
  const factor = maxNorm / normBefore;
  for (const p of registry.list) {
    const g = p.grad;
    for (let i = 0; i < g.length; i++) g[i]! *= factor;
  }
  return { normBefore, scaled: true, clippedFraction: 1 };
}

export function applyClip(registry: ParamRegistry, config: ClipConfig, kernels?: Kernels): ClipResult {
  switch (config.kind) {
    case 'elementwise': {
      const r = clipElementwise(registry, config.value, kernels);
      return { gradNorm: r.normBefore, clippedFrac: r.clippedFraction };
    }
    case 'norm': {
      const r = clipGlobalNorm(registry, config.value, kernels);
      return { gradNorm: r.normBefore, clippedFrac: r.clippedFraction };
    }
    case 'none':
      return { gradNorm: globalGradNorm(registry, kernels), clippedFrac: 0 };
    default:
      throw new RangeError(
        `applyClip: kind must be one of ${CLIP_KINDS.join(', ')}, got ${JSON.stringify((config as { kind: unknown }).kind)}`,
      );
  }
}
