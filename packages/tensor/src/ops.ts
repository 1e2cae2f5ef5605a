// Softmax over a plain vector, for the code outside the hot loop (sampling, reports); the hot
// loop's fused softmax-cross-entropy is a kernel (kernels/reference.ts).

import type { FloatArray } from './dtype.js';

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
