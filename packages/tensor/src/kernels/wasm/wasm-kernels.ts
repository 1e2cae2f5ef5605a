// The WebAssembly SIMD backend of the kernel seam: instantiates kernels-wasm.generated.ts over a
// shared memory and hands out typed-array views of that memory, so kernels run on the model's
// arrays without copying. Arrays from elsewhere still work: those calls go to the reference kernels.

import type { NativeGemm } from '@charrnn/native';
import { isDtype, type Dtype, type FloatArray } from '../../dtype.js';
import type { Kernels } from '../kernels.js';
import { referenceKernels } from '../reference.js';
import { rnnBackwardStepsWith, rnnForwardStepsWith } from '../recurrence.js';
import { rnnWindowBackwardWith, rnnWindowForwardWith } from '../rnn-window.js';
import type { ElementwiseExport } from './elementwise-exports.js';
import { KERNELS_WASM_BASE64 } from './kernels-wasm.generated.js';

/** The smallest module using a v128 instruction (i8x16.splat), as tfjs-backend-wasm probes for SIMD. */
export const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11,
]);

const PAGE = 65536;

// The package's lib settings have no DOM and Node's types no WebAssembly values, so the few
// members used are typed here; reading them from globalThis also tolerates engines without wasm.
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}

function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

export interface WasmKernelsOptions {
  /** Upper bound of the shared memory in 64 KiB pages (default 16384 = 1 GiB, at most 65536). */
  readonly maximumPages?: number;
  /**
   * An optional native gemm over the same memory (in Node: `loadNativeGemm()` of @charrnn/native).
   * Injected, so this package never imports Node modules; gemms of at least nativeMinWork
   * multiply-adds (m·n·k) run there, smaller ones stay in wasm (an N-API call costs ~0.1 µs).
   */
  readonly nativeGemm?: NativeGemm | null;
  /** Smallest m·n·k sent to the native gemm (default DEFAULT_NATIVE_MIN_WORK); 0 sends every gemm (tests). */
  readonly nativeMinWork?: number;
}

/**
 * m·n·k from which the native gemm beats the wasm one, call overhead (~0.1 µs) and packing included.
 * Measured on an AVX-512 machine (packages/native/README.md): level at 16³, native ~1.8× at 32³ and
 * ~2.2× at 32×100×100. Products with fewer than NATIVE_MIN_ROWS rows or columns also stay in wasm:
 * native packs B (or A) once per call, which does not pay for a row or two (1×100×100: 3× slower).
 */
export const DEFAULT_NATIVE_MIN_WORK = 1 << 14;
const NATIVE_MIN_ROWS = 8;

export interface WasmExports {
  heapBase(): number;
  gemm_f32(
    tA: number,
    tB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
    scratch: number,
  ): void;
  gemm_f64(
    tA: number,
    tB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
    scratch: number,
  ): void;
  gemv_f32(
    trans: number,
    m: number,
    n: number,
    alpha: number,
    a: number,
    lda: number,
    x: number,
    beta: number,
    y: number,
  ): void;
  gemv_f64(
    trans: number,
    m: number,
    n: number,
    alpha: number,
    a: number,
    lda: number,
    x: number,
    beta: number,
    y: number,
  ): void;
  ger_f32(m: number, n: number, alpha: number, x: number, y: number, a: number, lda: number): void;
  ger_f64(m: number, n: number, alpha: number, x: number, y: number, a: number, lda: number): void;
  tanh_f32(n: number, x: number, out: number): void;
  tanh_f64(n: number, x: number, out: number): void;
  sigmoid_f32(n: number, x: number, out: number): void;
  sigmoid_f64(n: number, x: number, out: number): void;
  softmax_xent_f32(rows: number, cols: number, logits: number, targets: number, scale: number, d: number): number;
  softmax_xent_f64(rows: number, cols: number, logits: number, targets: number, scale: number, d: number): number;
  transpose_f32(rows: number, cols: number, src: number, ld: number, dst: number): void;
  transpose_f64(rows: number, cols: number, src: number, ld: number, dst: number): void;
  abs_max_f32(n: number, x: number): number;
  abs_max_f64(n: number, x: number): number;
  scaled_sum_squares_f32(n: number, x: number, divisor: number): number;
  scaled_sum_squares_f64(n: number, x: number, divisor: number): number;
  clamp_f32(n: number, x: number, limit: number): number;
  clamp_f64(n: number, x: number, limit: number): number;
  adagrad_f32(n: number, value: number, grad: number, mem: number, lr: number, eps: number): void;
  adagrad_f64(n: number, value: number, grad: number, mem: number, lr: number, eps: number): void;
  gather_rows_f32(rows: number, cols: number, table: number, ids: number, bias: number, out: number): void;
  gather_rows_f64(rows: number, cols: number, table: number, ids: number, bias: number, out: number): void;
  scatter_add_rows_f32(rows: number, cols: number, src: number, ids: number, table: number): void;
  scatter_add_rows_f64(rows: number, cols: number, src: number, ids: number, table: number): void;
  add_row_vector_f32(rows: number, cols: number, m: number, v: number): void;
  add_row_vector_f64(rows: number, cols: number, m: number, v: number): void;
  column_sums_f32(rows: number, cols: number, m: number, out: number): void;
  column_sums_f64(rows: number, cols: number, m: number, out: number): void;
  tanh_backward_f32(n: number, a: number, b: number, y: number, out: number): void;
  tanh_backward_f64(n: number, a: number, b: number, y: number, out: number): void;
  lstm_forward_f32(rows: number, H: number, gates: number, cPrev: number, c: number, tanhC: number, h: number): void;
  lstm_forward_f64(rows: number, H: number, gates: number, cPrev: number, c: number, tanhC: number, h: number): void;
  lstm_backward_f32(
    rows: number,
    H: number,
    gates: number,
    cPrev: number,
    tanhC: number,
    dOut: number,
    dh: number,
    dc: number,
    dGates: number,
  ): void;
  lstm_backward_f64(
    rows: number,
    H: number,
    gates: number,
    cPrev: number,
    tanhC: number,
    dOut: number,
    dh: number,
    dc: number,
    dGates: number,
  ): void;
  gru_forward_f32(
    rows: number,
    H: number,
    xw: number,
    hProj: number,
    gates: number,
    hn: number,
    hPrev: number,
    h: number,
  ): void;
  gru_forward_f64(
    rows: number,
    H: number,
    xw: number,
    hProj: number,
    gates: number,
    hn: number,
    hPrev: number,
    h: number,
  ): void;
  gru_backward_f32(
    rows: number,
    H: number,
    gates: number,
    hPrev: number,
    hn: number,
    dOut: number,
    dh: number,
    dXw: number,
    dHw: number,
  ): void;
  gru_backward_f64(
    rows: number,
    H: number,
    gates: number,
    hPrev: number,
    hn: number,
    dOut: number,
    dh: number,
    dXw: number,
    dHw: number,
  ): void;
  rnn_forward_steps_f32(
    steps: number,
    B: number,
    H: number,
    xw: number,
    whh: number,
    whhT: number,
    hs: number,
    scratch: number,
  ): void;
  rnn_forward_steps_f64(
    steps: number,
    B: number,
    H: number,
    xw: number,
    whh: number,
    whhT: number,
    hs: number,
    scratch: number,
  ): void;
  rnn_backward_steps_f32(
    steps: number,
    B: number,
    H: number,
    dOut: number,
    hs: number,
    whh: number,
    whhT: number,
    dh: number,
    dXw: number,
    scratch: number,
  ): void;
  rnn_backward_steps_f64(
    steps: number,
    B: number,
    H: number,
    dOut: number,
    hs: number,
    whh: number,
    whhT: number,
    dh: number,
    dXw: number,
    scratch: number,
  ): void;
  abs_max_sum_squares_f32(n: number, x: number, maxOut: number): number;
  gather_columns_f32(rows: number, H: number, V: number, wih: number, ids: number, bias: number, xw: number): void;
  gather_columns_f64(rows: number, H: number, V: number, wih: number, ids: number, bias: number, xw: number): void;
  scatter_columns_f32(rows: number, H: number, V: number, dXw: number, ids: number, wihGrad: number): void;
  scatter_columns_f64(rows: number, H: number, V: number, dXw: number, ids: number, wihGrad: number): void;
  rnn_window_forward_f32: RnnWindowForwardExport;
  rnn_window_forward_f64: RnnWindowForwardExport;
  rnn_window_backward_f32: RnnWindowBackwardExport;
  rnn_window_backward_f64: RnnWindowBackwardExport;
}

