// The reference kernels against hand-computed closed forms. They define what every fast kernel must
// do (kernels/conformance.spec.ts compares the others with them), so here they are checked against
// numbers worked out on paper: transposes, offsets, leading dimensions, beta = 0 and padded targets.
// Matrices sit inside larger buffers whose padding is NaN (must never be read) or a sentinel
// (must never be written).

import { describe, expect, it } from 'vitest';
import { DTYPES, type Dtype, type FloatArray } from './dtype.js';
import { referenceKernels as K } from './kernels/reference.js';

const SENTINEL = -777;

/** A [rows, cols] matrix at `off` with leading dimension `ld` in a buffer padded with `fill`. */
function embed(dtype: Dtype, matrix: number[][], off: number, ld: number, fill: number): FloatArray {
  const rows = matrix.length;
  const buffer = new (dtype === 'f32' ? Float32Array : Float64Array)(off + rows * ld + 1).fill(fill);
  matrix.forEach((row, i) => row.forEach((v, j) => (buffer[off + i * ld + j] = v)));
  return buffer;
}

/** Reads the [rows, cols] matrix back and checks that every padding entry still holds `fill`. */
function extract(buffer: FloatArray, rows: number, cols: number, off: number, ld: number, fill: number): number[][] {
  const inside = new Set<number>();
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const row: number[] = [];
    for (let j = 0; j < cols; j++) {
      inside.add(off + i * ld + j);
      row.push(buffer[off + i * ld + j]!);
    }
    out.push(row);
  }
  buffer.forEach((v, index) => {
    if (!inside.has(index) && !Object.is(v, fill)) expect.fail(`padding [${index}] was written: ${v}`);
  });
  return out;
}

function vector(dtype: Dtype, values: number[], off: number, fill: number): FloatArray {
  return embed(dtype, [values], off, values.length, fill);
}

function readVector(buffer: FloatArray, n: number, off: number, fill: number): number[] {
  return extract(buffer, 1, n, off, n, fill)[0]!;
}

function expectClose(got: number, expected: number, atol: number, rtol: number, where: string): void {
  const bound = atol + rtol * Math.abs(expected);
  if (!(Math.abs(got - expected) <= bound)) {
    expect.fail(`${where}: got ${got}, expected ${expected} (|diff| ${Math.abs(got - expected)} > ${bound})`);
  }
}

const TOL: Record<Dtype, { atol: number; rtol: number }> = {
  f32: { atol: 1e-6, rtol: 1e-6 },
  f64: { atol: 1e-12, rtol: 1e-10 },
};

const transpose = (m: number[][]): number[][] => m[0]!.map((_, j) => m.map((row) => row[j]!));

// A [2,3], B [3,2], A·B [2,2] worked out by hand.
const A = [
  [1, 2, 3],
  [4, 5, 6],
];
const B = [
  [7, 8],
  [9, 10],
  [11, 12],
];
const AB = [
  [58, 64],
  [139, 154],
];

