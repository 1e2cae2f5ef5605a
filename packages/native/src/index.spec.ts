import { describe, expect, it } from 'vitest';
import { loadNativeGemm, nativeAddonPath } from './index.js';

const native = loadNativeGemm();

describe('loadNativeGemm', () => {
  it('returns the addon or null, never throws', () => {
    expect(native === null || typeof native.gemm === 'function').toBe(true);
    if (native === null) console.warn(`@charrnn/native: addon not built (${nativeAddonPath() ?? 'no build/Release/charrnn_native.node'}); its cases are skipped`);
  });

  it.skipIf(native === null)('multiplies in a registered shared memory, f32 and f64, one and two threads', () => {
    const sab = new SharedArrayBuffer(1 << 20);
    const memory = native!.registerMemory(new Uint8Array(sab));
    for (const f64 of [0, 1]) {
      for (const threads of [1, 2]) {
        const view = (offset: number, length: number) => (f64 ? new Float64Array(sab, offset, length) : new Float32Array(sab, offset, length));
        const [m, n, k] = [37, 70, 45];
        const a = view(0, m * k);
        const b = view(65536, k * n);
        const c = view(131072, m * n).fill(1);
        a.forEach((_, i) => { a[i] = Math.sin(i); });
        b.forEach((_, i) => { b[i] = Math.cos(i); });
        native!.gemm(memory, f64, 0, 0, m, n, k, 2, a.byteOffset, k, b.byteOffset, n, 0.5, c.byteOffset, n, threads);
        for (const [i, j] of [[0, 0], [36, 69], [17, 33]] as const) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[p * n + j]!;
          expect(c[i * n + j]).toBeCloseTo(2 * sum + 0.5, f64 ? 10 : 3);
        }
      }
    }
  });

  it.skipIf(native === null)('refuses a matrix outside the registered memory', () => {
    const sab = new SharedArrayBuffer(4096);
    const memory = native!.registerMemory(new Uint8Array(sab));
    expect(() => native!.gemm(memory, 0, 0, 0, 64, 64, 64, 1, 0, 64, 0, 64, 0, 0, 64, 1)).toThrow(/inside the registered memory/);
  });
});
