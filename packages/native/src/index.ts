// Loads the optional native gemm (build/Release/charrnn_native.node, built by tools/build-native.mjs
// from the root prepare step). Node-only; returns null when the addon is missing or will not load,
// so callers fall back to the wasm kernels silently. CHARRNN_NATIVE=0 in the environment disables it;
// CHARRNN_NATIVE_FTZ=1 makes its products flush subnormal numbers to 0 (faster when they occur, other bits).

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The addon's API, and the one definition of what @charrnn/tensor's wasm kernels accept as
 * `nativeGemm` (tensor imports this type only; nothing of this package loads in a browser).
 * A gemm outside wasm that reads and writes the wasm memory by byte offset; threads 1 and 2 must
 * give bit-identical results.
 */
export interface NativeGemm {
  /** The kernel picked for this CPU: "avx512f", "avx2+fma", "sse2" or "portable". */
  readonly isa: string;
  /**
   * Remembers the data pointer and length of the memory a Uint8Array spans and returns a handle for
   * gemm; with a handle, updates that registration (call it again after the memory grew).
   */
  registerMemory(view: Uint8Array, handle?: number): number;
  /**
   * C = alpha·op(A)·op(B) + beta·C on row-major matrices at byte offsets a, b, c of the memory
   * registered as `memory`; f64, tA, tB are 0 or 1; threads 2 splits C on tile boundaries (same results as 1).
   * Throws a RangeError when a matrix lies outside the registered memory.
   */
  gemm(memory: number, f64: number, ...operandsAndThreads: [...GemmOperands, threads: number]): void;
  /**
   * The prepacked-B path (absent in an addon built before it): the elements a packed op(B) [k, n]
   * takes (k times n rounded up to the kernel's tile width; depends on the CPU's kernel).
   */
  packedLength?(f64: number, k: number, n: number): number;
  /**
   * Opt-in (CHARRNN_NATIVE_FTZ=1 at load): later products read and write subnormal numbers as 0 (x86
   * DAZ|FTZ, restored after each call), which keeps them at full speed when operands underflow;
   * results then differ from the default wherever a subnormal appears. Returns whether it applies.
   */
  setFlushDenormals?(on: boolean): boolean;
  /** Packs op(B) [k, n] (row-major at byte offset b, or Bᵀ's when tB is 1) into packedLength elements at byte offset dst. */
  packB?(memory: number, f64: number, tB: number, k: number, n: number, b: number, ldb: number, dst: number): void;
  /**
   * gemm with B from packB: the same tiles in the same order, so bit-identical to gemm on the B it
   * packed (one or two threads). packed is the byte offset packB wrote to, for the same k and n.
   */
  gemmPacked?(
    memory: number,
    f64: number,
    ...operands: [
      tA: number,
      m: number,
      n: number,
      k: number,
      alpha: number,
      a: number,
      lda: number,
      packed: number,
      beta: number,
      c: number,
      ldc: number,
      threads: number,
    ]
  ): void;
}

/**
 * The operands of C = alpha·op(A)·op(B) + beta·C on row-major matrices at byte addresses a, b, c:
 * shared by the native gemm, the wasm gemm exports and the wasm backends' gemm methods.
 */
export type GemmOperands = [
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
];

export const ADDON_RELATIVE_PATH = 'build/Release/charrnn_native.node';

/**
 * Where the built addon is, or null. Looks beside this module's package (src/ or dist/) and, for
 * bundles that inlined this file (apps/*\/dist), through the installed @charrnn/native package.
 */
export function nativeAddonPath(): string | null {
  const candidates: string[] = [];
  try {
    candidates.push(join(dirname(fileURLToPath(import.meta.url)), '..', ADDON_RELATIVE_PATH));
  } catch {
    // not a file: URL
  }
  try {
    const pkg = createRequire(import.meta.url).resolve('@charrnn/native/package.json');
    candidates.push(join(dirname(pkg), ADDON_RELATIVE_PATH));
  } catch {
    // not installed beside this bundle
  }
  return candidates.find((path) => existsSync(path)) ?? null;
}

let cached: NativeGemm | null | undefined;

/** The native gemm, or null when it is not built, disabled (CHARRNN_NATIVE=0) or fails to load. */
export function loadNativeGemm(): NativeGemm | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (process.env['CHARRNN_NATIVE'] === '0') return cached;
  const path = nativeAddonPath();
  if (path === null) return cached;
  try {
    const addon = createRequire(import.meta.url)(path) as Partial<NativeGemm>;
    if (
      typeof addon.gemm === 'function' &&
      typeof addon.registerMemory === 'function' &&
      typeof addon.isa === 'string'
    ) {
      cached = addon as NativeGemm;
      if (process.env['CHARRNN_NATIVE_FTZ'] === '1') cached.setFlushDenormals?.(true);
    }
  } catch {
    // a stale or foreign binary: fall back
  }
  return cached;
}