for (const dtype of DTYPES) {
  describe(`referenceKernels (${dtype})`, () => {
    it('alloc returns a zeroed array of the dtype', () => {
      const a = K.alloc(dtype, 4);
      expect(a).toBeInstanceOf(dtype === 'f32' ? Float32Array : Float64Array);
      expect([...a]).toEqual([0, 0, 0, 0]);
    });

    describe('gemm', () => {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          it(`op(A)·op(B) with transA=${transA}, transB=${transB}, offsets and padded leading dimensions`, () => {
            // Stored as Aᵀ [3,2] / Bᵀ [2,3] when transposed; the padding is NaN, so reading it shows.
            const aStored = transA ? transpose(A) : A;
            const bStored = transB ? transpose(B) : B;
            const lda = aStored[0]!.length + 2;
            const ldb = bStored[0]!.length + 1;
            const a = embed(dtype, aStored, 3, lda, Number.NaN);
            const b = embed(dtype, bStored, 1, ldb, Number.NaN);
            const c = embed(
              dtype,
              [
                [1, 1],
                [1, 1],
              ],
              2,
              3,
              SENTINEL,
            );
            K.gemm(transA, transB, 2, 2, 3, 2, a, 3, lda, b, 1, ldb, 0.5, c, 2, 3);
            // C = 2·AB + 0.5·1
            expect(extract(c, 2, 2, 2, 3, SENTINEL)).toEqual([
              [116.5, 128.5],
              [278.5, 308.5],
            ]);
          });
        }
      }

      it('beta = 0 ignores NaN garbage in C', () => {
        const a = embed(dtype, A, 0, 3, Number.NaN);
        const b = embed(dtype, B, 0, 2, Number.NaN);
        const c = embed(
          dtype,
          [
            [Number.NaN, Number.NaN],
            [Number.NaN, Number.NaN],
          ],
          1,
          2,
          SENTINEL,
        );
        K.gemm(false, false, 2, 2, 3, 1, a, 0, 3, b, 0, 2, 0, c, 1, 2);
        expect(extract(c, 2, 2, 1, 2, SENTINEL)).toEqual(AB);
      });

      it('beta = 1 accumulates into C', () => {
        const a = embed(dtype, A, 0, 3, Number.NaN);
        const b = embed(dtype, B, 0, 2, Number.NaN);
        const c = embed(
          dtype,
          [
            [1, 2],
            [3, 4],
          ],
          0,
          2,
          SENTINEL,
        );
        K.gemm(false, false, 2, 2, 3, -1, a, 0, 3, b, 0, 2, 1, c, 0, 2);
        expect(extract(c, 2, 2, 0, 2, SENTINEL)).toEqual([
          [-57, -62],
          [-136, -150],
        ]);
      });

      it('k = 0 scales C by beta (and beta = 0 zeroes it even when it held NaN)', () => {
        const empty = embed(dtype, [[]], 0, 0, Number.NaN);
        const c = embed(
          dtype,
          [
            [2, 4],
            [6, 8],
          ],
          0,
          2,
          SENTINEL,
        );
        K.gemm(false, false, 2, 2, 0, 1, empty, 0, 0, empty, 0, 2, 0.5, c, 0, 2);
        expect(extract(c, 2, 2, 0, 2, SENTINEL)).toEqual([
          [1, 2],
          [3, 4],
        ]);
        const nan = embed(dtype, [[Number.NaN, Number.NaN]], 0, 2, SENTINEL);
        K.gemm(false, false, 1, 2, 0, 1, empty, 0, 0, empty, 0, 2, 0, nan, 0, 2);
        expect(extract(nan, 1, 2, 0, 2, SENTINEL)).toEqual([[0, 0]]);
      });

      it('a single row times a matrix (m = 1), as a batch of one does', () => {
        const x = vector(dtype, [1, -1, 2], 0, Number.NaN);
        const b = embed(dtype, B, 0, 2, Number.NaN);
        const c = vector(dtype, [Number.NaN, Number.NaN], 0, SENTINEL);
        K.gemm(false, false, 1, 2, 3, 1, x, 0, 3, b, 0, 2, 0, c, 0, 2);
        expect(readVector(c, 2, 0, SENTINEL)).toEqual([7 - 9 + 22, 8 - 10 + 24]);
      });
    });

    describe('gemv', () => {
      it('y = alpha·A·x + beta·y with offsets and a padded leading dimension', () => {
        const a = embed(dtype, A, 2, 5, Number.NaN);
        const x = vector(dtype, [1, 0, -1], 1, Number.NaN);
        const y = vector(dtype, [10, 20], 2, SENTINEL);
        K.gemv(false, 2, 3, 3, a, 2, 5, x, 1, 0.5, y, 2);
        // A·x = [1 − 3, 4 − 6] = [−2, −2]
        expect(readVector(y, 2, 2, SENTINEL)).toEqual([-6 + 5, -6 + 10]);
      });

      it('y = alpha·Aᵀ·x + beta·y (y has n entries)', () => {
        const a = embed(dtype, A, 1, 4, Number.NaN);
        const x = vector(dtype, [1, 2], 0, Number.NaN);
        const y = vector(dtype, [1, 1, 1], 3, SENTINEL);
        K.gemv(true, 2, 3, -1, a, 1, 4, x, 0, 2, y, 3);
        // Aᵀ·x = [1 + 8, 2 + 10, 3 + 12] = [9, 12, 15]
        expect(readVector(y, 3, 3, SENTINEL)).toEqual([-7, -10, -13]);
      });

      for (const trans of [false, true]) {
        it(`beta = 0 ignores NaN garbage in y (trans=${trans})`, () => {
          const a = embed(dtype, A, 0, 3, Number.NaN);
          const x = vector(dtype, trans ? [1, 2] : [1, 0, -1], 0, Number.NaN);
          const n = trans ? 3 : 2;
          const y = vector(dtype, new Array<number>(n).fill(Number.NaN), 1, SENTINEL);
          K.gemv(trans, 2, 3, 1, a, 0, 3, x, 0, 0, y, 1);
          expect(readVector(y, n, 1, SENTINEL)).toEqual(trans ? [9, 12, 15] : [-2, -2]);
        });
      }
    });

    describe('ger', () => {
      it('A += alpha·x·yᵀ with offsets and a padded leading dimension', () => {
        const a = embed(
          dtype,
          [
            [1, 1, 1],
            [1, 1, 1],
          ],
          2,
          4,
          SENTINEL,
        );
        const x = vector(dtype, [1, 2], 1, Number.NaN);
        const y = vector(dtype, [3, 4, 5], 2, Number.NaN);
        K.ger(2, 3, 0.5, x, 1, y, 2, a, 2, 4);
        expect(extract(a, 2, 3, 2, 4, SENTINEL)).toEqual([
          [2.5, 3, 3.5],
          [4, 5, 6],
        ]);
      });
    });

    describe('tanh and sigmoid', () => {
      it('apply elementwise between offsets', () => {
        const x = vector(dtype, [0, 1, -1], 1, Number.NaN);
        const out = vector(dtype, [Number.NaN, Number.NaN, Number.NaN], 2, SENTINEL);
        K.tanh(3, x, 1, out, 2);
        readVector(out, 3, 2, SENTINEL).forEach((v, i) =>
          expectClose(v, Math.tanh([0, 1, -1][i]!), TOL[dtype].atol, TOL[dtype].rtol, `tanh[${i}]`),
        );
        K.sigmoid(3, x, 1, out, 2);
        readVector(out, 3, 2, SENTINEL).forEach((v, i) =>
          expectClose(
            v,
            [0.5, 1 / (1 + Math.exp(-1)), 1 / (1 + Math.exp(1))][i]!,
            TOL[dtype].atol,
            TOL[dtype].rtol,
            `sigmoid[${i}]`,
          ),
        );
      });

      it('work in place (out aliasing x)', () => {
        const x = vector(dtype, [0, 2], 0, SENTINEL);
        K.sigmoid(2, x, 0, x, 0);
        expectClose(x[0]!, 0.5, 0, 0, 'sigmoid(0)');
        expectClose(x[1]!, 1 / (1 + Math.exp(-2)), TOL[dtype].atol, TOL[dtype].rtol, 'sigmoid(2)');
      });
    });

    describe('softmaxCrossEntropy', () => {
      // Row 0: logits [0,0,0], target 1 → p = 1/3 each, loss ln 3.
      // Row 1: padded (target −1), logits NaN: no loss, zero gradient, logits never read.
      // Row 2: logits [0, ln 2, ln 5], target 2 → p = [1,2,5]/8, loss ln(8/5).
      // Row 3: logits [1e4, 0, 1e4], target 0 → p = [½, 0, ½], loss ln 2 (no overflow).
      const logitRows = [
        [0, 0, 0],
        [Number.NaN, Number.NaN, Number.NaN],
        [0, Math.log(2), Math.log(5)],
        [1e4, 0, 1e4],
      ];
      const targetValues = [1, -1, 2, 0];
      const scale = 0.25;
      const expectedLoss = Math.log(3) + Math.log(8 / 5) + Math.LN2;
      const expectedGrad = [
        [1 / 3, 1 / 3 - 1, 1 / 3],
        [0, 0, 0],
        [1 / 8, 2 / 8, 5 / 8 - 1],
        [0.5 - 1, 0, 0.5],
      ].map((row) => row.map((g) => scale * g));

      function check(got: number[][], loss: number): void {
        const { atol, rtol } = TOL[dtype];
        expectClose(loss, expectedLoss, atol, rtol, 'loss');
        got.forEach((row, r) =>
          row.forEach((g, j) => expectClose(g, expectedGrad[r]![j]!, atol, rtol, `dLogits[${r}][${j}]`)),
        );
      }

      it('returns Σ −ln softmax[target] (unscaled) and writes scale·(softmax − onehot), with offsets', () => {
        const logits = embed(dtype, logitRows, 2, 3, Number.NaN);
        const targets = new Int32Array([9, 9, 9, ...targetValues]);
        const dLogits = embed(
          dtype,
          logitRows.map((row) => row.map(() => Number.NaN)),
          1,
          3,
          SENTINEL,
        );
        const loss = K.softmaxCrossEntropy(4, 3, logits, 2, targets, 3, scale, dLogits, 1);
        check(extract(dLogits, 4, 3, 1, 3, SENTINEL), loss);
      });

      it('works in place (dLogits aliasing logits)', () => {
        const logits = embed(dtype, logitRows, 0, 3, SENTINEL);
        const loss = K.softmaxCrossEntropy(4, 3, logits, 0, Int32Array.from(targetValues), 0, scale, logits, 0);
        check(extract(logits, 4, 3, 0, 3, SENTINEL), loss);
      });

      it('an all-padded batch has zero loss and zero gradient', () => {
        const logits = embed(
          dtype,
          [
            [1, 2],
            [3, 4],
          ],
          0,
          2,
          SENTINEL,
        );
        const dLogits = embed(
          dtype,
          [
            [Number.NaN, Number.NaN],
            [Number.NaN, Number.NaN],
          ],
          0,
          2,
          SENTINEL,
        );
        expect(K.softmaxCrossEntropy(2, 2, logits, 0, new Int32Array([-1, -1]), 0, 1, dLogits, 0)).toBe(0);
        expect(extract(dLogits, 2, 2, 0, 2, SENTINEL)).toEqual([
          [0, 0],
          [0, 0],
        ]);
      });
    });
  });
}

describe('the padding checks themselves', () => {
  it('notice a write into padding and a read of NaN padding', () => {
    const c = embed('f64', [[1, 2]], 1, 3, SENTINEL);
    c[0] = 5;
    expect(() => extract(c, 1, 2, 1, 3, SENTINEL)).toThrow(/padding \[0\] was written: 5/);
    // A wrong leading dimension (3 instead of 4) reads NaN padding and writes outside the matrix.
    const a = embed(
      'f64',
      [
        [1, 1, 1],
        [1, 1, 1],
      ],
      0,
      4,
      Number.NaN,
    );
    const x = vector('f64', [1, 1, 1], 0, Number.NaN);
    const y = vector('f64', [0, 0], 0, SENTINEL);
    K.gemv(false, 2, 3, 1, a, 0, 3, x, 0, 0, y, 0);
    expect(readVector(y, 2, 0, SENTINEL)[1]).toBeNaN();
  });
});
