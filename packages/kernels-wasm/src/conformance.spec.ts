// The kernel conformance suite of @charrnn/tensor (describeKernelConformance: float64-loop cases and
// the table-driven cases of every generated kernel) run on each backend of this package: wasm SIMD,
// the two-thread variant, and both with the optional native gemm taking every product.

import { completeKernels, type FloatArray, type Kernels, Prng } from '@charrnn/tensor';
import { describeKernelConformance, makeArray, randomValues } from '@charrnn/tensor/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnTestWorker, untilThreads } from './test-worker.js';
import { createThreadedWasmKernels } from './threaded-kernels.js';
import { loadWasmKernels } from './wasm-kernels.js';

const backends: Kernels[] = [];
const wasm = loadWasmKernels();
if (!('unavailable' in wasm)) backends.push(wasm);
// The two-thread backend splits every gemm with room for two parts here (minSplitWork 0), and every
// elementwise kernel of 8 or more entries (minSplitElements 8), so the
// small shapes below run through both threads.
const threaded = createThreadedWasmKernels({ spawnWorker: spawnTestWorker, minSplitWork: 0, minSplitElements: 8 });
if (!('unavailable' in threaded)) backends.push(threaded);
// The optional native gemm (Node-only @charrnn/native, built by the root prepare step), taking every
// gemm (nativeMinWork 0), on one thread and split over two; skipped with a message when not built.
const nativeGemm = await import('@charrnn/native').then((m) => m.loadNativeGemm()).catch(() => null);
const withNative = nativeGemm ? loadWasmKernels({ nativeGemm, nativeMinWork: 0 }) : undefined;
if (withNative && !('unavailable' in withNative)) backends.push(withNative);
const threadedNative = nativeGemm
  ? createThreadedWasmKernels({
      spawnWorker: spawnTestWorker,
      minSplitWork: 0,
      minSplitElements: 8,
      nativeGemm,
      nativeMinWork: 0,
    })
  : undefined;
if (threadedNative && !('unavailable' in threadedNative)) backends.push(threadedNative);
// Said once, not as a test: a skipped case that asserts nothing would count as a pass.
if (nativeGemm === null)
  console.warn('kernel conformance: @charrnn/native is not built; the wasm-simd+native suites are skipped');
afterAll(() => backends.forEach((k) => k.close?.()));

function label(kernels: Kernels): string {
  return kernels === threaded || kernels === threadedNative ? `${kernels.name} ×2 threads` : kernels.name;
}

describeKernelConformance(
  { describe, it, expect, beforeAll },
  backends.map((kernels) => ({
    label: label(kernels),
    kernels,
    ...(kernels === threaded || kernels === threadedNative ? { ready: () => untilThreads(kernels, 2) } : {}),
  })),
);

describe('kernel conformance: backends', () => {
  it('runs the wasm backends on Node 20 (so their suites above are not silently skipped)', () => {
    const native = nativeGemm ? ['wasm-simd+native', 'wasm-simd+native ×2 threads'] : [];
    expect(backends.map(label)).toEqual(['wasm-simd', 'wasm-simd ×2 threads', ...native]);
    expect((threaded as { splits?: number }).splits).toBeGreaterThan(50);
  });

  it("packs operands in the native gemm's layout exactly when the products go native (so the packed suites above test it)", () => {
    const layouts = backends.map((kernels) => [
      label(kernels),
      completeKernels(kernels).allocPacked('f32', 32, 64, 256).layout,
    ]);
    const native = nativeGemm
      ? [
          ['wasm-simd+native', 'native'],
          ['wasm-simd+native ×2 threads', 'native'],
        ]
      : [];
    expect(layouts).toEqual([['wasm-simd', 'source'], ['wasm-simd ×2 threads', 'source'], ...native]);
    // With the default threshold a product of one row stays in wasm, and so does its operand.
    if (nativeGemm)
      expect((loadWasmKernels({ nativeGemm }) as Kernels).allocPacked!('f32', 1, 64, 256).layout).toBe('source');
  });

  it.skipIf(nativeGemm === null)('the native gemm gives bit-identical results on one and two threads', () => {
    const one = withNative as Kernels;
    const prng = new Prng(5);
    for (const dtype of ['f32', 'f64'] as const) {
      for (const [m, n, k, tA, tB] of [
        [37, 130, 70, false, true],
        [67, 9, 300, true, false],
        [200, 200, 20, false, false],
      ] as const) {
        const a = makeArray(one, 'alloc', dtype, randomValues(prng, m * k));
        const b = makeArray(one, 'alloc', dtype, randomValues(prng, k * n));
        const c1 = makeArray(one, 'alloc', dtype, randomValues(prng, m * n));
        const c2 = makeArray(one, 'alloc', dtype, c1);
        const handle = (withNative as unknown as { nativeHandle: number }).nativeHandle;
        const gemmInto = (c: FloatArray, threads: number) =>
          nativeGemm!.gemm(
            handle,
            dtype === 'f64' ? 1 : 0,
            tA ? 1 : 0,
            tB ? 1 : 0,
            m,
            n,
            k,
            0.7,
            a.byteOffset,
            tA ? m : k,
            b.byteOffset,
            tB ? k : n,
            0.3,
            c.byteOffset,
            n,
            threads,
          );
        gemmInto(c1, 1);
        gemmInto(c2, 2);
        expect(Array.from(c2)).toEqual(Array.from(c1));
      }
    }
  });

  it("has the table's test-only kernel on every backend, so the table suite ran it on each", () => {
    for (const kernels of backends) {
      expect(typeof (kernels as unknown as Record<string, unknown>).scaledAddTestOnly, label(kernels)).toBe('function');
    }
  });
});
