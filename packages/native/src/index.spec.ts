import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadNativeGemm, nativeAddonPath } from './index.js';

const native = loadNativeGemm();

describe('loadNativeGemm', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('loads the addon exactly when it is built, and names a kernel it knows', () => {
    if (native === null)
      console.warn(
        `@charrnn/native: addon not built (${nativeAddonPath() ?? 'no build/Release/charrnn_native.node'}); its cases are skipped`,
      );
    expect(native !== null).toBe(nativeAddonPath() !== null);
    expect(['avx512f', 'avx2+fma', 'sse2', 'portable', undefined]).toContain(native?.isa);
  });

  it('is disabled by CHARRNN_NATIVE=0', async () => {
    vi.stubEnv('CHARRNN_NATIVE', '0');
    vi.resetModules();
    const fresh = (await import('./index.js')) as typeof import('./index.js');
    expect(fresh.loadNativeGemm()).toBeNull();
  });

  it.skipIf(native === null)('multiplies in a registered shared memory, f32 and f64, one and two threads', () => {
    const sab = new SharedArrayBuffer(1 << 20);
    const memory = native!.registerMemory(new Uint8Array(sab));
    for (const f64 of [0, 1]) {
      for (const threads of [1, 2]) {
        const view = (offset: number, length: number) =>
          f64 ? new Float64Array(sab, offset, length) : new Float32Array(sab, offset, length);
        const [m, n, k] = [37, 70, 45];
        const a = view(0, m * k);
        const b = view(65536, k * n);
        const c = view(131072, m * n).fill(1);
        a.forEach((_, i) => {
          a[i] = Math.sin(i);
        });
        b.forEach((_, i) => {
          b[i] = Math.cos(i);
        });
        native!.gemm(memory, f64, 0, 0, m, n, k, 2, a.byteOffset, k, b.byteOffset, n, 0.5, c.byteOffset, n, threads);
        for (const [i, j] of [
          [0, 0],
          [36, 69],
          [17, 33],
        ] as const) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[p * n + j]!;
          const expected = 2 * sum + 0.5;
          const [atol, rtol] = f64 ? [1e-12, 1e-10] : [1e-5, 1e-4];
          expect(Math.abs(c[i * n + j]! - expected)).toBeLessThanOrEqual(atol + rtol * Math.abs(expected) * k);
        }
      }
    }
  });

  it.skipIf(native === null)('refuses a matrix outside the registered memory', () => {
    const sab = new SharedArrayBuffer(4096);
    const memory = native!.registerMemory(new Uint8Array(sab));
    expect(() => native!.gemm(memory, 0, 0, 0, 64, 64, 64, 1, 0, 64, 0, 64, 0, 0, 64, 1)).toThrow(
      /inside the registered memory/,
    );
  });
});
