// The WebAssembly SIMD backend of the kernel seam: instantiates kernels-wasm.generated.ts over a
// shared memory and hands out typed-array views of that memory, so kernels run on the model's
// arrays without copying. Arrays from elsewhere still work: those calls go to the reference kernels.
// Most kernels are bound by generated code (wasm-bindings.generated.ts, from the kernel table);
// this file holds the special ones: gemm (packing, native, threads), gemv, the f32-only norm pass
// and the whole recurrences (their fallback is this backend's own per-step calls).

import type { GemmOperands } from '@charrnn/native';
import {
  checkPacked,
  type Dtype,
  type FloatArray,
  gemmPackedWith,
  type KernelArgs,
  type Kernels,
  type PackedOperand,
  packSource,
  referenceKernels,
  rememberSource,
  rnnBackwardStepsWith,
  rnnForwardStepsWith,
  rnnWindowBackwardWith,
  rnnWindowForwardWith,
  sourceOperand,
} from '@charrnn/tensor';
import { WasmKernelBindings } from './wasm-bindings.generated.js';
import {
  checkMatrix,
  instantiateWasmKernels,
  NATIVE_MIN_ROWS,
  type WasmKernelsOptions,
  type WasmParts,
} from './wasm-memory.js';

/**
 * Instantiates the wasm kernels synchronously (fine in Node and workers; a browser main thread
 * may refuse to compile modules over 4 KiB synchronously and then needs WebAssembly.compile).
 * Returns { unavailable } instead of throwing when the engine lacks a needed feature.
 */
export function loadWasmKernels(options: WasmKernelsOptions = {}): Kernels | { unavailable: string } {
  const parts = instantiateWasmKernels('loadWasmKernels', options);
  return 'unavailable' in parts ? parts : new WasmKernels(parts);
}

/**
 * Elements of scratch a wasm gemm may pack into: a transposed B (k·n), then a transposed A of at
 * least 4 rows (m·kc, kc the inner block: 256 when kernels.as cuts k > 512, which it does only
 * without a transposed B; kernels.as copies A only when its rows are long, the bound covers all).
 */
export function gemmScratchElements(tA: number, tB: number, m: number, n: number, k: number): number {
  const kc = !tB && k > 512 ? 256 : k;
  return (tB ? k * n : 0) + (tA && m >= 4 ? m * kc : 0) + (m >= 64 ? 8 * kc : 0);
}

/** Bytes of scratch a recurrence's per-step products (h·Whh and its transposed form) may pack into; at least 1. */
function stepProductScratchBytes(B: number, H: number, bpe: number): number {
  return Math.max(1, gemmScratchElements(0, 0, B, H, H), gemmScratchElements(0, 1, B, H, H)) * bpe;
}

