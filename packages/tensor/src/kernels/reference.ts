// The reference kernels: plain loops, written to be obviously right. They are the definition
// every fast kernel is tested against, and the fallback when no fast kernel is available.

import { allocate, type Dtype, type FloatArray } from '../dtype.js';
import type { Kernels } from './kernels.js';

export const referenceKernels: Kernels = {
  name: 'reference',

  alloc(dtype: Dtype, length: number): FloatArray {
    return allocate(dtype, length);
  },

  gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc) {
    for (let i = 0; i < m; i++) {
      const cRow = cOff + i * ldc;
      if (beta === 0) for (let j = 0; j < n; j++) c[cRow + j] = 0;
      else if (beta !== 1) for (let j = 0; j < n; j++) c[cRow + j]! *= beta;
      for (let p = 0; p < k; p++) {
        // A[i,p] of op(A): row-major, so Aᵀ[i,p] = A[p,i].
        const aip = alpha * (transA ? a[aOff + p * lda + i]! : a[aOff + i * lda + p]!);
        if (aip === 0) continue;
        if (transB) {
          for (let j = 0; j < n; j++) c[cRow + j]! += aip * b[bOff + j * ldb + p]!;
        } else {
          const bRow = bOff + p * ldb;
          for (let j = 0; j < n; j++) c[cRow + j]! += aip * b[bRow + j]!;
        }
      }
    }
  },

  gemv(trans, m, n, alpha, a, aOff, lda, x, xOff, beta, y, yOff) {
    if (!trans) {
      for (let i = 0; i < m; i++) {
        const row = aOff + i * lda;
        let sum = 0;
        for (let j = 0; j < n; j++) sum += a[row + j]! * x[xOff + j]!;
        y[yOff + i] = alpha * sum + (beta === 0 ? 0 : beta * y[yOff + i]!);
      }
    } else {
      for (let j = 0; j < n; j++) y[yOff + j] = beta === 0 ? 0 : beta * y[yOff + j]!;
      for (let i = 0; i < m; i++) {
        const row = aOff + i * lda;
        const xi = alpha * x[xOff + i]!;
        for (let j = 0; j < n; j++) y[yOff + j]! += a[row + j]! * xi;
      }
    }
  },

  ger(m, n, alpha, x, xOff, y, yOff, a, aOff, lda) {
    for (let i = 0; i < m; i++) {
      const xi = alpha * x[xOff + i]!;
      const row = aOff + i * lda;
      for (let j = 0; j < n; j++) a[row + j]! += xi * y[yOff + j]!;
    }
  },

  tanh(n, x, xOff, out, outOff) {
    for (let i = 0; i < n; i++) out[outOff + i] = Math.tanh(x[xOff + i]!);
  },

  sigmoid(n, x, xOff, out, outOff) {
    for (let i = 0; i < n; i++) out[outOff + i] = 1 / (1 + Math.exp(-x[xOff + i]!));
  },

  softmaxCrossEntropy(rows, cols, logits, logitsOff, targets, targetsOff, scale, dLogits, dLogitsOff) {
    let loss = 0;
    for (let r = 0; r < rows; r++) {
      const inRow = logitsOff + r * cols;
      const outRow = dLogitsOff + r * cols;
      const target = targets[targetsOff + r]!;
      if (target < 0) {
        for (let j = 0; j < cols; j++) dLogits[outRow + j] = 0;
        continue;
      }
      // Subtract the maximum so exp never overflows; the log-sum-exp is exact in float64.
      let max = -Infinity;
      for (let j = 0; j < cols; j++) max = Math.max(max, logits[inRow + j]!);
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += Math.exp(logits[inRow + j]! - max);
      const logSum = Math.log(sum);
      loss += logSum + max - logits[inRow + target]!;
      for (let j = 0; j < cols; j++) {
        dLogits[outRow + j] = scale * Math.exp(logits[inRow + j]! - max - logSum);
      }
      dLogits[outRow + target]! -= scale;
    }
    return loss;
  },

  transpose(rows, cols, src, srcOff, ld, dst, dstOff) {
    for (let r = 0; r < rows; r++) {
      const row = srcOff + r * ld;
      for (let q = 0; q < cols; q++) dst[dstOff + q * rows + r] = src[row + q]!;
    }
  },

  absMax(n, x, xOff) {
    let max = 0;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(x[xOff + i]!);
      if (Number.isNaN(a)) return NaN;
      if (a > max) max = a;
    }
    return max;
  },

  scaledSumOfSquares(n, x, xOff, divisor) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = x[xOff + i]! / divisor;
      sum += v * v;
    }
    return sum;
  },

  clamp(n, x, xOff, limit) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const v = x[xOff + i]!;
      if (v > limit) {
        x[xOff + i] = limit;
        changed++;
      } else if (v < -limit) {
        x[xOff + i] = -limit;
        changed++;
      }
    }
    return changed;
  },

  adagrad(n, value, grad, mem, lr, eps) {
    for (let i = 0; i < n; i++) {
      const g = grad[i]!;
      mem[i]! += g * g;
      value[i]! -= (lr * g) / Math.sqrt(mem[i]! + eps);
    }
  },
};
