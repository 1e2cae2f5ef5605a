// The memory side of the WebAssembly SIMD backend: engine probing, instantiation over a shared
// memory, the bump allocator that hands out typed-array views of it, and the helpers every binding
// uses (shape checks, staged ids, elementwise splitting). The kernel methods sit on top of it:
// wasm-bindings.generated.ts (from the kernel table), then wasm-kernels.ts (the hand-written ones).

import type { GemmOperands, NativeGemm } from '@charrnn/native';
import { type Dtype, type FloatArray, isDtype } from '@charrnn/tensor';
import { KERNELS_WASM_BASE64 } from './kernels-wasm.generated.js';
import type { ElementwiseExport, GeneratedWasmExports } from './wasm-bindings.generated.js';

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
export const NATIVE_MIN_ROWS = 8;

/** The exports the generated bindings call (GeneratedWasmExports) and those of the hand-written kernels. */
export interface WasmExports extends GeneratedWasmExports {
  heapBase(): number;
  gemm_f32(...operandsAndScratch: [...GemmOperands, scratch: number]): void;
  gemm_f64(...operandsAndScratch: [...GemmOperands, scratch: number]): void;
  gemv_f32: GemvExport;
  gemv_f64: GemvExport;
  rnn_forward_steps_f32: RnnForwardStepsExport;
  rnn_forward_steps_f64: RnnForwardStepsExport;
  rnn_backward_steps_f32: RnnBackwardStepsExport;
  rnn_backward_steps_f64: RnnBackwardStepsExport;
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

/** y = alpha·op(A)·x + beta·y, addresses in bytes. */
type GemvExport = (
  trans: number,
  m: number,
  n: number,
  alpha: number,
  a: number,
  lda: number,
  x: number,
  beta: number,
  y: number,
) => void;
/** Addresses in bytes. */
type RnnForwardStepsExport = (
  steps: number,
  B: number,
  H: number,
  xw: number,
  whh: number,
  whhT: number,
  hs: number,
  scratch: number,
) => void;
/** Addresses in bytes. */
type RnnBackwardStepsExport = (
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
) => void;
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
export function checkMatrix(
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
 * The memory a wasm backend runs on and the helpers its kernel methods share. Abstract: the kernel
 * methods come from the generated bindings and WasmKernels.
 */
export abstract class WasmMemoryKernels {
  readonly name: string;
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private top: number;
  private scratchPtr = 0;
  private scratchBytes = 0;
  protected int32: Int32Array;
  protected float64: Float64Array;

  /** Shared, so a worker can run the same module on the same arrays. */
  protected readonly memory: WasmMemory;
  protected readonly wasm: WasmExports;
  /** The compiled module, for instantiating it again in a worker. */
  protected readonly module: object;
  /** The native gemm, if one was given; registered on this memory (again after each growth). */
  protected readonly native: NativeGemm | undefined;
  protected readonly nativeMinWork: number;
  protected readonly nativeHandle: number;
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

  protected owns(arr: FloatArray): boolean {
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

  /** True when x is a view of this memory with ref's dtype; callers chain it (no array per call in a hot loop). */
  protected like(ref: FloatArray, x: FloatArray): boolean {
    return this.owns(x) && x.BYTES_PER_ELEMENT === ref.BYTES_PER_ELEMENT;
  }

  /**
   * Copies ids to ptr (default: fresh scratch) after checking each is in [min, below) (a wrong one
   * would touch memory outside the table); returns ptr.
   */
  protected stageIds(
    fn: string,
    what: string,
    length: number,
    ids: Int32Array,
    idsOff: number,
    min: number,
    below: number,
    ptr: number = this.scratch(length * 4),
  ): number {
    checkMatrix(fn, what, ids, idsOff, 1, length, 0);
    if (this.int32.buffer !== this.memory.buffer) this.int32 = new Int32Array(this.memory.buffer);
    const base = ptr >> 2;
    for (let r = 0; r < length; r++) {
      const id = ids[idsOff + r]!;
      if (!(id >= min && id < below))
        throw new RangeError(`${fn}: ${what} must be in [${min}, ${below}), got ${id} at row ${r}`);
      this.int32[base + r] = id;
    }
    return ptr;
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
}
