// The prepacked-B path: packB once, then gemmPacked, must give exactly gemm's bits on the B it packed
// (same tiles, same order), for both transposes of A and B, inner dimensions over one 256 block,
// ragged edges, one and two threads; and it must refuse operands outside the registered memory.
import { describe, expect, it } from 'vitest';
import { loadNativeGemm } from './index.js';

const native = loadNativeGemm();

describe.skipIf(native === null)('native gemmPacked', () => {
  it('equals gemm bit for bit (f32, f64; tA, tB; k over 256; one and two threads)', () => {
    const sab = new SharedArrayBuffer(8 << 20);
    const memory = native!.registerMemory(new Uint8Array(sab));
    for (const f64 of [0, 1]) {
      const bpe = f64 ? 8 : 4;
      const view = (byte: number, length: number) =>
        f64 ? new Float64Array(sab, byte, length) : new Float32Array(sab, byte, length);
      for (const [m, n, k] of [
        [32, 1024, 256],
        [32, 256, 1024],
        [37, 70, 45],
        [9, 13, 600],
      ] as const) {
        for (const tA of [0, 1]) {
          for (const tB of [0, 1]) {
            for (const threads of [1, 2]) {
              const a = view(0, m * k).map((_, i) => Math.sin(i * 0.37));
              const b = view(1 << 20, k * n).map((_, i) => Math.cos(i * 0.11));
              const packed = view(2 << 20, native!.packedLength!(f64, k, n)).fill(Number.NaN);
              const expected = view(5 << 20, m * n).map((_, i) => i % 7);
              const actual = view(6 << 20, m * n).map((_, i) => i % 7);
              const [lda, ldb] = [tA ? m : k, tB ? k : n];
              native!.gemm(
                memory,
                f64,
                tA,
                tB,
                m,
                n,
                k,
                1.5,
                a.byteOffset,
                lda,
                b.byteOffset,
                ldb,
                0.5,
                expected.byteOffset,
                n,
                1,
              );
              native!.packB!(memory, f64, tB, k, n, b.byteOffset, ldb, packed.byteOffset);
              native!.gemmPacked!(
                memory,
                f64,
                tA,
                m,
                n,
                k,
                1.5,
                a.byteOffset,
                lda,
                packed.byteOffset,
                0.5,
                actual.byteOffset,
                n,
                threads,
              );
              const label = `${f64 ? 'f64' : 'f32'} ${m}×${n}×${k} tA ${tA} tB ${tB} threads ${threads}`;
              expect(Array.from(actual), label).toEqual(Array.from(expected));
              expect(bpe * packed.length).toBeGreaterThanOrEqual(bpe * k * n);
            }
          }
        }
      }
    }
  });

  it('reads the panels it packed, not B (packing again is what picks up a change)', () => {
    const sab = new SharedArrayBuffer(1 << 20);
    const memory = native!.registerMemory(new Uint8Array(sab));
    const [m, n, k] = [8, 16, 8];
    const a = new Float32Array(sab, 0, m * k).fill(1);
    const b = new Float32Array(sab, 4096, k * n).fill(1);
    const packed = new Float32Array(sab, 8192, native!.packedLength!(0, k, n));
    const c = new Float32Array(sab, 65536, m * n);
    native!.packB!(memory, 0, 0, k, n, b.byteOffset, n, packed.byteOffset);
    b.fill(2);
    native!.gemmPacked!(memory, 0, 0, m, n, k, 1, a.byteOffset, k, packed.byteOffset, 0, c.byteOffset, n, 1);
    expect(c[0]).toBe(8);
    native!.packB!(memory, 0, 0, k, n, b.byteOffset, n, packed.byteOffset);
    native!.gemmPacked!(memory, 0, 0, m, n, k, 1, a.byteOffset, k, packed.byteOffset, 0, c.byteOffset, n, 1);
    expect(c[0]).toBe(16);
  });

  it('refuses operands outside the registered memory, and negative dimensions', () => {
    const sab = new SharedArrayBuffer(4096);
    const memory = native!.registerMemory(new Uint8Array(sab));
    expect(() => native!.packB!(memory, 0, 0, 64, 64, 0, 64, 0)).toThrow(/packB: matrices must lie inside/);
    expect(() => native!.gemmPacked!(memory, 0, 0, 64, 64, 64, 1, 0, 64, 0, 0, 0, 64, 1)).toThrow(
      /gemmPacked: matrices must lie inside/,
    );
    expect(() => native!.packB!(memory, 0, 0, -1, 4, 0, 4, 0)).toThrow(
      /packB: dimensions and offsets must be non-negative/,
    );
    expect(native!.packedLength!(0, 3, 1)).toBeGreaterThanOrEqual(3);
  });
});
