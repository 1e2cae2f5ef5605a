// The opt-in flush of subnormal numbers (CHARRNN_NATIVE_FTZ=1): off by default (subnormal products
// stay exact), on it reads and writes them as 0, and the caller's floating-point mode is restored
// after each call (JavaScript on the same thread still computes subnormals).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadNativeGemm } from './index.js';

const native = loadNativeGemm();
const x86 = native !== null && native.isa !== 'portable';

/** c = a·b for 1×1 matrices in a fresh registered memory (f32). */
function product(a: number, b: number): number {
  const sab = new SharedArrayBuffer(64);
  const memory = native!.registerMemory(new Uint8Array(sab));
  const v = new Float32Array(sab);
  v[0] = a;
  v[1] = b;
  native!.gemm(memory, 0, 0, 0, 1, 1, 1, 1, 0, 1, 4, 1, 0, 8, 1, 1);
  return v[2]!;
}

describe.skipIf(!x86)('native setFlushDenormals', () => {
  afterEach(() => {
    native!.setFlushDenormals!(false);
    vi.unstubAllEnvs();
  });

  it('is off by default: a subnormal operand or result stays exact', () => {
    expect(product(1e-39, 1)).toBe(Math.fround(1e-39));
    expect(product(1e-20, 1e-20)).toBe(Math.fround(Math.fround(1e-20) * Math.fround(1e-20)));
    expect(product(1e-20, 1e-20)).toBeGreaterThan(0);
  });

  it('on, reads and writes subnormals as 0 and leaves normal numbers alone; JavaScript keeps its subnormals', () => {
    expect(native!.setFlushDenormals!(true)).toBe(true);
    expect(product(1e-39, 1)).toBe(0);
    expect(product(1e-20, 1e-20)).toBe(0);
    expect(product(1.5, 2)).toBe(3);
    const tiny = [1e-310];
    expect(tiny[0]! * 0.5).toBeGreaterThan(0);
    native!.setFlushDenormals!(false);
    expect(product(1e-39, 1)).toBe(Math.fround(1e-39));
  });

  it('is switched on by CHARRNN_NATIVE_FTZ=1 when the addon loads', async () => {
    vi.stubEnv('CHARRNN_NATIVE_FTZ', '1');
    vi.resetModules();
    const fresh = (await import('./index.js')) as typeof import('./index.js');
    expect(fresh.loadNativeGemm()).not.toBeNull();
    expect(product(1e-39, 1)).toBe(0);
  });
});
