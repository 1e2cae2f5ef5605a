// Vector operations that are not in the hot loop of a time step (optimizer updates, clipping,
// sampling) or are simple enough that every backend shares them. All work in place on flat arrays.

import type { FloatArray } from './dtype.js';

/** y += alpha·x */
export function axpy(alpha: number, x: ArrayLike<number>, y: FloatArray): void {
  if (x.length !== y.length) throw new RangeError(`axpy: lengths must match, got ${x.length} and ${y.length}`);
  for (let i = 0; i < y.length; i++) y[i]! += alpha * x[i]!;
}

export function dot(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`dot: lengths must match, got ${x.length} and ${y.length}`);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * y[i]!;
  return sum;
}

export function sumOfSquares(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * x[i]!;
  return sum;
}

/** The Euclidean norm, scaled to avoid overflow and underflow (as BLAS nrm2 does). */
export function norm2(x: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < x.length; i++) scale = Math.max(scale, Math.abs(x[i]!));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]! / scale;
    sum += v * v;
  }
  return scale * Math.sqrt(sum);
}

export function maxAbs(x: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]!));
  return max;
}

export function scale(x: FloatArray, factor: number): void {
  for (let i = 0; i < x.length; i++) x[i]! *= factor;
}

/** Clamps every entry into [−limit, limit]; returns how many entries were changed. */
export function clip(x: FloatArray, limit: number): number {
  if (!(limit >= 0)) throw new RangeError(`clip: limit must be >= 0, got ${limit}`);
  let clipped = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v > limit) {
      x[i] = limit;
      clipped++;
    } else if (v < -limit) {
      x[i] = -limit;
      clipped++;
    }
  }
  return clipped;
}

export function tanhInPlace(x: FloatArray): void {
  for (let i = 0; i < x.length; i++) x[i] = Math.tanh(x[i]!);
}

export function sigmoidInPlace(x: FloatArray): void {
  for (let i = 0; i < x.length; i++) x[i] = 1 / (1 + Math.exp(-x[i]!));
}

/** Numerically stable softmax of x into out (subtracts the maximum first). */
export function softmax(x: ArrayLike<number>, out: FloatArray | number[]): void {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) max = Math.max(max, x[i]!);
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const e = Math.exp(x[i]! - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < x.length; i++) out[i]! /= sum;
}

/** Numerically stable log-softmax of x into out. */
export function logSoftmax(x: ArrayLike<number>, out: FloatArray | number[]): void {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) max = Math.max(max, x[i]!);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.exp(x[i]! - max);
  const logSum = Math.log(sum) + max;
  for (let i = 0; i < x.length; i++) out[i] = x[i]! - logSum;
}
