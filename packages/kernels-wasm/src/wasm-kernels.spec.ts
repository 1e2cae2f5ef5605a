// The wasm backend's own concerns: the committed binary, loading and selection, memory views
// that survive growth, the reference fallback for foreign arrays, bounds checks and f32 accuracy.
// Numerical agreement with the reference kernels is in ../conformance.spec.ts.

import { describe, expect, it } from 'vitest';
import { type Kernels, referenceKernels } from '@charrnn/tensor';
import * as generated from './kernels-wasm.generated.js';
import * as selectApi from './select-kernels.js';
import { KERNEL_PREFERENCES, selectKernels } from './select-kernels.js';
import * as loaderApi from './wasm-kernels.js';
import * as memoryApi from './wasm-memory.js';
import { loadWasmKernels } from './wasm-kernels.js';
import { SIMD_PROBE, decodeBase64, wasmUnavailableReason } from './wasm-memory.js';

// The package's lib settings give no WebAssembly values; type the members the tests use.
interface ModuleStatics {
  new (bytes: Uint8Array): object;
  imports(module: object): { module: string; name: string; kind: string }[];
  exports(module: object): { name: string; kind: string }[];
}
const WebAssembly = (
  globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean; Module: ModuleStatics } }
).WebAssembly;

function load(options?: memoryApi.WasmKernelsOptions): Kernels {
  const loaded = loadWasmKernels(options);
  if ('unavailable' in loaded) throw new Error(`wasm kernels unavailable: ${loaded.unavailable}`);
  return loaded;
}

describe('committed wasm module', () => {
  it('decodes from base64 to the recorded size and validates', () => {
    const bytes = decodeBase64(generated.KERNELS_WASM_BASE64);
    expect(bytes.length).toBe(generated.KERNELS_WASM_BYTES);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 97, 115, 109]);
    expect(WebAssembly.validate(bytes)).toBe(true);
  });

  it('imports only the shared memory and exports every kernel for both dtypes', () => {
    const module = new WebAssembly.Module(decodeBase64(generated.KERNELS_WASM_BASE64));
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    const names = WebAssembly.Module.exports(module)
      .map((e) => e.name)
      .sort();
    for (const kernel of ['gemm', 'gemv', 'ger', 'tanh', 'sigmoid', 'softmax_xent']) {
      expect(names).toContain(`${kernel}_f32`);
      expect(names).toContain(`${kernel}_f64`);
    }
  });

  it('the SIMD probe validates on Node 20, and a corrupted probe does not', () => {
    expect(WebAssembly.validate(SIMD_PROBE)).toBe(true);
    const broken = SIMD_PROBE.slice();
    broken[broken.length - 4] = 0xff; // not a SIMD opcode
    expect(WebAssembly.validate(broken)).toBe(false);
    expect(wasmUnavailableReason()).toBeUndefined();
  });
});

