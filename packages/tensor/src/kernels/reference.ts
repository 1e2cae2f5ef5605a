// The reference kernels: plain loops, written to be obviously right. They are the definition
// every fast kernel is tested against, and the fallback when no fast kernel is available.

import { allocate, type Dtype, type FloatArray } from '../dtype.js';
import type { TestOnlyKernelMethods } from './kernels.generated.js';
import type { CompleteKernels } from './kernels.js';
import { gemmPackedWith, packSource, sourceOperand } from './packed.js';
import { rnnBackwardStepsWith, rnnForwardStepsWith } from './recurrence.js';
import { rnnWindowBackwardWith, rnnWindowForwardWith } from './rnn-window.js';

/** Every kernel of the table, the test-only ones included (the table's proof runs them on each backend). */
export const referenceKernels: CompleteKernels & Required<TestOnlyKernelMethods> = {
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

  allocPacked(dtype, _m, k, n) {
    return sourceOperand(dtype, k, n);
  },

  packB(transB, k, n, b, bOff, ldb, packed) {
    packSource(transB, k, n, b, bOff, ldb, packed);
  },

  gemmPacked(transA, m, n, k, alpha, a, aOff, lda, b, beta, c, cOff, ldc) {
    gemmPackedWith(referenceKernels, transA, m, n, k, alpha, a, aOff, lda, b, beta, c, cOff, ldc);
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

  gatherRows(rows, cols, table, _tableRows, ids, idsOff, bias, out, outOff) {
    for (let r = 0; r < rows; r++) {
      const src = ids[idsOff + r]! * cols;
      const dst = outOff + r * cols;
      for (let j = 0; j < cols; j++) out[dst + j] = table[src + j]! + bias[j]!;
    }
  },

  scatterAddRows(rows, cols, src, srcOff, ids, idsOff, table) {
    for (let r = 0; r < rows; r++) {
      const dst = ids[idsOff + r]! * cols;
      const row = srcOff + r * cols;
      for (let j = 0; j < cols; j++) table[dst + j]! += src[row + j]!;
    }
  },

  addRowVector(rows, cols, m, mOff, v) {
    for (let r = 0; r < rows; r++) {
      const row = mOff + r * cols;
      for (let j = 0; j < cols; j++) m[row + j]! += v[j]!;
    }
  },

  columnSums(rows, cols, m, mOff, out) {
    out.fill(0, 0, cols);
    for (let r = 0; r < rows; r++) {
      const row = mOff + r * cols;
      for (let j = 0; j < cols; j++) out[j]! += m[row + j]!;
    }
  },

  tanhBackward(n, a, aOff, b, bOff, y, yOff, out, outOff) {
    for (let i = 0; i < n; i++) {
      const h = y[yOff + i]!;
      out[outOff + i] = (a[aOff + i]! + b[bOff + i]!) * (1 - h * h);
    }
  },

  lstmForward({ rows, H, gates, gatesOff, c, cPrevOff, cOff, tanhC, tanhCOff, h, hOff }) {
    const G = 4 * H;
    for (let b = 0; b < rows; b++) {
      const g0 = gatesOff + b * G;
      const row = b * H;
      for (let j = 0; j < H; j++) {
        const i = sigmoid(gates[g0 + j]!);
        const f = sigmoid(gates[g0 + H + j]!);
        const g = Math.tanh(gates[g0 + 2 * H + j]!);
        const o = sigmoid(gates[g0 + 3 * H + j]!);
        gates[g0 + j] = i;
        gates[g0 + H + j] = f;
        gates[g0 + 2 * H + j] = g;
        gates[g0 + 3 * H + j] = o;
        const cNew = f * c[cPrevOff + row + j]! + i * g;
        const t = Math.tanh(cNew);
        c[cOff + row + j] = cNew;
        tanhC[tanhCOff + row + j] = t;
        h[hOff + row + j] = o * t;
      }
    }
  },

  lstmBackward({
    rows,
    H,
    gates,
    gatesOff,
    cPrev,
    cPrevOff,
    tanhC,
    tanhCOff,
    dOut,
    dOutOff,
    dhCarry,
    dcCarry,
    dGates,
    dGatesOff,
  }) {
    const G = 4 * H;
    for (let b = 0; b < rows; b++) {
      const g0 = gatesOff + b * G;
      const d0 = dGatesOff + b * G;
      const row = b * H;
      for (let j = 0; j < H; j++) {
        const i = gates[g0 + j]!;
        const f = gates[g0 + H + j]!;
        const g = gates[g0 + 2 * H + j]!;
        const o = gates[g0 + 3 * H + j]!;
        const t = tanhC[tanhCOff + row + j]!;
        const dh = dOut[dOutOff + row + j]! + dhCarry[row + j]!;
        const dc = dcCarry[row + j]! + dh * o * (1 - t * t);
        dGates[d0 + j] = dc * g * i * (1 - i);
        dGates[d0 + H + j] = dc * cPrev[cPrevOff + row + j]! * f * (1 - f);
        dGates[d0 + 2 * H + j] = dc * i * (1 - g * g);
        dGates[d0 + 3 * H + j] = dh * t * o * (1 - o);
        dcCarry[row + j] = dc * f;
      }
    }
  },

  gruForward({ rows, H, xw, xwOff, hProj, gates, gatesOff, hn, hnOff, hPrev, hPrevOff, h, hOff }) {
    const G = 3 * H;
    for (let b = 0; b < rows; b++) {
      const x0 = xwOff + b * G;
      const s0 = b * G;
      const g0 = gatesOff + b * G;
      const row = b * H;
      for (let j = 0; j < H; j++) {
        const r = sigmoid(xw[x0 + j]! + hProj[s0 + j]!);
        const z = sigmoid(xw[x0 + H + j]! + hProj[s0 + H + j]!);
        const hnj = hProj[s0 + 2 * H + j]!;
        const n = Math.tanh(xw[x0 + 2 * H + j]! + r * hnj);
        gates[g0 + j] = r;
        gates[g0 + H + j] = z;
        gates[g0 + 2 * H + j] = n;
        hn[hnOff + row + j] = hnj;
        h[hOff + row + j] = (1 - z) * n + z * hPrev[hPrevOff + row + j]!;
      }
    }
  },

  gruBackward({
    rows,
    H,
    gates,
    gatesOff,
    hPrev,
    hPrevOff,
    hn,
    hnOff,
    dOut,
    dOutOff,
    dhCarry,
    dXw,
    dXwOff,
    dHw,
    dHwOff,
  }) {
    const G = 3 * H;
    for (let b = 0; b < rows; b++) {
      const g0 = gatesOff + b * G;
      const x0 = dXwOff + b * G;
      const h0 = dHwOff + b * G;
      const row = b * H;
      for (let j = 0; j < H; j++) {
        const r = gates[g0 + j]!;
        const z = gates[g0 + H + j]!;
        const n = gates[g0 + 2 * H + j]!;
        const dh = dOut[dOutOff + row + j]! + dhCarry[row + j]!;
        const dnPre = dh * (1 - z) * (1 - n * n);
        const dzPre = dh * (hPrev[hPrevOff + row + j]! - n) * z * (1 - z);
        const drPre = dnPre * hn[hnOff + row + j]! * r * (1 - r);
        dXw[x0 + j] = drPre;
        dXw[x0 + H + j] = dzPre;
        dXw[x0 + 2 * H + j] = dnPre;
        dHw[h0 + j] = drPre;
        dHw[h0 + H + j] = dzPre;
        dHw[h0 + 2 * H + j] = dnPre * r;
        dhCarry[row + j] = dh * z;
      }
    }
  },

  rnnForwardSteps(args) {
    rnnForwardStepsWith(referenceKernels, args);
  },

  rnnBackwardSteps(args) {
    rnnBackwardStepsWith(referenceKernels, args);
  },

  rnnWindowForward(args) {
    rnnWindowForwardWith(referenceKernels, args);
  },

  rnnWindowBackward(args) {
    rnnWindowBackwardWith(referenceKernels, args);
  },

  adagrad(n, value, grad, mem, lr, eps) {
    for (let i = 0; i < n; i++) {
      const g = grad[i]!;
      mem[i]! += g * g;
      value[i]! -= (lr * g) / Math.sqrt(mem[i]! + eps);
    }
  },

  // Test only (kernel-table.ts): the reference loop of the table's proof kernel.
  scaledAddTestOnly(rows, cols, alpha, x, xOff, y, out, outOff) {
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++) out[outOff + r * cols + j] = alpha * x[xOff + r * cols + j]! + y[j]!;
    }
  },
};

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
