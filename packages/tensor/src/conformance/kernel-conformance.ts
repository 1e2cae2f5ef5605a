// One conformance suite, run against every kernel backend (tfjs run_tests style): each backend's
// package runs it from its own spec, `describeKernelConformance(vitest, [{ label, kernels }])`.
// Expected values come from plain float64 loops here, or, for the fused model kernels, from the
// reference kernels (which are never compared with themselves: their own specs check them against
// closed forms). Tolerances scale with the magnitude Σ|a||b| of each sum. The test framework is
// injected (describe, it, expect, beforeAll), so the package depends on none.

import { allocate, type Dtype, type FloatArray } from '../dtype.js';
import { completeKernels } from '../kernels/complete.js';
import type { Kernels } from '../kernels/kernels.js';
import { rnnBackwardStepsWith, rnnForwardStepsWith } from '../kernels/recurrence.js';
import { referenceKernels } from '../kernels/reference.js';
import { rnnWindowBackwardWith, rnnWindowForwardWith } from '../kernels/rnn-window.js';
import { Prng } from '../prng.js';
import { checkPackedAgainstGemm, checkPackedErrors, checkRepacking } from './packed-conformance.js';
import { describeTableConformance } from './table-conformance.js';
import type { ConformanceBackend, TestApi } from './suite-api.js';

export const TOL: Record<Dtype, { atol: number; rtol: number }> = {
  f32: { atol: 1e-5, rtol: 1e-4 },
  f64: { atol: 1e-12, rtol: 1e-12 },
};

/** Arrays from the backend's own allocator (views into wasm memory) or the JS heap (fallback path). */
export type Source = 'alloc' | 'heap';

export function makeArray(kernels: Kernels, source: Source, dtype: Dtype, values: ArrayLike<number>): FloatArray {
  const arr = source === 'alloc' ? kernels.alloc(dtype, values.length) : allocate(dtype, values.length);
  arr.set(values);
  return arr;
}

/** The transpose of a dense n×n matrix. */
function transposed(n: number, values: number[]): number[] {
  return values.map((_, i) => values[(i % n) * n + Math.floor(i / n)]!);
}

export function randomValues(prng: Prng, length: number): number[] {
  return Array.from({ length }, () => prng.uniformIn(-1, 1));
}

/** Rounds through the dtype, so expected values start from the numbers the kernel sees. */
export function rounded(dtype: Dtype, values: number[]): number[] {
  return Array.from(dtype === 'f32' ? Float32Array.from(values) : Float64Array.from(values));
}

export function expectClose(dtype: Dtype, got: number, expected: number, magnitude: number, where: string): void {
  const { atol, rtol } = TOL[dtype];
  const bound = atol + rtol * Math.max(magnitude, Math.abs(expected));
  if (!(Math.abs(got - expected) <= bound)) {
    throw new Error(`${where}: got ${got}, expected ${expected} (|diff| ${Math.abs(got - expected)} > ${bound})`);
  }
}

/** Matrix shapes (rows, columns) for gemv and transpose: empty, square, ragged, past a SIMD tile. */
const MATRIX_SHAPES: readonly (readonly [number, number])[] = [
  [1, 1],
  [0, 3],
  [3, 0],
  [4, 4],
  [5, 7],
  [8, 3],
  [13, 17],
  [100, 100],
  [37, 64],
];

const GEMM_SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 1, 0],
  [3, 5, 0],
  [0, 4, 3],
  [4, 0, 2],
  [4, 8, 3],
  [5, 9, 7],
  [7, 3, 11],
  [2, 13, 5],
  [9, 17, 1],
  [16, 16, 16],
  [13, 33, 20],
  [33, 7, 40],
  [21, 100, 13],
  // wasm paths: B strips packed (m ≥ 64), a long-rowed transposed A copied (m·bytes ≥ 2048), k cut in blocks (k > 512)
  [67, 21, 9],
  [521, 10, 3],
  [66, 12, 530],
];

