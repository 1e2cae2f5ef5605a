// The kernel seam. Models call these operations and nothing else for their heavy work, so a
// faster implementation (WebAssembly SIMD, native) can replace the reference one at run time.
// Conventions are BLAS's, row-major: a matrix is (array, offset, leading dimension); op(X) is X
// or Xᵀ. Every kernel must agree with the reference kernels (see conformance.spec.ts).

import type { Dtype, FloatArray } from '../dtype.js';

export interface Kernels {
  /** A short name for logs and benchmarks, e.g. "reference" or "wasm-simd". */
  readonly name: string;

  /**
   * Allocates a zeroed array the kernels can work on directly. A WebAssembly backend hands out
   * views of its own memory, so everything a model touches in its hot loop must come from here.
   */
  alloc(dtype: Dtype, length: number): FloatArray;

  /** C[m,n] = alpha·op(A)·op(B) + beta·C, where op(A) is [m,k] and op(B) is [k,n]. beta = 0 ignores C's contents. */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: FloatArray, aOff: number, lda: number,
    b: FloatArray, bOff: number, ldb: number,
    beta: number, c: FloatArray, cOff: number, ldc: number,
  ): void;

  /** y = alpha·op(A)·x + beta·y, A is [m,n] (so y has m entries, or n when transposed). */
  gemv(
    trans: boolean, m: number, n: number, alpha: number,
    a: FloatArray, aOff: number, lda: number,
    x: FloatArray, xOff: number,
    beta: number, y: FloatArray, yOff: number,
  ): void;

  /** A[m,n] += alpha·x·yᵀ (outer-product accumulate). */
  ger(
    m: number, n: number, alpha: number,
    x: FloatArray, xOff: number, y: FloatArray, yOff: number,
    a: FloatArray, aOff: number, lda: number,
  ): void;

  /** out[i] = tanh(x[i]) for n entries; out may alias x. */
  tanh(n: number, x: FloatArray, xOff: number, out: FloatArray, outOff: number): void;

  /** out[i] = 1 / (1 + exp(−x[i])) for n entries; out may alias x. */
  sigmoid(n: number, x: FloatArray, xOff: number, out: FloatArray, outOff: number): void;

  /**
   * Fused softmax + cross-entropy + gradient over `rows` rows of `cols` logits (stride cols):
   * returns Σ_rows −ln softmax(row)[target], and writes dLogits = scale·(softmax − onehot(target)).
   * dLogits may alias logits. A target of −1 marks a padded row: no loss, zero gradient.
   */
  softmaxCrossEntropy(
    rows: number, cols: number,
    logits: FloatArray, logitsOff: number,
    targets: Int32Array, targetsOff: number,
    scale: number, dLogits: FloatArray, dLogitsOff: number,
  ): number;
}