describe('loadWasmKernels', () => {
  it('loads on Node 20 and names itself', () => {
    expect(load().name).toBe('wasm-simd');
  });

  it('rejects a bad maximumPages', () => {
    expect(() => loadWasmKernels({ maximumPages: 0 })).toThrow(RangeError);
    expect(() => loadWasmKernels({ maximumPages: 70000 })).toThrow(
      /maximumPages must be an integer in \[1, 65536\], got 70000/,
    );
  });

  it('hands out views of one shared memory that stay valid as it grows', () => {
    const kernels = load();
    const first = kernels.alloc('f32', 4);
    first.set([1, 2, 3, 4]);
    const big = kernels.alloc('f64', 300_000); // 2.4 MB: forces memory.grow
    expect(first.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(first)).toEqual([1, 2, 3, 4]);
    expect(big.byteOffset % 16).toBe(0);
    expect(first.byteOffset + first.byteLength).toBeLessThanOrEqual(big.byteOffset);
    // A view made before the growth is still used in place (not through the reference fallback).
    const y = kernels.alloc('f32', 1);
    kernels.gemv(false, 1, 4, 1, first, 0, 4, first, 0, 0, y, 0);
    expect(y[0]).toBe(30);
  });

  it('throws a RangeError when memory would exceed its maximum', () => {
    const kernels = load({ maximumPages: 2 });
    expect(() => kernels.alloc('f64', 100_000)).toThrow(/alloc: wasm memory must stay within its maximum/);
  });

  it('falls back to the reference kernels for arrays outside its memory, including mixed ones', () => {
    const kernels = load();
    const heapA = Float64Array.from([1, 2, 3, 4]);
    const wasmX = kernels.alloc('f64', 2);
    wasmX.set([1, 1]);
    const y = new Float64Array(2);
    kernels.gemv(false, 2, 2, 1, heapA, 0, 2, wasmX, 0, 0, y, 0);
    expect(Array.from(y)).toEqual([3, 7]);
  });

  it('refuses shapes that would reach outside an array instead of touching other memory', () => {
    const kernels = load();
    const a = kernels.alloc('f32', 6);
    const c = kernels.alloc('f32', 4);
    expect(() => kernels.gemm(false, false, 2, 2, 3, 1, a, 1, 3, a, 0, 2, 0, c, 0, 2)).toThrow(
      /gemm: A must hold 2×3 \(leading dimension 3\) from offset 1, got length 6/,
    );
    const logits = kernels.alloc('f32', 4);
    expect(() => kernels.softmaxCrossEntropy(2, 2, logits, 0, Int32Array.from([0, 2]), 0, 1, logits, 0)).toThrow(
      /softmaxCrossEntropy: targets must be in \[-1, 2\), got 2 at row 1/,
    );
  });

  it('f32 tanh and sigmoid stay within 1e-6 relative error of float64 Math over [−20, 20]', () => {
    const kernels = load();
    const n = 200_003; // not a multiple of 4: the scalar tail goes through the same path
    const x = kernels.alloc('f32', n);
    const out = kernels.alloc('f32', n);
    for (let i = 0; i < n; i++) x[i] = -20 + (40 * i) / n;
    for (const [op, exact] of [
      ['tanh', Math.tanh],
      ['sigmoid', (v: number) => 1 / (1 + Math.exp(-v))],
    ] as const) {
      kernels[op](n, x, 0, out, 0);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const e = exact(x[i]!);
        worst = Math.max(worst, Math.abs(out[i]! - e) / Math.abs(e));
      }
      expect(worst, op).toBeLessThanOrEqual(1e-6);
    }
  });
});

describe('selectKernels', () => {
  it('auto picks wasm when it loads, with no notice', () => {
    const selection = selectKernels('auto');
    expect(selection.kernels.name).toBe('wasm-simd');
    expect(selection.notice).toBeUndefined();
  });

  it('reference and wasm give what they name', () => {
    expect(selectKernels('reference').kernels).toBe(referenceKernels);
    expect(selectKernels('wasm').kernels.name).toBe('wasm-simd');
  });

  it('auto falls back to reference with a one-line notice when wasm cannot load; wasm then throws', () => {
    // maximumPages cannot make loading fail, so simulate an engine that refuses shared memory
    // (a browser page that is not cross-origin isolated, in engines that gate it).
    type MemoryDescriptor = { initial: number; maximum?: number; shared?: boolean };
    const engine = (globalThis as unknown as { WebAssembly: { Memory: new (descriptor: MemoryDescriptor) => unknown } })
      .WebAssembly;
    const saved = engine.Memory;
    try {
      engine.Memory = function Memory(descriptor: MemoryDescriptor) {
        if (descriptor.shared) throw new TypeError('shared memory needs cross-origin isolation');
        return new saved(descriptor);
      } as unknown as typeof saved;
      const selection = selectKernels('auto');
      expect(selection.kernels).toBe(referenceKernels);
      expect(selection.notice).toMatch(
        /^kernels: using reference kernels \(wasm-simd unavailable: shared WebAssembly memory is not available/,
      );
      expect(selection.notice).not.toContain('\n');
      expect(() => selectKernels('wasm')).toThrow(/selectKernels: wasm kernels must be available/);
    } finally {
      engine.Memory = saved;
    }
  });

  it('rejects an unknown preference', () => {
    expect(() => selectKernels('gpu' as 'auto')).toThrow(/preference must be one of auto, reference, wasm, got gpu/);
    expect(KERNEL_PREFERENCES).toEqual(['auto', 'reference', 'wasm']);
  });

  it('pins the public names of the wasm modules', () => {
    expect(Object.keys(loaderApi).sort()).toEqual(['WasmKernels', 'gemmScratchElements', 'loadWasmKernels']);
    expect(Object.keys(memoryApi).sort()).toEqual([
      'DEFAULT_NATIVE_MIN_WORK',
      'NATIVE_MIN_ROWS',
      'SIMD_PROBE',
      'WasmMemoryKernels',
      'callElementwise',
      'checkMatrix',
      'decodeBase64',
      'instantiateWasmKernels',
      'maxOrNaN',
      'wasmUnavailableReason',
    ]);
    expect(Object.keys(selectApi).sort()).toEqual(['KERNEL_PREFERENCES', 'selectKernels']);
  });
});
