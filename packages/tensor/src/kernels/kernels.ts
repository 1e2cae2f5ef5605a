// The kernel seam. Models call these operations and nothing else for their heavy work, so a
// faster implementation (WebAssembly SIMD, native) can replace the reference one at run time.
// Conventions are BLAS's, row-major: a matrix is (array, offset, leading dimension); op(X) is X
// or Xᵀ. Every kernel must agree with the reference kernels (see conformance.spec.ts). The kernel
// methods are declared once, in kernel-table.ts; kernels.generated.ts is made from it.

import type { Dtype, FloatArray } from '../dtype.js';
import type { KernelMethods, KernelsWithoutReference } from './kernels.generated.js';
import type { PackedOperand } from './packed.js';

export interface Kernels extends KernelMethods {
  /** A short name for logs and benchmarks, e.g. "reference" or "wasm-simd". */
  readonly name: string;

  /** Threads the heavy kernels run on (absent: 1). Results never depend on it. */
  readonly threads?: number;

  /** Releases what the backend holds beyond memory (a worker thread); the kernels keep working on one thread. */
  close?(): void;

  /**
   * Allocates a zeroed array the kernels can work on directly. A WebAssembly backend hands out
   * views of its own memory, so everything a model touches in its hot loop must come from here.
   */
  alloc(dtype: Dtype, length: number): FloatArray;

  /**
   * A PackedOperand for op(B) [k, n] that packB fills and gemmPacked reads, for products with m
   * rows (the backend picks the layout those products run fastest with). Allocate once per layer and
   * shape: a WebAssembly backend's storage is never freed. Present exactly when packB and gemmPacked
   * are (completeKernels otherwise gives all three as 'source', on the backend's own gemm).
   */
  allocPacked?(dtype: Dtype, m: number, k: number, n: number): PackedOperand;
}

/** A backend with every optional operation present (see completeKernels). */
export type CompleteKernels = Kernels & Required<Omit<Kernels, 'name' | 'threads' | 'close' | KernelsWithoutReference>>;