/** The wasm backend; exported for the two-thread backend (threaded-kernels.ts), not from the package. */
export class WasmKernels extends WasmKernelBindings implements Kernels {
  constructor(parts: WasmParts) {
    super(parts);
  }

  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: FloatArray,
    aOff: number,
    lda: number,
    b: FloatArray,
    bOff: number,
    ldb: number,
    beta: number,
    c: FloatArray,
    cOff: number,
    ldc: number,
  ): void {
    const f32 = c instanceof Float32Array;
    if (
      !this.owns(a) ||
      !this.owns(b) ||
      !this.owns(c) ||
      a instanceof Float32Array !== f32 ||
      b instanceof Float32Array !== f32
    ) {
      referenceKernels.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    checkMatrix('gemm', 'A', a, aOff, transA ? k : m, transA ? m : k, lda);
    checkMatrix('gemm', 'B', b, bOff, transB ? n : k, transB ? k : n, ldb);
    checkMatrix('gemm', 'C', c, cOff, m, n, ldc);
    if (m === 0 || n === 0) return;
    const bpe = f32 ? 4 : 8;
    this.gemmAt(
      f32,
      transA ? 1 : 0,
      transB ? 1 : 0,
      m,
      n,
      k,
      alpha,
      a.byteOffset + aOff * bpe,
      lda,
      b.byteOffset + bOff * bpe,
      ldb,
      beta,
      c.byteOffset + cOff * bpe,
      ldc,
    );
  }

  /** Whether a gemm of this shape goes to the native gemm (nativeMinWork 0: every one, for tests). */
  protected useNative(m: number, n: number, k: number): boolean {
    if (!this.native) return false;
    return (
      this.nativeMinWork === 0 || (m * n * k >= this.nativeMinWork && m >= NATIVE_MIN_ROWS && n >= NATIVE_MIN_ROWS)
    );
  }

  /**
   * Whether a gemm of this shape leaves this thread's wasm code (native, or split over two threads):
   * then a whole recurrence runs as per-step calls, so each step's product still goes there.
   */
  protected gemmLeavesWasm(m: number, n: number, k: number): boolean {
    return this.useNative(m, n, k);
  }

  /** gemm on byte addresses, after every check; the two-thread backend splits it here. */
  protected gemmAt(f32: boolean, ...operands: GemmOperands): void {
    const [tA, tB, m, n, k] = operands;
    if (this.useNative(m, n, k)) {
      this.native!.gemm(this.nativeHandle, f32 ? 0 : 1, ...operands, this.nativeThreads);
      return;
    }
    const elements = gemmScratchElements(tA, tB, m, n, k);
    const scratch = elements > 0 ? this.scratch(elements * (f32 ? 4 : 8)) : 0;
    (f32 ? this.wasm.gemm_f32 : this.wasm.gemm_f64)(...operands, scratch);
  }

  /** Operands the native gemm packed (and has not been told to drop since): gemmPacked reads their panels. */
  private readonly nativePacked = new WeakSet<PackedOperand>();

  /**
   * The native gemm's own layout when the products with m rows go native (its panels, packed once
   * instead of on every call; 64 bytes of slack so they start on a cache line), else 'source'.
   */
  allocPacked(dtype: Dtype, m: number, k: number, n: number): PackedOperand {
    const native = this.native;
    const operand = sourceOperand(dtype, k, n);
    if (!native?.packedLength || !native.packB || !native.gemmPacked || !this.useNative(m, n, k)) return operand;
    const bpe = dtype === 'f32' ? 4 : 8;
    const length = native.packedLength(dtype === 'f32' ? 0 : 1, k, n);
    const raw = this.alloc(dtype, length + 64 / bpe);
    const skip = ((64 - (raw.byteOffset % 64)) % 64) / bpe;
    return { ...operand, layout: 'native', data: raw.subarray(skip, skip + length) };
  }

  packB(transB: boolean, k: number, n: number, b: FloatArray, bOff: number, ldb: number, packed: PackedOperand): void {
    if (packed.layout === 'source') {
      packSource(transB, k, n, b, bOff, ldb, packed);
      return;
    }
    this.checkLayout('packB', packed);
    rememberSource('packB', transB, k, n, b, bOff, ldb, packed);
    // B outside this memory: gemmPacked reads it where it lies, as gemm would.
    if (!this.owns(b)) {
      this.nativePacked.delete(packed);
      return;
    }
    checkMatrix('packB', 'B', b, bOff, transB ? n : k, transB ? k : n, ldb);
    const bpe = b.BYTES_PER_ELEMENT;
    const f64 = packed.dtype === 'f32' ? 0 : 1;
    this.native!.packB!(
      this.nativeHandle,
      f64,
      transB ? 1 : 0,
      k,
      n,
      b.byteOffset + bOff * bpe,
      ldb,
      packed.data.byteOffset,
    );
    this.nativePacked.add(packed);
  }

  gemmPacked(
    transA: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: FloatArray,
    aOff: number,
    lda: number,
    b: PackedOperand,
    beta: number,
    c: FloatArray,
    cOff: number,
    ldc: number,
  ): void {
    if (b.layout === 'source') {
      gemmPackedWith(this, transA, m, n, k, alpha, a, aOff, lda, b, beta, c, cOff, ldc);
      return;
    }
    this.checkLayout('gemmPacked', b);
    checkPacked('gemmPacked', b, k, n);
    const f32 = b.dtype === 'f32';
    const sameDtype = (x: FloatArray): boolean => x instanceof Float32Array === f32;
    if (!this.nativePacked.has(b) || !this.owns(a) || !this.owns(c) || !sameDtype(a) || !sameDtype(c)) {
      // What gemm does with such arrays (the reference loop), on op(B) where packB found it.
      this.gemm(transA, b.trans, m, n, k, alpha, a, aOff, lda, b.source!, b.sourceOff, b.ld, beta, c, cOff, ldc);
      return;
    }
    checkMatrix('gemmPacked', 'A', a, aOff, transA ? k : m, transA ? m : k, lda);
    checkMatrix('gemmPacked', 'C', c, cOff, m, n, ldc);
    if (m === 0 || n === 0) return;
    const bpe = f32 ? 4 : 8;
    this.native!.gemmPacked!(
      this.nativeHandle,
      f32 ? 0 : 1,
      transA ? 1 : 0,
      m,
      n,
      k,
      alpha,
      a.byteOffset + aOff * bpe,
      lda,
      b.data.byteOffset,
      beta,
      c.byteOffset + cOff * bpe,
      ldc,
      this.nativeThreads,
    );
  }

  private checkLayout(fn: string, packed: PackedOperand): void {
    if (packed.layout !== 'native' || !this.owns(packed.data))
      throw new TypeError(
        `${fn}: the packed operand must come from this backend's allocPacked, got layout ${packed.layout}`,
      );
  }

  gemv(
    trans: boolean,
    m: number,
    n: number,
    alpha: number,
    a: FloatArray,
    aOff: number,
    lda: number,
    x: FloatArray,
    xOff: number,
    beta: number,
    y: FloatArray,
    yOff: number,
  ): void {
    const f32 = y instanceof Float32Array;
    if (
      !this.owns(a) ||
      !this.owns(x) ||
      !this.owns(y) ||
      a instanceof Float32Array !== f32 ||
      x instanceof Float32Array !== f32
    ) {
      referenceKernels.gemv(trans, m, n, alpha, a, aOff, lda, x, xOff, beta, y, yOff);
      return;
    }
    checkMatrix('gemv', 'A', a, aOff, m, n, lda);
    checkMatrix('gemv', 'x', x, xOff, 1, trans ? m : n, 0);
    checkMatrix('gemv', 'y', y, yOff, 1, trans ? n : m, 0);
    const bpe = f32 ? 4 : 8;
    (f32 ? this.wasm.gemv_f32 : this.wasm.gemv_f64)(
      trans ? 1 : 0,
      m,
      n,
      alpha,
      a.byteOffset + aOff * bpe,
      lda,
      x.byteOffset + xOff * bpe,
      beta,
      y.byteOffset + yOff * bpe,
    );
  }

  absMaxAndSumOfSquares(n: number, x: Float32Array, xOff: number, out: Float64Array): void {
    if (!(x instanceof Float32Array) || out.length < 2) {
      throw new TypeError(
        'absMaxAndSumOfSquares: x must be a Float32Array and out a Float64Array of 2 entries or more',
      );
    }
    if (!this.owns(x)) {
      out[0] = referenceKernels.absMax(n, x, xOff);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += x[xOff + i]! * x[xOff + i]!;
      out[1] = sum;
      return;
    }
    checkMatrix('absMaxAndSumOfSquares', 'x', x, xOff, 1, n, 0);
    const maxAt = this.scratch(8);
    out[1] = this.wasm.abs_max_sum_squares_f32(n, x.byteOffset + xOff * 4, maxAt);
    if (this.float64.buffer !== this.memory.buffer) this.float64 = new Float64Array(this.memory.buffer);
    out[0] = this.float64[maxAt / 8]!;
  }

  rnnForwardSteps(args: KernelArgs['rnnForwardSteps']): void {
    const { steps, B, H, xw, xwOff, weightHh, weightHhT, hs, hsOff } = args;
    if (
      !(this.like(hs, hs) && this.like(hs, xw) && this.like(hs, weightHh) && this.like(hs, weightHhT)) ||
      this.gemmLeavesWasm(B, H, H)
    ) {
      rnnForwardStepsWith(this, args);
      return;
    }
    checkMatrix('rnnForwardSteps', 'xw', xw, xwOff, steps * B, H, H);
    checkMatrix('rnnForwardSteps', 'weightHh', weightHh, 0, H, H, H);
    checkMatrix('rnnForwardSteps', 'weightHhT', weightHhT, 0, H, H, H);
    checkMatrix('rnnForwardSteps', 'hs', hs, hsOff, (steps + 1) * B, H, H);
    if (steps <= 0 || B === 0 || H === 0) return;
    const bpe = hs.BYTES_PER_ELEMENT;
    const scratch = this.scratch(stepProductScratchBytes(B, H, bpe));
    (bpe === 4 ? this.wasm.rnn_forward_steps_f32 : this.wasm.rnn_forward_steps_f64)(
      steps,
      B,
      H,
      xw.byteOffset + xwOff * bpe,
      weightHh.byteOffset,
      weightHhT.byteOffset,
      hs.byteOffset + hsOff * bpe,
      scratch,
    );
  }

  rnnBackwardSteps(args: KernelArgs['rnnBackwardSteps']): void {
    const { steps, B, H, dOut, dOutOff, hs, hsOff, weightHh, weightHhT, dh, dXw, dXwOff } = args;
    if (
      !(
        this.like(hs, hs) &&
        this.like(hs, dOut) &&
        this.like(hs, weightHh) &&
        this.like(hs, weightHhT) &&
        this.like(hs, dh) &&
        this.like(hs, dXw)
      ) ||
      this.gemmLeavesWasm(B, H, H)
    ) {
      rnnBackwardStepsWith(this, args);
      return;
    }
    checkMatrix('rnnBackwardSteps', 'dOut', dOut, dOutOff, steps * B, H, H);
    checkMatrix('rnnBackwardSteps', 'hs', hs, hsOff, (steps + 1) * B, H, H);
    checkMatrix('rnnBackwardSteps', 'weightHh', weightHh, 0, H, H, H);
    checkMatrix('rnnBackwardSteps', 'weightHhT', weightHhT, 0, H, H, H);
    checkMatrix('rnnBackwardSteps', 'dh', dh, 0, B, H, H);
    checkMatrix('rnnBackwardSteps', 'dXw', dXw, dXwOff, steps * B, H, H);
    if (steps <= 0 || B === 0 || H === 0) return;
    const bpe = hs.BYTES_PER_ELEMENT;
    const scratch = this.scratch(stepProductScratchBytes(B, H, bpe));
    (bpe === 4 ? this.wasm.rnn_backward_steps_f32 : this.wasm.rnn_backward_steps_f64)(
      steps,
      B,
      H,
      dOut.byteOffset + dOutOff * bpe,
      hs.byteOffset + hsOff * bpe,
      weightHh.byteOffset,
      weightHhT.byteOffset,
      dh.byteOffset,
      dXw.byteOffset + dXwOff * bpe,
      scratch,
    );
  }

  rnnWindowForward(args: KernelArgs['rnnWindowForward']): void {
    const { steps, B, H, V, ids, idsOff, weightIh, bias, weightHh, weightHhT, xw, hs } = args;
    if (
      !(
        this.like(hs, hs) &&
        this.like(hs, weightIh) &&
        this.like(hs, bias) &&
        this.like(hs, weightHh) &&
        this.like(hs, weightHhT) &&
        this.like(hs, xw)
      )
    ) {
      rnnWindowForwardWith(this, args);
      return;
    }
    const n = steps * B;
    checkMatrix('rnnWindowForward', 'weightIh', weightIh, 0, H, V, V);
    checkMatrix('rnnWindowForward', 'bias', bias, 0, 1, H, 0);
    checkMatrix('rnnWindowForward', 'weightHh', weightHh, 0, H, H, H);
    checkMatrix('rnnWindowForward', 'weightHhT', weightHhT, 0, H, H, H);
    checkMatrix('rnnWindowForward', 'xw', xw, 0, n, H, H);
    checkMatrix('rnnWindowForward', 'hs', hs, 0, n + B, H, H);
    if (steps <= 0 || B === 0 || H === 0) return;
    const bpe = hs.BYTES_PER_ELEMENT;
    const { scratch, ids: idsAt } = this.windowScratch(B, H, bpe, n);
    const idsPtr = this.stageIds('rnnWindowForward', 'ids', n, ids, idsOff, 0, V, idsAt);
    if (this.gemmLeavesWasm(B, H, H)) {
      // The step products go native or to two threads: gather here, then the per-step calls.
      (bpe === 4 ? this.wasm.gather_columns_f32 : this.wasm.gather_columns_f64)(
        n,
        H,
        V,
        weightIh.byteOffset,
        idsPtr,
        bias.byteOffset,
        xw.byteOffset,
      );
      this.transpose(H, H, weightHh, 0, H, weightHhT, 0);
      this.rnnForwardSteps({ steps, B, H, xw, xwOff: 0, weightHh, weightHhT, hs, hsOff: 0 });
      return;
    }
    (bpe === 4 ? this.wasm.rnn_window_forward_f32 : this.wasm.rnn_window_forward_f64)(
      steps,
      B,
      H,
      V,
      idsPtr,
      weightIh.byteOffset,
      bias.byteOffset,
      weightHh.byteOffset,
      weightHhT.byteOffset,
      xw.byteOffset,
      hs.byteOffset,
      scratch,
    );
  }

  rnnWindowBackward(args: KernelArgs['rnnWindowBackward']): void {
    const {
      steps,
      B,
      H,
      V,
      dOut,
      hs,
      weightHh,
      weightHhT,
      dh,
      dXw,
      ids,
      idsOff,
      weightIhGrad,
      biasIhGrad,
      biasHhGrad,
    } = args;
    if (
      !(
        this.like(hs, hs) &&
        this.like(hs, dOut) &&
        this.like(hs, weightHh) &&
        this.like(hs, weightHhT) &&
        this.like(hs, dh) &&
        this.like(hs, dXw) &&
        this.like(hs, weightIhGrad) &&
        this.like(hs, biasIhGrad) &&
        this.like(hs, biasHhGrad)
      )
    ) {
      rnnWindowBackwardWith(this, args);
      return;
    }
    const n = steps * B;
    checkMatrix('rnnWindowBackward', 'dOut', dOut, 0, n, H, H);
    checkMatrix('rnnWindowBackward', 'hs', hs, 0, n + B, H, H);
    checkMatrix('rnnWindowBackward', 'weightHh', weightHh, 0, H, H, H);
    checkMatrix('rnnWindowBackward', 'weightHhT', weightHhT, 0, H, H, H);
    checkMatrix('rnnWindowBackward', 'dh', dh, 0, B, H, H);
    checkMatrix('rnnWindowBackward', 'dXw', dXw, 0, n, H, H);
    checkMatrix('rnnWindowBackward', 'weightIhGrad', weightIhGrad, 0, H, V, V);
    checkMatrix('rnnWindowBackward', 'biasIhGrad', biasIhGrad, 0, 1, H, 0);
    checkMatrix('rnnWindowBackward', 'biasHhGrad', biasHhGrad, 0, 1, H, 0);
    if (steps <= 0 || B === 0 || H === 0) return;
    const bpe = hs.BYTES_PER_ELEMENT;
    const { scratch, ids: idsAt } = this.windowScratch(B, H, bpe, n);
    const idsPtr = this.stageIds('rnnWindowBackward', 'ids', n, ids, idsOff, 0, V, idsAt);
    if (this.gemmLeavesWasm(B, H, H)) {
      // The step products go native or to two threads: the per-step calls, then sums and scatter here.
      dh.fill(0, 0, B * H);
      this.rnnBackwardSteps({ steps, B, H, dOut, dOutOff: 0, hs, hsOff: 0, weightHh, weightHhT, dh, dXw, dXwOff: 0 });
      this.columnSums(n, H, dXw, 0, biasHhGrad);
      this.columnSums(n, H, dXw, 0, biasIhGrad);
      (bpe === 4 ? this.wasm.scatter_columns_f32 : this.wasm.scatter_columns_f64)(
        n,
        H,
        V,
        dXw.byteOffset,
        idsPtr,
        weightIhGrad.byteOffset,
      );
      return;
    }
    (bpe === 4 ? this.wasm.rnn_window_backward_f32 : this.wasm.rnn_window_backward_f64)(
      steps,
      B,
      H,
      V,
      dOut.byteOffset,
      hs.byteOffset,
      weightHh.byteOffset,
      weightHhT.byteOffset,
      dh.byteOffset,
      dXw.byteOffset,
      idsPtr,
      weightIhGrad.byteOffset,
      biasIhGrad.byteOffset,
      biasHhGrad.byteOffset,
      scratch,
    );
  }

  /** Scratch for a recurrence's step products (at .scratch) and, after it, `ids` staged ids (at .ids). */
  private windowScratch(B: number, H: number, bpe: number, ids: number): { scratch: number; ids: number } {
    const idsAt = Math.ceil(stepProductScratchBytes(B, H, bpe) / 16) * 16;
    const scratch = this.scratch(idsAt + ids * 4);
    return { scratch, ids: scratch + idsAt };
  }
}
