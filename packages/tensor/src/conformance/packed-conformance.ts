// The packed-operand kernels on one backend (allocPacked, packB, gemmPacked: hand-written, so the
// table suite does not cover them). gemmPacked must give exactly the bits of the same backend's gemm
// on the B that packB read — for every transpose, offset, alpha and beta, inner dimensions past one
// 256 block and shapes past the native gemm's thresholds — and agree with float64 loops; packing
// again after B changed must be what the next product reads.

import type { Dtype, FloatArray } from '../dtype.js';
import type { CompleteKernels } from '../kernels/kernels.js';
import { Prng } from '../prng.js';

type Source = 'alloc' | 'heap';

/** m, n, k: empty, tiny, ragged, the recurrent products' shapes (m = B rows), k past one 256 block. */
export const PACKED_SHAPES: readonly (readonly [number, number, number])[] = [
  [1, 1, 1],
  [0, 4, 3],
  [4, 0, 2],
  [3, 5, 0],
  [5, 9, 7],
  [8, 40, 10],
  [32, 52, 13],
  [12, 13, 52],
  [9, 37, 300],
  [33, 70, 45],
];

type Expect = (
  actual: unknown,
  message?: string,
) => { toEqual(expected: unknown): void; toThrow(expected?: unknown): void };

function filled(kernels: CompleteKernels, source: Source, dtype: Dtype, length: number, prng: Prng): FloatArray {
  const arr =
    source === 'alloc'
      ? kernels.alloc(dtype, length)
      : dtype === 'f32'
        ? new Float32Array(length)
        : new Float64Array(length);
  for (let i = 0; i < length; i++) arr[i] = prng.uniformIn(-1, 1);
  return arr;
}

/** Every case of one dtype and array source: gemmPacked against the backend's gemm, bit for bit, and against float64 loops. */
export function checkPackedAgainstGemm(kernels: CompleteKernels, dtype: Dtype, source: Source, expect: Expect): void {
  const prng = new Prng(29);
  for (const [m, n, k] of PACKED_SHAPES) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const alpha = [1, -0.5, 2][prng.int(3)]!;
        const beta = [0, 1, 0.3][prng.int(3)]!;
        const [aRows, aCols] = transA ? [k, m] : [m, k];
        const [bRows, bCols] = transB ? [n, k] : [k, n];
        const lda = aCols + prng.int(3);
        const ldb = bCols + prng.int(3);
        const ldc = n + prng.int(3);
        const [aOff, bOff, cOff] = [prng.int(4), prng.int(4), prng.int(4)];
        const a = filled(kernels, source, dtype, aOff + aRows * lda, prng);
        const b = filled(kernels, source, dtype, bOff + bRows * ldb, prng);
        const c0 = filled(kernels, source, dtype, cOff + m * ldc, prng);
        const expected = filled(kernels, source, dtype, c0.length, prng);
        const actual = filled(kernels, source, dtype, c0.length, prng);
        expected.set(c0);
        actual.set(c0);
        const packed = kernels.allocPacked(dtype, m, k, n);
        kernels.packB(transB, k, n, b, bOff, ldb, packed);
        kernels.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
        kernels.gemmPacked(transA, m, n, k, alpha, a, aOff, lda, packed, beta, actual, cOff, ldc);
        const where = `gemmPacked ${m}×${n}×${k} tA=${transA} tB=${transB} (${packed.layout} layout)`;
        expect(Array.from(actual), `${where}: the bits of gemm`).toEqual(Array.from(expected));
        // And the value itself, against a float64 loop (the gemm suite's tolerances).
        const tol = dtype === 'f32' ? { atol: 1e-5, rtol: 1e-4 } : { atol: 1e-12, rtol: 1e-12 };
        for (const [i, j] of [
          [0, 0],
          [m - 1, n - 1],
          [m >> 1, n >> 1],
        ] as const) {
          if (i < 0 || j < 0 || m === 0 || n === 0) continue;
          let sum = 0;
          let mag = 0;
          for (let p = 0; p < k; p++) {
            const x = transA ? a[aOff + p * lda + i]! : a[aOff + i * lda + p]!;
            const y = transB ? b[bOff + j * ldb + p]! : b[bOff + p * ldb + j]!;
            sum += x * y;
            mag += Math.abs(x * y);
          }
          const before = c0[cOff + i * ldc + j]!;
          const value = alpha * sum + (beta === 0 ? 0 : beta * before);
          const bound = tol.atol + tol.rtol * (Math.abs(alpha) * mag + Math.abs(beta * before));
          const got = actual[cOff + i * ldc + j]!;
          if (!(Math.abs(got - value) <= bound))
            throw new Error(`${where} C[${i},${j}]: got ${got}, expected ${value} (bound ${bound})`);
        }
      }
    }
  }
}

/** Packing again after B changed: the next product reads the new B (a backend caching by array would fail). */
export function checkRepacking(kernels: CompleteKernels, dtype: Dtype, source: Source, expect: Expect): void {
  const prng = new Prng(31);
  const [m, n, k] = [32, 40, 24];
  const a = filled(kernels, source, dtype, m * k, prng);
  const b = filled(kernels, source, dtype, k * n, prng);
  const expected = filled(kernels, source, dtype, m * n, prng);
  const actual = filled(kernels, source, dtype, m * n, prng);
  const packed = kernels.allocPacked(dtype, m, k, n);
  kernels.packB(false, k, n, b, 0, n, packed);
  kernels.gemmPacked(false, m, n, k, 1, a, 0, k, packed, 0, actual, 0, n);
  for (let i = 0; i < b.length; i++) b[i] = b[i]! * 0.5 + 0.25;
  kernels.packB(false, k, n, b, 0, n, packed);
  kernels.gemmPacked(false, m, n, k, 1, a, 0, k, packed, 0, actual, 0, n);
  kernels.gemm(false, false, m, n, k, 1, a, 0, k, b, 0, n, 0, expected, 0, n);
  expect(Array.from(actual), `gemmPacked after packing a changed B (${packed.layout} layout)`).toEqual(
    Array.from(expected),
  );
}

/** gemmPacked refuses an operand packB never filled, and one of another shape. */
export function checkPackedErrors(kernels: CompleteKernels, dtype: Dtype, expect: Expect): void {
  const a = kernels.alloc(dtype, 64);
  const c = kernels.alloc(dtype, 64);
  const empty = kernels.allocPacked(dtype, 8, 4, 8);
  expect(() => kernels.gemmPacked(false, 8, 8, 4, 1, a, 0, 4, empty, 0, c, 0, 8)).toThrow(
    'gemmPacked: the packed operand must be filled by packB first, got an empty one',
  );
  const b = kernels.alloc(dtype, 32);
  kernels.packB(false, 4, 8, b, 0, 8, empty);
  expect(() => kernels.gemmPacked(false, 8, 4, 8, 1, a, 0, 8, empty, 0, c, 0, 4)).toThrow(
    'gemmPacked: the packed operand must be [k, n] = [8, 4], got [4, 8]',
  );
  expect(() => kernels.packB(false, 8, 4, b, 0, 4, empty)).toThrow(
    'packB: the packed operand must be [k, n] = [8, 4], got [4, 8]',
  );
}