/** Registers the conformance suites of each backend with the test framework `t`. */
export function describeKernelConformance(t: TestApi, backends: readonly ConformanceBackend[]): void {
  const { describe, it, expect, beforeAll } = t;
  for (const { label: backendLabel, kernels, ready } of backends) {
    describe(`kernel conformance: ${backendLabel}`, () => {
      if (ready) beforeAll(ready);
      for (const dtype of ['f32', 'f64'] as const) {
        for (const source of ['alloc', 'heap'] as const) {
          const label = `${dtype}, ${source} arrays`;

          it(`gemmPacked gives gemm's bits on the B packB read, and packing again reads a changed B (${label})`, () => {
            const complete = completeKernels(kernels);
            checkPackedAgainstGemm(complete, dtype, source, expect);
            checkRepacking(complete, dtype, source, expect);
            if (source === 'alloc') checkPackedErrors(complete, dtype, expect);
          });

          it(`gemm matches float64 loops for all transposes, offsets, alphas and betas (${label})`, () => {
            const prng = new Prng(11);
            for (const [m, n, k] of GEMM_SHAPES) {
              for (const transA of [false, true]) {
                for (const transB of [false, true]) {
                  const beta = [0, 1, 0.3, -2][prng.int(4)]!;
                  const alpha = [1, -0.5, 2][prng.int(3)]!;
                  const [aRows, aCols] = transA ? [k, m] : [m, k];
                  const [bRows, bCols] = transB ? [n, k] : [k, n];
                  const lda = aCols + prng.int(3);
                  const ldb = bCols + prng.int(3);
                  const ldc = n + prng.int(3);
                  const aOff = prng.int(4);
                  const bOff = prng.int(4);
                  const cOff = prng.int(4);
                  const aVals = rounded(dtype, randomValues(prng, aOff + Math.max(0, aRows * lda)));
                  const bVals = rounded(dtype, randomValues(prng, bOff + Math.max(0, bRows * ldb)));
                  const cVals = rounded(dtype, randomValues(prng, cOff + m * ldc));
                  // beta = 0 must ignore C entirely, even NaN.
                  if (beta === 0) cVals.fill(Number.NaN);
                  const a = makeArray(kernels, source, dtype, aVals);
                  const b = makeArray(kernels, source, dtype, bVals);
                  const c = makeArray(kernels, source, dtype, cVals);
                  kernels.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                  for (let i = 0; i < m; i++) {
                    for (let j = 0; j < n; j++) {
                      let sum = 0;
                      let mag = 0;
                      for (let p = 0; p < k; p++) {
                        const aip = transA ? aVals[aOff + p * lda + i]! : aVals[aOff + i * lda + p]!;
                        const bpj = transB ? bVals[bOff + j * ldb + p]! : bVals[bOff + p * ldb + j]!;
                        sum += aip * bpj;
                        mag += Math.abs(aip * bpj);
                      }
                      const c0 = cVals[cOff + i * ldc + j]!;
                      const expected = alpha * sum + (beta === 0 ? 0 : beta * c0);
                      const magnitude = Math.abs(alpha) * mag + (beta === 0 ? 0 : Math.abs(beta * c0));
                      expectClose(
                        dtype,
                        c[cOff + i * ldc + j]!,
                        expected,
                        magnitude,
                        `gemm ${m}x${n}x${k} tA=${transA} tB=${transB} beta=${beta} C[${i},${j}]`,
                      );
                    }
                  }
                  // Entries outside the m×n block (padding columns, offset prefix) are untouched.
                  for (let idx = 0; idx < cOff; idx++)
                    expect(Object.is(c[idx], cVals[idx]) || (Number.isNaN(c[idx]!) && Number.isNaN(cVals[idx]!))).toBe(
                      true,
                    );
                }
              }
            }
          });

          it(`gemv matches float64 loops, both orientations (${label})`, () => {
            const prng = new Prng(12);
            for (const [m, n] of MATRIX_SHAPES) {
              for (const trans of [false, true]) {
                const beta = [0, 1, 0.3][prng.int(3)]!;
                const alpha = [1, -0.5, 2][prng.int(3)]!;
                const lda = n + prng.int(3);
                const aOff = prng.int(4);
                const xOff = prng.int(4);
                const yOff = prng.int(4);
                const xLen = trans ? m : n;
                const yLen = trans ? n : m;
                const aVals = rounded(dtype, randomValues(prng, aOff + m * lda));
                const xVals = rounded(dtype, randomValues(prng, xOff + xLen));
                const yVals = rounded(dtype, randomValues(prng, yOff + yLen));
                if (beta === 0) yVals.fill(Number.NaN, yOff);
                const a = makeArray(kernels, source, dtype, aVals);
                const x = makeArray(kernels, source, dtype, xVals);
                const y = makeArray(kernels, source, dtype, yVals);
                kernels.gemv(trans, m, n, alpha, a, aOff, lda, x, xOff, beta, y, yOff);
                for (let r = 0; r < yLen; r++) {
                  let sum = 0;
                  let mag = 0;
                  for (let p = 0; p < xLen; p++) {
                    const arp = trans ? aVals[aOff + p * lda + r]! : aVals[aOff + r * lda + p]!;
                    sum += arp * xVals[xOff + p]!;
                    mag += Math.abs(arp * xVals[xOff + p]!);
                  }
                  const y0 = yVals[yOff + r]!;
                  const expected = alpha * sum + (beta === 0 ? 0 : beta * y0);
                  const magnitude = Math.abs(alpha) * mag + (beta === 0 ? 0 : Math.abs(beta * y0));
                  expectClose(
                    dtype,
                    y[yOff + r]!,
                    expected,
                    magnitude,
                    `gemv ${m}x${n} trans=${trans} beta=${beta} y[${r}]`,
                  );
                }
              }
            }
          });

          it(`ger accumulates the outer product (${label})`, () => {
            const prng = new Prng(13);
            for (const [m, n] of [
              [1, 1],
              [0, 2],
              [2, 0],
              [3, 5],
              [4, 8],
              [9, 13],
              [100, 100],
            ] as const) {
              const alpha = [1, -0.5, 2][prng.int(3)]!;
              const lda = n + prng.int(3);
              const aOff = prng.int(4);
              const xOff = prng.int(4);
              const yOff = prng.int(4);
              const aVals = rounded(dtype, randomValues(prng, aOff + m * lda));
              const xVals = rounded(dtype, randomValues(prng, xOff + m));
              const yVals = rounded(dtype, randomValues(prng, yOff + n));
              const a = makeArray(kernels, source, dtype, aVals);
              kernels.ger(
                m,
                n,
                alpha,
                makeArray(kernels, source, dtype, xVals),
                xOff,
                makeArray(kernels, source, dtype, yVals),
                yOff,
                a,
                aOff,
                lda,
              );
              for (let i = 0; i < m; i++) {
                for (let j = 0; j < lda; j++) {
                  const idx = aOff + i * lda + j;
                  const delta = j < n ? alpha * xVals[xOff + i]! * yVals[yOff + j]! : 0;
                  expectClose(
                    dtype,
                    a[idx]!,
                    aVals[idx]! + delta,
                    Math.abs(aVals[idx]!) + Math.abs(delta),
                    `ger ${m}x${n} A[${i},${j}]`,
                  );
                }
              }
            }
          });

          for (const op of ['tanh', 'sigmoid'] as const) {
            it(`${op} matches Math, in place and out of place, any length (${label})`, () => {
              const prng = new Prng(14);
              const exact = op === 'tanh' ? Math.tanh : (v: number) => 1 / (1 + Math.exp(-v));
              const special = [
                0, -0, 1e-8, -1e-8, 1e-4, 0.5, 0.624, 0.626, -0.7, 3, -9, 9.5, 20, -20, 50, -50, 100, -100, 700, -700,
              ];
              for (const n of [0, 1, 3, 4, 5, 8, 13, 37, special.length]) {
                const values = rounded(dtype, n === special.length ? special : randomValues(prng, n).map((v) => v * 8));
                const xOff = prng.int(4);
                const x = makeArray(kernels, source, dtype, [...new Array<number>(xOff).fill(0), ...values]);
                const out = makeArray(kernels, source, dtype, new Array<number>(n + 2).fill(7));
                kernels[op](n, x, xOff, out, 1);
                for (let i = 0; i < n; i++)
                  expectClose(dtype, out[1 + i]!, exact(values[i]!), 0, `${op}(${values[i]})`);
                expect(out[0]).toBe(7);
                expect(out[n + 1]).toBe(7);
                kernels[op](n, x, xOff, x, xOff);
                for (let i = 0; i < n; i++) expect(x[xOff + i]).toBe(out[1 + i]);
              }
            });
          }

          it(`transpose swaps rows and columns, any shape and offset (${label})`, () => {
            const prng = new Prng(16);
            for (const [rows, cols] of MATRIX_SHAPES) {
              const ld = cols + prng.int(3);
              const srcOff = prng.int(4);
              const dstOff = prng.int(4);
              const sVals = rounded(dtype, randomValues(prng, srcOff + rows * ld));
              const dst = makeArray(kernels, source, dtype, new Array<number>(dstOff + rows * cols + 1).fill(7));
              kernels.transpose!(rows, cols, makeArray(kernels, source, dtype, sVals), srcOff, ld, dst, dstOff);
              for (let r = 0; r < rows; r++) {
                for (let q = 0; q < cols; q++) expect(dst[dstOff + q * rows + r]).toBe(sVals[srcOff + r * ld + q]);
              }
              expect(dst[dstOff + rows * cols]).toBe(7);
              if (dstOff > 0) expect(dst[dstOff - 1]).toBe(7);
            }
          });

          it(`absMax, scaledSumOfSquares and clamp match float64 loops, NaN included (${label})`, () => {
            const prng = new Prng(17);
            for (const n of [0, 1, 3, 4, 5, 8, 13, 37, 100, 1001]) {
              const off = prng.int(4);
              const vals = rounded(dtype, [
                ...new Array<number>(off).fill(99),
                ...randomValues(prng, n).map((v) => v * 8),
              ]);
              const x = makeArray(kernels, source, dtype, vals);
              const body = vals.slice(off);
              const max = body.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
              expect(kernels.absMax!(n, x, off)).toBe(max);
              if (n > 0) {
                const expected = body.reduce((acc, v) => acc + (v / max) ** 2, 0);
                expectClose(
                  dtype === 'f32' ? 'f64' : dtype,
                  kernels.scaledSumOfSquares!(n, x, off, max),
                  expected,
                  expected,
                  `scaledSumOfSquares n=${n}`,
                );
              }
              const limit = 3;
              const changed = kernels.clamp!(n, x, off, limit);
              expect(changed).toBe(body.filter((v) => Math.abs(v) > limit).length);
              for (let i = 0; i < n; i++) expect(x[off + i]).toBe(Math.min(limit, Math.max(-limit, body[i]!)));
              for (let i = 0; i < off; i++) expect(x[i]).toBe(99);
              if (n > 0) {
                x[off + n - 1] = Number.NaN;
                expect(kernels.absMax!(n, x, off)).toBeNaN();
                // and at the front (inside a SIMD backend's main loop rather than its tail)
                const front = makeArray(kernels, source, dtype, vals);
                front[off] = Number.NaN;
                expect(kernels.absMax!(n, front, off)).toBeNaN();
                kernels.clamp!(n, x, off, limit);
                expect(x[off + n - 1]).toBeNaN();
              }
            }
          });

          it(`adagrad matches the seed's update (${label})`, () => {
            const prng = new Prng(18);
            for (const n of [0, 1, 3, 4, 5, 13, 100, 257]) {
              const v0 = rounded(dtype, randomValues(prng, n));
              const g0 = rounded(
                dtype,
                randomValues(prng, n).map((v) => v * 5),
              );
              const m0 = rounded(
                dtype,
                randomValues(prng, n).map((v) => Math.abs(v) * (prng.int(2) === 0 ? 0 : 2)),
              );
              const value = makeArray(kernels, source, dtype, v0);
              const mem = makeArray(kernels, source, dtype, m0);
              kernels.adagrad!(n, value, makeArray(kernels, source, dtype, g0), mem, 0.1, 1e-8);
              for (let i = 0; i < n; i++) {
                const m = m0[i]! + g0[i]! * g0[i]!;
                expectClose(dtype, mem[i]!, m, m, `adagrad mem[${i}]`);
                const v = v0[i]! - (0.1 * g0[i]!) / Math.sqrt(m + 1e-8);
                expectClose(dtype, value[i]!, v, Math.abs(v0[i]!) + Math.abs(v - v0[i]!), `adagrad value[${i}]`);
              }
            }
          });

          // A float32-only kernel: the case exists only where the backend has it (nothing to skip elsewhere).
          if (dtype === 'f32' && typeof kernels.absMaxAndSumOfSquares === 'function')
            it(`absMaxAndSumOfSquares gives max |x| and Σx², and scaledSumOfSquares' sum bit for bit (${label})`, () => {
              const prng = new Prng(26);
              for (const n of [0, 1, 3, 4, 7, 8, 9, 31, 1000]) {
                const off = prng.int(4);
                const values = rounded(
                  'f32',
                  randomValues(prng, off + n).map((v) => v * 3),
                );
                const x = makeArray(kernels, source, 'f32', values) as Float32Array;
                const out = new Float64Array(2);
                kernels.absMaxAndSumOfSquares!(n, x, off, out);
                // The values from float64 loops over the entries, not from the backend's own kernels.
                let max = 0;
                let sumSq = 0;
                for (let i = 0; i < n; i++) {
                  max = Math.max(max, Math.abs(values[off + i]!));
                  sumSq += values[off + i]! * values[off + i]!;
                }
                expect(out[0]).toBe(max);
                expectClose('f32', out[1]!, sumSq, sumSq, `Σx² n=${n}`);
                // The documented contract with scaledSumOfSquares: exact for the backend's own arrays
                // (others take the reference loops, equal within rounding).
                const sss = max > 0 ? kernels.scaledSumOfSquares!(n, x, off, max) : 0;
                if (max > 0 && source === 'alloc') expect(out[1]! / (max * max)).toBe(sss);
                if (max > 0) expectClose('f32', out[1]! / (max * max), sss, sss, `Σx² n=${n}`);
                if (n > 2) {
                  x[off + n - 1] = Number.NaN;
                  kernels.absMaxAndSumOfSquares!(n, x, off, out);
                  expect(out[0]).toBeNaN();
                }
              }
            });

          // Runs of zero gradients (the one-hot input's unused columns), which a fast backend may skip.
          // Closed form for g = 0: mem stays mem, and value − lr·0/√(mem + eps) is value itself (−0
          // included) unless mem + eps is 0, where 0/0 makes it NaN.
          it(`adagrad leaves values with zero gradients as the closed form says, bit for bit (${label})`, () => {
            const prng = new Prng(19);
            for (const n of [4, 9, 64, 130]) {
              const v0 = rounded(dtype, randomValues(prng, n));
              v0[0] = -0;
              const g0 = rounded(dtype, randomValues(prng, n)).map((g, i) => (Math.floor(i / 4) % 3 === 0 ? g : 0));
              const m0 = rounded(dtype, randomValues(prng, n).map(Math.abs));
              for (const [lr, eps, mZero] of [
                [0.1, 1e-8, false],
                [0.1, 0, true],
              ] as const) {
                const memStart = mZero ? m0.map(() => 0) : m0;
                const [value, mem] = [v0, memStart].map((v) => makeArray(kernels, source, dtype, v));
                kernels.adagrad!(n, value!, makeArray(kernels, source, dtype, g0), mem!, lr, eps);
                for (let i = 0; i < n; i++) {
                  if (g0[i] !== 0) continue;
                  const expected = memStart[i]! + eps === 0 ? Number.NaN : v0[i]!;
                  expect(Object.is(value![i], expected), `value[${i}] ${value![i]} vs ${expected}`).toBe(true);
                  expect(Object.is(mem![i], memStart[i]), `mem[${i}] ${mem![i]} vs ${memStart[i]}`).toBe(true);
                }
              }
            }
          });

          it(`softmaxCrossEntropy gives loss and scaled gradient, skipping target −1 rows (${label})`, () => {
            const prng = new Prng(15);
            for (const [rows, cols] of [
              [1, 1],
              [1, 5],
              [3, 4],
              [4, 65],
              [7, 13],
              [2, 100],
            ] as const) {
              for (const alias of [false, true]) {
                const logitsOff = prng.int(4);
                const targetsOff = prng.int(3);
                const outOff = alias ? logitsOff : prng.int(4);
                const scale = [1, 1 / rows, 0.25][prng.int(3)]!;
                const lVals = rounded(dtype, [
                  ...new Array<number>(logitsOff).fill(0),
                  ...randomValues(prng, rows * cols).map((v) => v * 10),
                ]);
                const targets = new Int32Array(targetsOff + rows);
                for (let r = 0; r < rows; r++) targets[targetsOff + r] = r === 1 ? -1 : prng.int(cols);
                const logits = makeArray(kernels, source, dtype, lVals);
                const d = alias
                  ? logits
                  : makeArray(kernels, source, dtype, new Array<number>(outOff + rows * cols).fill(Number.NaN));
                const loss = kernels.softmaxCrossEntropy(
                  rows,
                  cols,
                  logits,
                  logitsOff,
                  targets,
                  targetsOff,
                  scale,
                  d,
                  outOff,
                );
                let expectedLoss = 0;
                for (let r = 0; r < rows; r++) {
                  const row = lVals.slice(logitsOff + r * cols, logitsOff + (r + 1) * cols);
                  const t = targets[targetsOff + r]!;
                  const max = Math.max(...row);
                  const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max;
                  if (t >= 0) expectedLoss += logSum - row[t]!;
                  for (let j = 0; j < cols; j++) {
                    const expected = t < 0 ? 0 : scale * (Math.exp(row[j]! - logSum) - (j === t ? 1 : 0));
                    expectClose(
                      dtype,
                      d[outOff + r * cols + j]!,
                      expected,
                      Math.abs(scale),
                      `dLogits[${r},${j}] ${rows}x${cols}`,
                    );
                  }
                }
                expectClose(dtype, loss, expectedLoss, rows * 20, `loss ${rows}x${cols}`);
              }
            }
          });

          // The model's fused elementwise operations: each must reproduce the reference loop (the
          // model's former JS code) on the same inputs, for odd sizes and offsets. The reference
          // kernels are never compared with themselves: ../reference-fused-kernels.spec.ts checks
          // them against closed forms and central differences.
          if (kernels === referenceKernels) continue;
          /** The values as this backend's arrays, rounded to the dtype. */
          const backendArrays = (inputs: number[][]): FloatArray[] =>
            inputs.map((v) => makeArray(kernels, source, dtype, rounded(dtype, v)));
          const compareWithReference = (
            what: string,
            inputs: number[][],
            run: (k: Kernels, arrays: FloatArray[]) => void,
          ): void => {
            const mine = backendArrays(inputs);
            const ref = inputs.map((v) => {
              const arr = allocate(dtype, v.length);
              arr.set(rounded(dtype, v));
              return arr;
            });
            run(kernels, mine);
            run(referenceKernels, ref);
            mine.forEach((arr, a) => {
              for (let i = 0; i < arr.length; i++) {
                expectClose(dtype, arr[i]!, ref[a]![i]!, Math.abs(ref[a]![i]!), `${what} array ${a} [${i}]`);
              }
            });
          };
          const ELEMENTWISE_SHAPES: [number, number][] = [
            [1, 1],
            [0, 3],
            [3, 0],
            [1, 5],
            [3, 4],
            [4, 8],
            [7, 13],
            [2, 37],
            [5, 64],
          ];

          it(`gatherRows and scatterAddRows match the reference, ids repeated (${label})`, () => {
            const prng = new Prng(19);
            for (const [rows, cols] of ELEMENTWISE_SHAPES) {
              const tableRows = 1 + prng.int(6);
              const idsOff = prng.int(3);
              const ids = Int32Array.from({ length: idsOff + rows }, () => prng.int(tableRows));
              const off = prng.int(4);
              compareWithReference(
                `gatherRows ${rows}x${cols}`,
                [
                  randomValues(prng, tableRows * cols),
                  randomValues(prng, cols),
                  randomValues(prng, off + rows * cols + 1),
                ],
                (k, [table, bias, out]) => k.gatherRows!(rows, cols, table!, tableRows, ids, idsOff, bias!, out!, off),
              );
              compareWithReference(
                `scatterAddRows ${rows}x${cols}`,
                [randomValues(prng, off + rows * cols), randomValues(prng, tableRows * cols)],
                (k, [src, table]) => k.scatterAddRows!(rows, cols, src!, off, ids, idsOff, table!, tableRows),
              );
            }
          });

          it(`gatherRows and scatterAddRows refuse ids outside the table (${label})`, () => {
            // (Fast backends only, as all cases from here on: the reference trusts its caller, the model checks inputs.)
            const table = kernels.alloc(dtype, 6);
            const out = kernels.alloc(dtype, 6);
            expect(() =>
              kernels.gatherRows!(2, 3, table, 2, Int32Array.of(0, 2), 0, kernels.alloc(dtype, 3), out, 0),
            ).toThrow(RangeError);
            expect(() => kernels.scatterAddRows!(2, 3, out, 0, Int32Array.of(-1, 0), 0, table, 2)).toThrow(RangeError);
          });

          it(`addRowVector, columnSums and tanhBackward match the reference (${label})`, () => {
            const prng = new Prng(20);
            for (const [rows, cols] of ELEMENTWISE_SHAPES) {
              const off = prng.int(4);
              compareWithReference(
                `addRowVector ${rows}x${cols}`,
                [randomValues(prng, off + rows * cols + 1), randomValues(prng, cols)],
                (k, [m, v]) => k.addRowVector!(rows, cols, m!, off, v!),
              );
              compareWithReference(
                `columnSums ${rows}x${cols}`,
                [randomValues(prng, off + rows * cols), randomValues(prng, cols + 1)],
                (k, [m, out]) => k.columnSums!(rows, cols, m!, off, out!),
              );
              const n = rows * cols;
              const [o1, o2, o3] = [prng.int(4), prng.int(4), prng.int(4)];
              compareWithReference(
                `tanhBackward n=${n}`,
                [
                  randomValues(prng, off + n),
                  randomValues(prng, o1 + n),
                  randomValues(prng, o2 + n),
                  randomValues(prng, o3 + n + 1),
                ],
                (k, [a, b, y, out]) => k.tanhBackward!(n, a!, off, b!, o1, y!, o2, out!, o3),
              );
            }
          });

          // Whole recurrences: within tolerance of the reference, and bit-identical to the loop of this
          // backend's own per-step calls (a fused kernel must not change results, only their cost).
          it(`rnnForwardSteps and rnnBackwardSteps match the reference and the per-step calls exactly (${label})`, () => {
            const prng = new Prng(24);
            const SHAPES: [number, number, number][] = [
              [1, 1, 1],
              [0, 2, 3],
              [3, 1, 5],
              [4, 3, 7],
              [5, 4, 8],
              [2, 5, 13],
              [7, 1, 37],
              [25, 1, 100],
              [3, 2, 64],
            ];
            for (const [steps, B, H] of SHAPES) {
              const [xOff, hOff, dOff, gOff] = [prng.int(4), prng.int(4), prng.int(4), prng.int(4)];
              const block = B * H;
              const scaleW = 1.5 / Math.sqrt(H);
              const xw = randomValues(prng, xOff + steps * block);
              const whhT = randomValues(prng, H * H).map((v) => v * scaleW);
              const hs = randomValues(prng, hOff + (steps + 1) * block + 1);
              const whh = randomValues(prng, H * H).map((v) => v * scaleW);
              const dOut = randomValues(prng, dOff + steps * block);
              const dh = randomValues(prng, block);
              const dXw = randomValues(prng, gOff + steps * block + 1);
              const whhOfT = transposed(H, whhT);
              const whhTOf = transposed(H, whh);
              // The arguments over one set of arrays, for the kernel under test and for the per-step path.
              const forwardArgs = ([x, w, wT, h]: FloatArray[]) => ({
                steps,
                B,
                H,
                xw: x!,
                xwOff: xOff,
                weightHh: w!,
                weightHhT: wT!,
                hs: h!,
                hsOff: hOff,
              });
              const forward = (k: Kernels, arrays: FloatArray[]): void => k.rnnForwardSteps!(forwardArgs(arrays));
              compareWithReference(`rnnForwardSteps ${steps}x${B}x${H}`, [xw, whhOfT, whhT, hs], forward);
              const backwardArgs = ([d, h, w, wT, carry, out]: FloatArray[]) => ({
                steps,
                B,
                H,
                dOut: d!,
                dOutOff: dOff,
                hs: h!,
                hsOff: hOff,
                weightHh: w!,
                weightHhT: wT!,
                dh: carry!,
                dXw: out!,
                dXwOff: gOff,
              });
              const backward = (k: Kernels, arrays: FloatArray[]): void => k.rnnBackwardSteps!(backwardArgs(arrays));
              compareWithReference(
                `rnnBackwardSteps ${steps}x${B}x${H}`,
                [dOut, hs.map(Math.tanh), whh, whhTOf, dh, dXw],
                backward,
              );
              // The same two runs through the backend's own per-step calls: equal to the last bit.
              const own = completeKernels(kernels);
              const inputs = [xw, whhOfT, whhT, hs];
              const [fused, stepped] = [backendArrays(inputs), backendArrays(inputs)];
              forward(kernels, fused);
              rnnForwardStepsWith(own, forwardArgs(stepped));
              expect(Array.from(fused[3]!)).toEqual(Array.from(stepped[3]!));
              const inputsB = [dOut, hs.map(Math.tanh), whh, whhTOf, dh, dXw];
              const [fusedB, steppedB] = [backendArrays(inputsB), backendArrays(inputsB)];
              backward(kernels, fusedB);
              rnnBackwardStepsWith(own, backwardArgs(steppedB));
              expect(Array.from(fusedB[4]!)).toEqual(Array.from(steppedB[4]!));
              expect(Array.from(fusedB[5]!)).toEqual(Array.from(steppedB[5]!));
            }
          });

          // A first layer's whole window: within tolerance of the reference, and bit-identical to the
          // calls it fuses (this backend's own transpose, recurrence and column sums).
          it(`rnnWindowForward and rnnWindowBackward match the reference and the separate calls exactly (${label})`, () => {
            const prng = new Prng(25);
            const SHAPES: [number, number, number, number][] = [
              [1, 1, 1, 1],
              [0, 1, 3, 4],
              [3, 1, 5, 2],
              [4, 3, 7, 9],
              [5, 4, 8, 6],
              [7, 1, 37, 11],
              [25, 1, 100, 65],
              [3, 2, 64, 30],
            ];
            for (const [steps, B, H, V] of SHAPES) {
              const n = steps * B;
              const scaleW = 1.5 / Math.sqrt(H);
              const ids = Int32Array.from({ length: n + 2 }, () => prng.int(V));
              const idsOff = prng.int(3);
              const inputs = [
                randomValues(prng, H * V), // W_ih
                randomValues(prng, H), // bias
                randomValues(prng, H * H).map((v) => v * scaleW), // W_hh
                randomValues(prng, H * H), // W_hhᵀ (overwritten)
                randomValues(prng, n * H), // xw (overwritten)
                randomValues(prng, (n + B) * H), // hs (block 0 read)
              ];
              // The arguments over one set of arrays, for the kernel under test and for the unfused path.
              const forwardArgs = ([wih, bias, whh, whhT, xw, hs]: FloatArray[]) => ({
                steps,
                B,
                H,
                V,
                ids,
                idsOff,
                weightIh: wih!,
                bias: bias!,
                weightHh: whh!,
                weightHhT: whhT!,
                xw: xw!,
                hs: hs!,
              });
              const forward = (k: Kernels, arrays: FloatArray[]): void => k.rnnWindowForward!(forwardArgs(arrays));
              compareWithReference(`rnnWindowForward ${steps}x${B}x${H}x${V}`, inputs, forward);
              const grads = [
                randomValues(prng, n * H), // dOut
                randomValues(prng, (n + B) * H).map(Math.tanh), // hs
                inputs[2]!, // W_hh
                transposed(H, inputs[2]!), // W_hhᵀ
                randomValues(prng, B * H), // dh (zeroed, then the carry)
                randomValues(prng, n * H), // dXw
                randomValues(prng, H * V), // W_ih.grad
                randomValues(prng, H), // b_ih.grad
                randomValues(prng, H), // b_hh.grad
              ];
              const backwardArgs = ([dOut, hs, whh, whhT, dh, dXw, gIh, gBi, gBh]: FloatArray[]) => ({
                steps,
                B,
                H,
                V,
                dOut: dOut!,
                hs: hs!,
                weightHh: whh!,
                weightHhT: whhT!,
                dh: dh!,
                dXw: dXw!,
                ids,
                idsOff,
                weightIhGrad: gIh!,
                biasIhGrad: gBi!,
                biasHhGrad: gBh!,
              });
              const backward = (k: Kernels, arrays: FloatArray[]): void => k.rnnWindowBackward!(backwardArgs(arrays));
              compareWithReference(`rnnWindowBackward ${steps}x${B}x${H}x${V}`, grads, backward);
              // The fused kernels against the unfused path over the same kernels' own pieces, bit for bit.
              const own = completeKernels(kernels);
              const [fused, apart] = [backendArrays(inputs), backendArrays(inputs)];
              forward(kernels, fused);
              rnnWindowForwardWith(own, forwardArgs(apart));
              fused.forEach((arr, a) => expect(Array.from(arr)).toEqual(Array.from(apart[a]!)));
              const [fusedB, apartB] = [backendArrays(grads), backendArrays(grads)];
              backward(kernels, fusedB);
              rnnWindowBackwardWith(own, backwardArgs(apartB));
              fusedB.forEach((arr, a) => expect(Array.from(arr)).toEqual(Array.from(apartB[a]!)));
            }
          });

          it(`rnnWindowForward refuses an id outside [0, V) (${label})`, () => {
            const [steps, B, H, V] = [2, 1, 4, 3];
            const arrays = [H * V, H, H * H, H * H, steps * H, (steps + 1) * H].map((len) =>
              makeArray(kernels, source, dtype, new Array<number>(len).fill(0.5)),
            );
            const [wih, bias, whh, whhT, xw, hs] = arrays;
            expect(() =>
              kernels.rnnWindowForward!({
                steps,
                B,
                H,
                V,
                ids: Int32Array.of(0, 3),
                idsOff: 0,
                weightIh: wih!,
                bias: bias!,
                weightHh: whh!,
                weightHhT: whhT!,
                xw: xw!,
                hs: hs!,
              }),
            ).toThrow(RangeError);
          });

          it(`lstmForward and lstmBackward match the reference (${label})`, () => {
            const prng = new Prng(21);
            for (const [rows, H] of ELEMENTWISE_SHAPES) {
              const [gOff, cPrevOff, tOff, hOff] = [prng.int(4), prng.int(4), prng.int(4), prng.int(4)];
              const cOff = cPrevOff + rows * H + prng.int(2);
              const pre = randomValues(prng, gOff + rows * 4 * H).map((v) => v * 6);
              compareWithReference(
                `lstmForward ${rows}x${H}`,
                [
                  pre,
                  randomValues(prng, cOff + rows * H + 1),
                  randomValues(prng, tOff + rows * H),
                  randomValues(prng, hOff + rows * H),
                ],
                (k, [gates, c, tanhC, h]) =>
                  k.lstmForward!({
                    rows,
                    H,
                    gates: gates!,
                    gatesOff: gOff,
                    c: c!,
                    cPrevOff,
                    cOff,
                    tanhC: tanhC!,
                    tanhCOff: tOff,
                    h: h!,
                    hOff,
                  }),
              );
              const acts = randomValues(prng, gOff + rows * 4 * H).map((v) => (v + 1) / 2);
              const dOff = prng.int(4);
              compareWithReference(
                `lstmBackward ${rows}x${H}`,
                [
                  acts,
                  randomValues(prng, cPrevOff + rows * H),
                  randomValues(prng, tOff + rows * H),
                  randomValues(prng, hOff + rows * H),
                  randomValues(prng, rows * H),
                  randomValues(prng, rows * H),
                  randomValues(prng, dOff + rows * 4 * H + 1),
                ],
                (k, [gates, cPrev, tanhC, dOut, dh, dc, dGates]) =>
                  k.lstmBackward!({
                    rows,
                    H,
                    gates: gates!,
                    gatesOff: gOff,
                    cPrev: cPrev!,
                    cPrevOff,
                    tanhC: tanhC!,
                    tanhCOff: tOff,
                    dOut: dOut!,
                    dOutOff: hOff,
                    dhCarry: dh!,
                    dcCarry: dc!,
                    dGates: dGates!,
                    dGatesOff: dOff,
                  }),
              );
            }
          });

          it(`gruForward and gruBackward match the reference (${label})`, () => {
            const prng = new Prng(22);
            for (const [rows, H] of ELEMENTWISE_SHAPES) {
              const [xOff, gOff, nOff, pOff] = [prng.int(4), prng.int(4), prng.int(4), prng.int(4)];
              const hOff = pOff + rows * H + prng.int(2);
              compareWithReference(
                `gruForward ${rows}x${H}`,
                [
                  randomValues(prng, xOff + rows * 3 * H).map((v) => v * 4),
                  randomValues(prng, rows * 3 * H).map((v) => v * 4),
                  randomValues(prng, gOff + rows * 3 * H + 1),
                  randomValues(prng, nOff + rows * H),
                  randomValues(prng, hOff + rows * H + 1),
                ],
                (k, [xw, hProj, gates, hn, hs]) =>
                  k.gruForward!({
                    rows,
                    H,
                    xw: xw!,
                    xwOff: xOff,
                    hProj: hProj!,
                    gates: gates!,
                    gatesOff: gOff,
                    hn: hn!,
                    hnOff: nOff,
                    hPrev: hs!,
                    hPrevOff: pOff,
                    h: hs!,
                    hOff,
                  }),
              );
              const acts = randomValues(prng, gOff + rows * 3 * H).map((v) => (v + 1) / 2);
              const [dOff, xwOff, hwOff] = [prng.int(4), prng.int(4), prng.int(4)];
              compareWithReference(
                `gruBackward ${rows}x${H}`,
                [
                  acts,
                  randomValues(prng, pOff + rows * H),
                  randomValues(prng, nOff + rows * H),
                  randomValues(prng, dOff + rows * H),
                  randomValues(prng, rows * H),
                  randomValues(prng, xwOff + rows * 3 * H + 1),
                  randomValues(prng, hwOff + rows * 3 * H),
                ],
                (k, [gates, hPrev, hn, dOut, dh, dXw, dHw]) =>
                  k.gruBackward!({
                    rows,
                    H,
                    gates: gates!,
                    gatesOff: gOff,
                    hPrev: hPrev!,
                    hPrevOff: pOff,
                    hn: hn!,
                    hnOff: nOff,
                    dOut: dOut!,
                    dOutOff: dOff,
                    dhCarry: dh!,
                    dXw: dXw!,
                    dXwOff: xwOff,
                    dHw: dHw!,
                    dHwOff: hwOff,
                  }),
              );
            }
          });
        }
      }

      it('alloc returns zeroed arrays of the requested dtype and length', () => {
        for (const dtype of ['f32', 'f64'] as const) {
          const arr = kernels.alloc(dtype, 5);
          expect(arr).toBeInstanceOf(dtype === 'f32' ? Float32Array : Float64Array);
          expect(Array.from(arr)).toEqual([0, 0, 0, 0, 0]);
          expect(kernels.alloc(dtype, 0).length).toBe(0);
        }
        expect(() => kernels.alloc('f32', -1)).toThrow(RangeError);
      });
    });
  }
  describeTableConformance(t, backends);
}