/** (steps, B, H, V, ids, wih, bias, whh, whhT, xw, hs, scratch), addresses in bytes. */
type RnnWindowForwardExport = (...args: [number, number, number, number, ...number[]]) => void;
/** (steps, B, H, V, dOut, hs, whh, whhT, dh, dXw, ids, wihGrad, bihGrad, bhhGrad, scratch), addresses in bytes. */
type RnnWindowBackwardExport = (...args: [number, number, number, number, ...number[]]) => void;

/** Why this engine cannot run the wasm kernels, or undefined when it can. */
export function wasmUnavailableReason(): string | undefined {
  const api = wasmApi();
  if (typeof api !== 'object') return 'WebAssembly is not available';
  // Probe the shared memory itself, not the SharedArrayBuffer global: Chromium hides the global on
  // pages that are not cross-origin isolated but still creates shared wasm memories there.
  if (!canCreateSharedMemory(api)) {
    return 'shared WebAssembly memory is not available (browsers may need cross-origin isolation: COOP/COEP headers)';
  }
  if (!api.validate(SIMD_PROBE)) return 'WebAssembly SIMD is not supported by this engine';
  return undefined;
}

function canCreateSharedMemory(api: WasmApi): boolean {
  try {
    new api.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

export function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Instantiates the wasm kernels synchronously (fine in Node and workers; a browser main thread
 * may refuse to compile modules over 4 KiB synchronously and then needs WebAssembly.compile).
 * Returns { unavailable } instead of throwing when the engine lacks a needed feature.
 */
export function loadWasmKernels(options: WasmKernelsOptions = {}): Kernels | { unavailable: string } {
  const parts = instantiateWasmKernels('loadWasmKernels', options);
  return 'unavailable' in parts ? parts : new WasmKernels(parts);
}

/** What a WasmKernels runs on: the shared memory, the instance's exports, and the compiled module (for workers). */
export interface WasmParts {
  readonly memory: WasmMemory;
  readonly exports: WasmExports;
  readonly module: object;
  /** The optional native gemm and the smallest m·n·k it takes (see WasmKernelsOptions). */
  readonly native?: { readonly gemm: NativeGemm; readonly minWork: number; readonly handle: number };
}

/** Compiles and instantiates the module over a new shared memory; for loadWasmKernels and the two-thread backend. */
export function instantiateWasmKernels(fn: string, options: WasmKernelsOptions): WasmParts | { unavailable: string } {
  const maximumPages = options.maximumPages ?? 16384;
  if (!Number.isInteger(maximumPages) || maximumPages < 1 || maximumPages > 65536) {
    throw new RangeError(`${fn}: maximumPages must be an integer in [1, 65536], got ${maximumPages}`);
  }
  const nativeMinWork = options.nativeMinWork ?? DEFAULT_NATIVE_MIN_WORK;
  if (!(nativeMinWork >= 0))
    throw new RangeError(`${fn}: nativeMinWork must be a non-negative number, got ${nativeMinWork}`);
  const reason = wasmUnavailableReason();
  const api = wasmApi();
  if (reason !== undefined || api === undefined) return { unavailable: reason ?? 'WebAssembly is not available' };
  try {
    const bytes = decodeBase64(KERNELS_WASM_BASE64);
    if (!api.validate(bytes)) return { unavailable: 'the kernel module does not validate on this engine' };
    const memory = new api.Memory({ initial: 1, maximum: maximumPages, shared: true });
    const module = new api.Module(bytes);
    const instance = new api.Instance(module, { env: { memory } });
    return {
      memory,
      exports: instance.exports as unknown as WasmExports,
      module,
      ...nativePart(options.nativeGemm, nativeMinWork, memory),
    };
  } catch (error) {
    return { unavailable: `the kernel module failed to load: ${(error as Error).message}` };
  }
}

/** Registers the memory with the native gemm; a gemm that refuses it is left out (wasm does the work). */
function nativePart(
  gemm: NativeGemm | null | undefined,
  minWork: number,
  memory: WasmMemory,
): Pick<WasmParts, 'native'> {
  if (!gemm) return {};
  try {
    return { native: { gemm, minWork, handle: gemm.registerMemory(new Uint8Array(memory.buffer)) } };
  } catch {
    return {};
  }
}

function rangeError(
  fn: string,
  what: string,
  rows: number,
  cols: number,
  ld: number,
  off: number,
  length: number,
): RangeError {
  return new RangeError(
    `${fn}: ${what} must hold ${rows}×${cols} (leading dimension ${ld}) from offset ${off}, got length ${length}`,
  );
}

/** Refuses dimensions that would make the kernel touch memory outside the array (wasm has no bounds per array). */
function checkMatrix(
  fn: string,
  what: string,
  arr: ArrayLike<number>,
  off: number,
  rows: number,
  cols: number,
  ld: number,
): void {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new RangeError(`${fn}: dimensions of ${what} must be non-negative integers, got ${rows}×${cols}`);
  }
  if (rows === 0 || cols === 0) return;
  if (
    !Number.isInteger(off) ||
    off < 0 ||
    !Number.isInteger(ld) ||
    (rows > 1 && ld < cols) ||
    off + (rows - 1) * ld + cols > arr.length
  ) {
    throw rangeError(fn, what, rows, cols, ld, off, arr.length);
  }
}

/** Calls an elementwise export with (n, pointers…, doubles…); returns its result (0 for none). */
export function callElementwise(
  wasm: WasmExports,
  fn: ElementwiseExport,
  n: number,
  pointers: readonly number[],
  doubles: readonly number[],
): number {
  const call = wasm[fn] as unknown as (...args: number[]) => number | undefined;
  return call(n, ...pointers, ...doubles) ?? 0;
}

/** max(a, b), NaN when either is (absMax's rule). */
export function maxOrNaN(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b);
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

/** The wasm backend; exported for the two-thread backend (threaded-kernels.ts), not from the package. */
export class WasmKernels implements Kernels {
  readonly name: string;
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private top: number;
  private scratchPtr = 0;
  private scratchBytes = 0;
  private int32: Int32Array;
  private float64: Float64Array;

  /** Shared, so a worker can run the same module on the same arrays. */
  protected readonly memory: WasmMemory;
  protected readonly wasm: WasmExports;
  /** The compiled module, for instantiating it again in a worker. */
  protected readonly module: object;
  /** The native gemm, if one was given; registered on this memory (again after each growth). */
  protected readonly native: NativeGemm | undefined;
  protected readonly nativeMinWork: number;
  private readonly nativeHandle: number;
  /** Threads the native gemm uses (the two-thread backend sets 2). */
  protected nativeThreads = 1;

  constructor(parts: WasmParts) {
    const { memory, exports: wasm } = parts;
    this.native = parts.native?.gemm;
    this.nativeMinWork = parts.native?.minWork ?? 0;
    this.nativeHandle = parts.native?.handle ?? -1;
    this.name = this.native ? 'wasm-simd+native' : 'wasm-simd';
    this.memory = memory;
    this.wasm = wasm;
    this.module = parts.module;
    // Leave asc's static data (libm tables) below heapBase alone.
    this.top = Math.ceil(wasm.heapBase() / 16) * 16;
    this.buffers.add(memory.buffer);
    this.int32 = new Int32Array(memory.buffer);
    this.float64 = new Float64Array(memory.buffer);
  }

  /** Bump allocation, 16-byte aligned; never freed. Growing a shared memory keeps old views valid. */
  protected reserve(bytes: number): number {
    const ptr = Math.ceil(this.top / 16) * 16;
    const end = ptr + bytes;
    const size = this.memory.buffer.byteLength;
    if (end > size) {
      try {
        this.memory.grow(Math.ceil((end - size) / PAGE));
      } catch {
        throw new RangeError(`alloc: wasm memory must stay within its maximum, got a request for ${end} bytes`);
      }
      this.buffers.add(this.memory.buffer);
      this.native?.registerMemory(new Uint8Array(this.memory.buffer), this.nativeHandle);
    }
    this.top = end;
    return ptr;
  }

  protected scratch(bytes: number): number {
    if (bytes > this.scratchBytes) {
      this.scratchBytes = Math.max(bytes, 2 * this.scratchBytes, 4096);
      this.scratchPtr = this.reserve(this.scratchBytes);
    }
    return this.scratchPtr;
  }

  private owns(arr: FloatArray): boolean {
    return this.buffers.has(arr.buffer);
  }

  alloc(dtype: Dtype, length: number): FloatArray {
    if (!isDtype(dtype)) throw new TypeError(`alloc: dtype must be "f32" or "f64", got ${String(dtype)}`);
    if (!Number.isInteger(length) || length < 0) {
      throw new RangeError(`alloc: length must be a non-negative integer, got ${length}`);
    }
    const bytesPer = dtype === 'f32' ? 4 : 8;
    const ptr = this.reserve(length * bytesPer);
    const buffer = this.memory.buffer;
    // V8 may hand out a fresh SharedArrayBuffer object for the same memory at any time (e.g. after a
    // memory shared with a worker grew), so every buffer object a view is made on is recorded.
    this.buffers.add(buffer);
    // Already zero: pages start zeroed and bump memory is never handed out twice.
    return dtype === 'f32' ? new Float32Array(buffer, ptr, length) : new Float64Array(buffer, ptr, length);
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
  protected gemmAt(
    f32: boolean,
    tA: number,
    tB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
  ): void {
    if (this.useNative(m, n, k)) {
      this.native!.gemm(
        this.nativeHandle,
        f32 ? 0 : 1,
        tA,
        tB,
        m,
        n,
        k,
        alpha,
        a,
        lda,
        b,
        ldb,
        beta,
        c,
        ldc,
        this.nativeThreads,
      );
      return;
    }
    const elements = gemmScratchElements(tA, tB, m, n, k);
    const scratch = elements > 0 ? this.scratch(elements * (f32 ? 4 : 8)) : 0;
    (f32 ? this.wasm.gemm_f32 : this.wasm.gemm_f64)(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, scratch);
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

  ger(
    m: number,
    n: number,
    alpha: number,
    x: FloatArray,
    xOff: number,
    y: FloatArray,
    yOff: number,
    a: FloatArray,
    aOff: number,
    lda: number,
  ): void {
    const f32 = a instanceof Float32Array;
    if (
      !this.owns(a) ||
      !this.owns(x) ||
      !this.owns(y) ||
      x instanceof Float32Array !== f32 ||
      y instanceof Float32Array !== f32
    ) {
      referenceKernels.ger(m, n, alpha, x, xOff, y, yOff, a, aOff, lda);
      return;
    }
    checkMatrix('ger', 'A', a, aOff, m, n, lda);
    checkMatrix('ger', 'x', x, xOff, 1, m, 0);
    checkMatrix('ger', 'y', y, yOff, 1, n, 0);
    const bpe = f32 ? 4 : 8;
    (f32 ? this.wasm.ger_f32 : this.wasm.ger_f64)(
      m,
      n,
      alpha,
      x.byteOffset + xOff * bpe,
      y.byteOffset + yOff * bpe,
      a.byteOffset + aOff * bpe,
      lda,
    );
  }

  tanh(n: number, x: FloatArray, xOff: number, out: FloatArray, outOff: number): void {
    if (!this.elementwiseReady('tanh', n, x, xOff, out, outOff)) {
      referenceKernels.tanh(n, x, xOff, out, outOff);
      return;
    }
    const bpe = x.BYTES_PER_ELEMENT;
    const fn = bpe === 4 ? 'tanh_f32' : 'tanh_f64';
    const xAt = x.byteOffset + xOff * bpe;
    const outAt = out.byteOffset + outOff * bpe;
    if (this.splitsElementwise(n)) this.splitElementwise(fn, n, bpe, [xAt, outAt], []);
    else this.wasm[fn](n, xAt, outAt);
  }

  sigmoid(n: number, x: FloatArray, xOff: number, out: FloatArray, outOff: number): void {
    if (!this.elementwiseReady('sigmoid', n, x, xOff, out, outOff)) {
      referenceKernels.sigmoid(n, x, xOff, out, outOff);
      return;
    }
    const bpe = x.BYTES_PER_ELEMENT;
    (bpe === 4 ? this.wasm.sigmoid_f32 : this.wasm.sigmoid_f64)(
      n,
      x.byteOffset + xOff * bpe,
      out.byteOffset + outOff * bpe,
    );
  }

  private elementwiseReady(
    fn: string,
    n: number,
    x: FloatArray,
    xOff: number,
    out: FloatArray,
    outOff: number,
  ): boolean {
    if (!this.owns(x) || !this.owns(out) || x.BYTES_PER_ELEMENT !== out.BYTES_PER_ELEMENT) return false;
    checkMatrix(fn, 'x', x, xOff, 1, n, 0);
    checkMatrix(fn, 'out', out, outOff, 1, n, 0);
    return true;
  }

  softmaxCrossEntropy(
    rows: number,
    cols: number,
    logits: FloatArray,
    logitsOff: number,
    targets: Int32Array,
    targetsOff: number,
    scale: number,
    dLogits: FloatArray,
    dLogitsOff: number,
  ): number {
    if (!this.owns(logits) || !this.owns(dLogits) || logits.BYTES_PER_ELEMENT !== dLogits.BYTES_PER_ELEMENT) {
      return referenceKernels.softmaxCrossEntropy(
        rows,
        cols,
        logits,
        logitsOff,
        targets,
        targetsOff,
        scale,
        dLogits,
        dLogitsOff,
      );
    }
    checkMatrix('softmaxCrossEntropy', 'logits', logits, logitsOff, rows, cols, cols);
    checkMatrix('softmaxCrossEntropy', 'dLogits', dLogits, dLogitsOff, rows, cols, cols);
    checkMatrix('softmaxCrossEntropy', 'targets', targets, targetsOff, 1, rows, 0);
    if (rows === 0 || cols === 0) return 0;
    // Targets are copied (and checked, since a wrong one would write outside the row) into scratch.
    const ptr = this.scratch(rows * 4);
    if (this.int32.buffer !== this.memory.buffer) this.int32 = new Int32Array(this.memory.buffer);
    const base = ptr >> 2;
    for (let r = 0; r < rows; r++) {
      const t = targets[targetsOff + r]!;
      if (t < -1 || t >= cols) {
        throw new RangeError(`softmaxCrossEntropy: targets must be in [-1, ${cols}), got ${t} at row ${r}`);
      }
      this.int32[base + r] = t;
    }
    const bpe = logits.BYTES_PER_ELEMENT;
    return (bpe === 4 ? this.wasm.softmax_xent_f32 : this.wasm.softmax_xent_f64)(
      rows,
      cols,
      logits.byteOffset + logitsOff * bpe,
      ptr,
      scale,
      dLogits.byteOffset + dLogitsOff * bpe,
    );
  }

  transpose(
    rows: number,
    cols: number,
    src: FloatArray,
    srcOff: number,
    ld: number,
    dst: FloatArray,
    dstOff: number,
  ): void {
    if (!this.owns(src) || !this.owns(dst) || src.BYTES_PER_ELEMENT !== dst.BYTES_PER_ELEMENT) {
      referenceKernels.transpose(rows, cols, src, srcOff, ld, dst, dstOff);
      return;
    }
    checkMatrix('transpose', 'src', src, srcOff, rows, cols, ld);
    checkMatrix('transpose', 'dst', dst, dstOff, cols, rows, rows);
    if (rows === 0 || cols === 0) return;
    const bpe = src.BYTES_PER_ELEMENT;
    (bpe === 4 ? this.wasm.transpose_f32 : this.wasm.transpose_f64)(
      rows,
      cols,
      src.byteOffset + srcOff * bpe,
      ld,
      dst.byteOffset + dstOff * bpe,
    );
  }

  absMax(n: number, x: FloatArray, xOff: number): number {
    if (!this.owns(x)) return referenceKernels.absMax(n, x, xOff);
    checkMatrix('absMax', 'x', x, xOff, 1, n, 0);
    const bpe = x.BYTES_PER_ELEMENT;
    const fn = bpe === 4 ? 'abs_max_f32' : 'abs_max_f64';
    const xAt = x.byteOffset + xOff * bpe;
    // The largest magnitude is exact in any order, so two halves give the one-thread result.
    if (this.splitsElementwise(n)) return this.splitElementwise(fn, n, bpe, [xAt], [], maxOrNaN);
    return this.wasm[fn](n, xAt);
  }

  scaledSumOfSquares(n: number, x: FloatArray, xOff: number, divisor: number): number {
    if (!this.owns(x)) return referenceKernels.scaledSumOfSquares(n, x, xOff, divisor);
    checkMatrix('scaledSumOfSquares', 'x', x, xOff, 1, n, 0);
    const bpe = x.BYTES_PER_ELEMENT;
    return (bpe === 4 ? this.wasm.scaled_sum_squares_f32 : this.wasm.scaled_sum_squares_f64)(
      n,
      x.byteOffset + xOff * bpe,
      divisor,
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

  clamp(n: number, x: FloatArray, xOff: number, limit: number): number {
    if (!this.owns(x)) return referenceKernels.clamp(n, x, xOff, limit);
    checkMatrix('clamp', 'x', x, xOff, 1, n, 0);
    const bpe = x.BYTES_PER_ELEMENT;
    return (bpe === 4 ? this.wasm.clamp_f32 : this.wasm.clamp_f64)(n, x.byteOffset + xOff * bpe, limit);
  }

  adagrad(n: number, value: FloatArray, grad: FloatArray, mem: FloatArray, lr: number, eps: number): void {
    const bpe = value.BYTES_PER_ELEMENT;
    if (
      !this.owns(value) ||
      !this.owns(grad) ||
      !this.owns(mem) ||
      grad.BYTES_PER_ELEMENT !== bpe ||
      mem.BYTES_PER_ELEMENT !== bpe
    ) {
      referenceKernels.adagrad(n, value, grad, mem, lr, eps);
      return;
    }
    checkMatrix('adagrad', 'value', value, 0, 1, n, 0);
    checkMatrix('adagrad', 'grad', grad, 0, 1, n, 0);
    checkMatrix('adagrad', 'mem', mem, 0, 1, n, 0);
    const fn = bpe === 4 ? 'adagrad_f32' : 'adagrad_f64';
    if (this.splitsElementwise(n))
      this.splitElementwise(fn, n, bpe, [value.byteOffset, grad.byteOffset, mem.byteOffset], [lr, eps]);
    else this.wasm[fn](n, value.byteOffset, grad.byteOffset, mem.byteOffset, lr, eps);
  }

  /** Whether an elementwise kernel over n entries is split between threads (never on one thread). */
  protected splitsElementwise(_n: number): boolean {
    return false;
  }

  /**
   * Runs an elementwise export over n entries: pointers are byte addresses of entry 0 (each
   * advanced by bpe per entry), doubles trail them. One thread runs it whole; the two-thread
   * backend cuts it in two at a multiple of 4 entries (f32x4 vectors: each entry then takes its
   * one-thread path, so the results are bit-identical) and joins a returned value with `join`.
   */
  protected splitElementwise(
    fn: ElementwiseExport,
    n: number,
    _bpe: number,
    pointers: readonly number[],
    doubles: readonly number[],
    _join?: (a: number, b: number) => number,
  ): number {
    return callElementwise(this.wasm, fn, n, pointers, doubles);
  }

  /** True when x is a view of this memory with ref's dtype; callers chain it (no array per call in a hot loop). */
  protected like(ref: FloatArray, x: FloatArray): boolean {
    return this.owns(x) && x.BYTES_PER_ELEMENT === ref.BYTES_PER_ELEMENT;
  }

  /** Copies ids into scratch after checking each is a row of the table (a wrong one would touch memory outside it). */
  private stageIds(fn: string, rows: number, ids: Int32Array, idsOff: number, tableRows: number): number {
    return this.stageIdsInto(fn, rows, ids, idsOff, tableRows, this.scratch(rows * 4));
  }

  private stageIdsInto(
    fn: string,
    rows: number,
    ids: Int32Array,
    idsOff: number,
    tableRows: number,
    ptr: number,
  ): number {
    checkMatrix(fn, 'ids', ids, idsOff, 1, rows, 0);
    if (this.int32.buffer !== this.memory.buffer) this.int32 = new Int32Array(this.memory.buffer);
    const base = ptr >> 2;
    for (let r = 0; r < rows; r++) {
      const id = ids[idsOff + r]!;
      if (!(id >= 0 && id < tableRows))
        throw new RangeError(`${fn}: ids must be in [0, ${tableRows}), got ${id} at row ${r}`);
      this.int32[base + r] = id;
    }
    return ptr;
  }

  gatherRows(
    rows: number,
    cols: number,
    table: FloatArray,
    tableRows: number,
    ids: Int32Array,
    idsOff: number,
    bias: FloatArray,
    out: FloatArray,
    outOff: number,
  ): void {
    if (!(this.like(table, table) && this.like(table, bias) && this.like(table, out))) {
      referenceKernels.gatherRows(rows, cols, table, tableRows, ids, idsOff, bias, out, outOff);
      return;
    }
    checkMatrix('gatherRows', 'table', table, 0, tableRows, cols, cols);
    checkMatrix('gatherRows', 'bias', bias, 0, 1, cols, 0);
    checkMatrix('gatherRows', 'out', out, outOff, rows, cols, cols);
    if (rows === 0 || cols === 0) return;
    const idsPtr = this.stageIds('gatherRows', rows, ids, idsOff, tableRows);
    const bpe = out.BYTES_PER_ELEMENT;
    (bpe === 4 ? this.wasm.gather_rows_f32 : this.wasm.gather_rows_f64)(
      rows,
      cols,
      table.byteOffset,
      idsPtr,
      bias.byteOffset,
      out.byteOffset + outOff * bpe,
    );
  }

  scatterAddRows(
    rows: number,
    cols: number,
    src: FloatArray,
    srcOff: number,
    ids: Int32Array,
    idsOff: number,
    table: FloatArray,
    tableRows: number,
  ): void {
    if (!(this.like(src, src) && this.like(src, table))) {
      referenceKernels.scatterAddRows(rows, cols, src, srcOff, ids, idsOff, table, tableRows);
      return;
    }
    checkMatrix('scatterAddRows', 'src', src, srcOff, rows, cols, cols);
    checkMatrix('scatterAddRows', 'table', table, 0, tableRows, cols, cols);
    if (rows === 0 || cols === 0) return;
    const idsPtr = this.stageIds('scatterAddRows', rows, ids, idsOff, tableRows);
    const bpe = src.BYTES_PER_ELEMENT;
    (bpe === 4 ? this.wasm.scatter_add_rows_f32 : this.wasm.scatter_add_rows_f64)(
      rows,
      cols,
      src.byteOffset + srcOff * bpe,
      idsPtr,
      table.byteOffset,
    );
  }

  addRowVector(rows: number, cols: number, m: FloatArray, mOff: number, v: FloatArray): void {
    if (!(this.like(m, m) && this.like(m, v))) {
      referenceKernels.addRowVector(rows, cols, m, mOff, v);
      return;
    }
    checkMatrix('addRowVector', 'm', m, mOff, rows, cols, cols);
    checkMatrix('addRowVector', 'v', v, 0, 1, cols, 0);
    if (rows === 0 || cols === 0) return;
    const bpe = m.BYTES_PER_ELEMENT;
    (bpe === 4 ? this.wasm.add_row_vector_f32 : this.wasm.add_row_vector_f64)(
      rows,
      cols,
      m.byteOffset + mOff * bpe,
      v.byteOffset,
    );
  }

  columnSums(rows: number, cols: number, m: FloatArray, mOff: number, out: FloatArray): void {
    if (!(this.like(m, m) && this.like(m, out))) {
      referenceKernels.columnSums(rows, cols, m, mOff, out);
      return;
    }
    checkMatrix('columnSums', 'm', m, mOff, rows, cols, cols);
    checkMatrix('columnSums', 'out', out, 0, 1, cols, 0);
    if (cols === 0) return;
    const bpe = m.BYTES_PER_ELEMENT;
    (bpe === 4 ? this.wasm.column_sums_f32 : this.wasm.column_sums_f64)(
      rows,
      cols,
      m.byteOffset + mOff * bpe,
      out.byteOffset,
    );
  }

  tanhBackward(
    n: number,
    a: FloatArray,
    aOff: number,
    b: FloatArray,
    bOff: number,
    y: FloatArray,
    yOff: number,
    out: FloatArray,
    outOff: number,
  ): void {
    if (!(this.like(a, a) && this.like(a, b) && this.like(a, y) && this.like(a, out))) {
      referenceKernels.tanhBackward(n, a, aOff, b, bOff, y, yOff, out, outOff);
      return;
    }
    checkMatrix('tanhBackward', 'a', a, aOff, 1, n, 0);
    checkMatrix('tanhBackward', 'b', b, bOff, 1, n, 0);
    checkMatrix('tanhBackward', 'y', y, yOff, 1, n, 0);
    checkMatrix('tanhBackward', 'out', out, outOff, 1, n, 0);
    if (n === 0) return;
    const bpe = a.BYTES_PER_ELEMENT;
    const fn = bpe === 4 ? 'tanh_backward_f32' : 'tanh_backward_f64';
    const at = [
      a.byteOffset + aOff * bpe,
      b.byteOffset + bOff * bpe,
      y.byteOffset + yOff * bpe,
      out.byteOffset + outOff * bpe,
    ] as const;
    if (this.splitsElementwise(n)) this.splitElementwise(fn, n, bpe, at, []);
    else this.wasm[fn](n, at[0], at[1], at[2], at[3]);
  }

  rnnForwardSteps(
    steps: number,
    B: number,
    H: number,
    xw: FloatArray,
    xwOff: number,
    weightHh: FloatArray,
    weightHhT: FloatArray,
    hs: FloatArray,
    hsOff: number,
  ): void {
    if (
      !(this.like(hs, hs) && this.like(hs, xw) && this.like(hs, weightHh) && this.like(hs, weightHhT)) ||
      this.gemmLeavesWasm(B, H, H)
    ) {
      rnnForwardStepsWith(this, steps, B, H, xw, xwOff, weightHh, weightHhT, hs, hsOff);
      return;
    }
    checkMatrix('rnnForwardSteps', 'xw', xw, xwOff, steps * B, H, H);
    checkMatrix('rnnForwardSteps', 'weightHh', weightHh, 0, H, H, H);
    checkMatrix('rnnForwardSteps', 'weightHhT', weightHhT, 0, H, H, H);
    checkMatrix('rnnForwardSteps', 'hs', hs, hsOff, (steps + 1) * B, H, H);
    if (steps <= 0 || B === 0 || H === 0) return;
    const bpe = hs.BYTES_PER_ELEMENT;
    const scratch = this.scratch(
      Math.max(1, gemmScratchElements(0, 0, B, H, H), gemmScratchElements(0, 1, B, H, H)) * bpe,
    );
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

  rnnBackwardSteps(
    steps: number,
    B: number,
    H: number,
    dOut: FloatArray,
    dOutOff: number,
    hs: FloatArray,
    hsOff: number,
    weightHh: FloatArray,
    weightHhT: FloatArray,
    dh: FloatArray,
    dXw: FloatArray,
    dXwOff: number,
  ): void {
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
      rnnBackwardStepsWith(this, steps, B, H, dOut, dOutOff, hs, hsOff, weightHh, weightHhT, dh, dXw, dXwOff);
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
    const scratch = this.scratch(
      Math.max(1, gemmScratchElements(0, 0, B, H, H), gemmScratchElements(0, 1, B, H, H)) * bpe,
    );
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

  rnnWindowForward(
    steps: number,
    B: number,
    H: number,
    V: number,
    ids: Int32Array,
    idsOff: number,
    weightIh: FloatArray,
    bias: FloatArray,
    weightHh: FloatArray,
    weightHhT: FloatArray,
    xw: FloatArray,
    hs: FloatArray,
  ): void {
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
      rnnWindowForwardWith(this, steps, B, H, V, ids, idsOff, weightIh, bias, weightHh, weightHhT, xw, hs);
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
    const idsPtr = this.stageIdsInto('rnnWindowForward', n, ids, idsOff, V, idsAt);
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
      this.rnnForwardSteps(steps, B, H, xw, 0, weightHh, weightHhT, hs, 0);
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

  rnnWindowBackward(
    steps: number,
    B: number,
    H: number,
    V: number,
    dOut: FloatArray,
    hs: FloatArray,
    weightHh: FloatArray,
    weightHhT: FloatArray,
    dh: FloatArray,
    dXw: FloatArray,
    ids: Int32Array,
    idsOff: number,
    weightIhGrad: FloatArray,
    biasIhGrad: FloatArray,
    biasHhGrad: FloatArray,
  ): void {
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
      rnnWindowBackwardWith(
        this,
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
      );
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
    const idsPtr = this.stageIdsInto('rnnWindowBackward', n, ids, idsOff, V, idsAt);
    if (this.gemmLeavesWasm(B, H, H)) {
      // The step products go native or to two threads: the per-step calls, then sums and scatter here.
      dh.fill(0, 0, B * H);
      this.rnnBackwardSteps(steps, B, H, dOut, 0, hs, 0, weightHh, weightHhT, dh, dXw, 0);
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
    const gemmBytes = Math.max(1, gemmScratchElements(0, 0, B, H, H), gemmScratchElements(0, 1, B, H, H)) * bpe;
    const idsAt = Math.ceil(gemmBytes / 16) * 16;
    const scratch = this.scratch(idsAt + ids * 4);
    return { scratch, ids: scratch + idsAt };
  }

  lstmForward(
    rows: number,
    H: number,
    gates: FloatArray,
    gatesOff: number,
    c: FloatArray,
    cPrevOff: number,
    cOff: number,
    tanhC: FloatArray,
    tanhCOff: number,
    h: FloatArray,
    hOff: number,
  ): void {
    if (!(this.like(gates, gates) && this.like(gates, c) && this.like(gates, tanhC) && this.like(gates, h))) {
      referenceKernels.lstmForward(rows, H, gates, gatesOff, c, cPrevOff, cOff, tanhC, tanhCOff, h, hOff);
      return;
    }
    checkMatrix('lstmForward', 'gates', gates, gatesOff, rows, 4 * H, 4 * H);
    checkMatrix('lstmForward', 'c (previous)', c, cPrevOff, rows, H, H);
    checkMatrix('lstmForward', 'c', c, cOff, rows, H, H);
    checkMatrix('lstmForward', 'tanhC', tanhC, tanhCOff, rows, H, H);
    checkMatrix('lstmForward', 'h', h, hOff, rows, H, H);
    if (rows === 0 || H === 0) return;
    const bpe = c.BYTES_PER_ELEMENT;
    (bpe === 4 ? this.wasm.lstm_forward_f32 : this.wasm.lstm_forward_f64)(
      rows,
      H,
      gates.byteOffset + gatesOff * bpe,
      c.byteOffset + cPrevOff * bpe,
      c.byteOffset + cOff * bpe,
      tanhC.byteOffset + tanhCOff * bpe,
      h.byteOffset + hOff * bpe,
    );
  }

  lstmBackward(
    rows: number,
    H: number,
    gates: FloatArray,
    gatesOff: number,
    cPrev: FloatArray,
    cPrevOff: number,
    tanhC: FloatArray,
    tanhCOff: number,
    dOut: FloatArray,
    dOutOff: number,
    dhCarry: FloatArray,
    dcCarry: FloatArray,
    dGates: FloatArray,
    dGatesOff: number,
  ): void {
    if (
      !(
        this.like(gates, gates) &&
        this.like(gates, cPrev) &&
        this.like(gates, tanhC) &&
        this.like(gates, dOut) &&
        this.like(gates, dhCarry) &&
        this.like(gates, dcCarry) &&
        this.like(gates, dGates)
      )
    ) {
      referenceKernels.lstmBackward(
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
      );
      return;
    }
    checkMatrix('lstmBackward', 'gates', gates, gatesOff, rows, 4 * H, 4 * H);
    checkMatrix('lstmBackward', 'cPrev', cPrev, cPrevOff, rows, H, H);
    checkMatrix('lstmBackward', 'tanhC', tanhC, tanhCOff, rows, H, H);
    checkMatrix('lstmBackward', 'dOut', dOut, dOutOff, rows, H, H);
    checkMatrix('lstmBackward', 'dhCarry', dhCarry, 0, rows, H, H);
    checkMatrix('lstmBackward', 'dcCarry', dcCarry, 0, rows, H, H);
    checkMatrix('lstmBackward', 'dGates', dGates, dGatesOff, rows, 4 * H, 4 * H);
    if (rows === 0 || H === 0) return;
    const bpe = gates.BYTES_PER_ELEMENT;
    (bpe === 4 ? this.wasm.lstm_backward_f32 : this.wasm.lstm_backward_f64)(
      rows,
      H,
      gates.byteOffset + gatesOff * bpe,
      cPrev.byteOffset + cPrevOff * bpe,
      tanhC.byteOffset + tanhCOff * bpe,
      dOut.byteOffset + dOutOff * bpe,
      dhCarry.byteOffset,
      dcCarry.byteOffset,
      dGates.byteOffset + dGatesOff * bpe,
    );
  }

  gruForward(
    rows: number,
    H: number,
    xw: FloatArray,
    xwOff: number,
    hProj: FloatArray,
    gates: FloatArray,
    gatesOff: number,
    hn: FloatArray,
    hnOff: number,
    hPrev: FloatArray,
    hPrevOff: number,
    h: FloatArray,
    hOff: number,
  ): void {
    if (
      !(
        this.like(xw, xw) &&
        this.like(xw, hProj) &&
        this.like(xw, gates) &&
        this.like(xw, hn) &&
        this.like(xw, hPrev) &&
        this.like(xw, h)
      )
    ) {
      referenceKernels.gruForward(rows, H, xw, xwOff, hProj, gates, gatesOff, hn, hnOff, hPrev, hPrevOff, h, hOff);
      return;
    }
    checkMatrix('gruForward', 'xw', xw, xwOff, rows, 3 * H, 3 * H);
    checkMatrix('gruForward', 'hProj', hProj, 0, rows, 3 * H, 3 * H);
    checkMatrix('gruForward', 'gates', gates, gatesOff, rows, 3 * H, 3 * H);
    checkMatrix('gruForward', 'hn', hn, hnOff, rows, H, H);
    checkMatrix('gruForward', 'hPrev', hPrev, hPrevOff, rows, H, H);
    checkMatrix('gruForward', 'h', h, hOff, rows, H, H);
    if (rows === 0 || H === 0) return;
    const bpe = xw.BYTES_PER_ELEMENT;
    (bpe === 4 ? this.wasm.gru_forward_f32 : this.wasm.gru_forward_f64)(
      rows,
      H,
      xw.byteOffset + xwOff * bpe,
      hProj.byteOffset,
      gates.byteOffset + gatesOff * bpe,
      hn.byteOffset + hnOff * bpe,
      hPrev.byteOffset + hPrevOff * bpe,
      h.byteOffset + hOff * bpe,
    );
  }

  gruBackward(
    rows: number,
    H: number,
    gates: FloatArray,
    gatesOff: number,
    hPrev: FloatArray,
    hPrevOff: number,
    hn: FloatArray,
    hnOff: number,
    dOut: FloatArray,
    dOutOff: number,
    dhCarry: FloatArray,
    dXw: FloatArray,
    dXwOff: number,
    dHw: FloatArray,
    dHwOff: number,
  ): void {
    if (
      !(
        this.like(gates, gates) &&
        this.like(gates, hPrev) &&
        this.like(gates, hn) &&
        this.like(gates, dOut) &&
        this.like(gates, dhCarry) &&
        this.like(gates, dXw) &&
        this.like(gates, dHw)
      )
    ) {
      referenceKernels.gruBackward(
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
      );
      return;
    }
    checkMatrix('gruBackward', 'gates', gates, gatesOff, rows, 3 * H, 3 * H);
    checkMatrix('gruBackward', 'hPrev', hPrev, hPrevOff, rows, H, H);
    checkMatrix('gruBackward', 'hn', hn, hnOff, rows, H, H);
    checkMatrix('gruBackward', 'dOut', dOut, dOutOff, rows, H, H);
    checkMatrix('gruBackward', 'dhCarry', dhCarry, 0, rows, H, H);
    checkMatrix('gruBackward', 'dXw', dXw, dXwOff, rows, 3 * H, 3 * H);
    checkMatrix('gruBackward', 'dHw', dHw, dHwOff, rows, 3 * H, 3 * H);
    if (rows === 0 || H === 0) return;
    const bpe = gates.BYTES_PER_ELEMENT;
    (bpe === 4 ? this.wasm.gru_backward_f32 : this.wasm.gru_backward_f64)(
      rows,
      H,
      gates.byteOffset + gatesOff * bpe,
      hPrev.byteOffset + hPrevOff * bpe,
      hn.byteOffset + hnOff * bpe,
      dOut.byteOffset + dOutOff * bpe,
      dhCarry.byteOffset,
      dXw.byteOffset + dXwOff * bpe,
      dHw.byteOffset + dHwOff * bpe,
    );
  }
}
