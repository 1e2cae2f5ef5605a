// The reference kernels' fused steps (row gather/scatter, bias rows, column sums, tanh backward,
// LSTM and GRU time steps, Adagrad) against closed forms worked out by hand, and each backward
// against float64 central differences of its own forward. kernels/conformance.spec.ts then holds
// every fast backend to these reference kernels; here they answer to nothing but arithmetic.

import { describe, expect, it } from 'vitest';
import { referenceKernels as K } from './kernels/reference.js';
import { Prng } from './prng.js';

const f64 = (values: number[]): Float64Array => Float64Array.from(values);

/** |a − e| ≤ atol + rtol·|e| for every entry, with the first failing index named. */
function expectAllClose(
  got: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol: number,
  what: string,
): void {
  expect(got.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const bound = atol + rtol * Math.abs(expected[i]!);
    if (!(Math.abs(got[i]! - expected[i]!) <= bound)) {
      expect.fail(
        `${what}[${i}]: got ${got[i]}, expected ${expected[i]} (|diff| ${Math.abs(got[i]! - expected[i]!)} > ${bound})`,
      );
    }
  }
}

const EXACT = { atol: 1e-12, rtol: 1e-10 };
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('packed operands on the reference kernels (hand-computed)', () => {
  it("packB only remembers op(B) ('source'); gemmPacked multiplies by it where it lies, read at call time", () => {
    // A = [[1, 2], [3, 4]]; B stored transposed as Bᵀ = [[5, 6], [7, 8]] at offset 1, so op(B) = [[5, 7], [6, 8]].
    const a = Float64Array.of(1, 2, 3, 4);
    const bT = Float64Array.of(0, 5, 6, 7, 8);
    const packed = K.allocPacked('f64', 2, 2, 2);
    expect(packed.layout).toBe('source');
    K.packB(true, 2, 2, bT, 1, 2, packed);
    const c = Float64Array.of(1, 1, 1, 1);
    K.gemmPacked(false, 2, 2, 2, 2, a, 0, 2, packed, 0.5, c, 0, 2);
    // 2·A·op(B) + 0.5·C: A·op(B) = [[17, 23], [39, 53]]
    expect(Array.from(c)).toEqual([34.5, 46.5, 78.5, 106.5]);
    bT[1] = 0; // op(B)[0][0] = 0: a 'source' operand reads B as it is now
    K.gemmPacked(false, 2, 2, 2, 1, a, 0, 2, packed, 0, c, 0, 2);
    expect(Array.from(c)).toEqual([12, 23, 24, 53]);
  });

  it('gemmPacked refuses an operand packB never filled, of another shape, or of another dtype', () => {
    const packed = K.allocPacked('f64', 2, 3, 2);
    const a = new Float64Array(6);
    const c = new Float64Array(4);
    expect(() => K.gemmPacked(false, 2, 2, 3, 1, a, 0, 3, packed, 0, c, 0, 2)).toThrow(
      'gemmPacked: the packed operand must be filled by packB first, got an empty one',
    );
    expect(() => K.packB(false, 2, 3, new Float64Array(6), 0, 3, packed)).toThrow(
      'packB: the packed operand must be [k, n] = [2, 3], got [3, 2]',
    );
    expect(() => K.packB(false, 3, 2, new Float32Array(6), 0, 2, packed)).toThrow(
      "packB: B must have the packed operand's dtype f64, got another",
    );
    expect(() => K.allocPacked('f64', 1, -1, 2)).toThrow(
      'allocPacked: dimensions must be non-negative integers, got -1',
    );
  });
});

describe('row and column kernels (hand-computed)', () => {
  it('gatherRows copies table rows by id and adds the bias, ids repeated, at an offset', () => {
    const table = f64([1, 2, 10, 20, 100, 200]); // [3, 2]
    const out = f64([-1, -1, -1, -1, -1, -1, -1, -1]);
    K.gatherRows(3, 2, table, 3, Int32Array.of(9, 2, 0, 2), 1, f64([0.5, -0.5]), out, 1);
    expect(Array.from(out)).toEqual([-1, 100.5, 199.5, 1.5, 1.5, 100.5, 199.5, -1]);
  });

  it('scatterAddRows adds source rows into the table rows their ids name, repeats accumulating', () => {
    const table = f64([0, 0, 1, 1, 0, 0]);
    K.scatterAddRows(3, 2, f64([9, 1, 2, 3, 4, 5, 6]), 1, Int32Array.of(1, 1, 2), 0, table, 3);
    expect(Array.from(table)).toEqual([0, 0, 1 + 1 + 3, 1 + 2 + 4, 5, 6]);
  });

  it('addRowVector adds v to every row; columnSums sums the rows (and overwrites its output)', () => {
    const m = f64([7, 1, 2, 3, 4, 5, 6]);
    K.addRowVector(2, 3, m, 1, f64([10, 20, 30]));
    expect(Array.from(m)).toEqual([7, 11, 22, 33, 14, 25, 36]);
    const sums = f64([99, 99, 99, 99]);
    K.columnSums(2, 3, m, 1, sums);
    expect(Array.from(sums)).toEqual([25, 47, 69, 99]);
  });

  it('tanhBackward gives (a + b)·(1 − y²)', () => {
    const out = f64([0, 0, 0]);
    K.tanhBackward(2, f64([1, 2]), 0, f64([3, 0.5, -1]), 1, f64([0.5, 0]), 0, out, 1);
    expect(Array.from(out)).toEqual([0, 1.5 * 0.75, 1]);
  });

  it("scaledAddTestOnly (the kernel table's proof) gives alpha·x + y per row, at offsets", () => {
    const out = f64([9, 9, 9, 9, 9, 9]);
    K.scaledAddTestOnly(2, 2, -2, f64([7, 1, 2, 3, 4]), 1, f64([10, 20]), out, 1);
    expect(Array.from(out)).toEqual([9, 10 - 2, 20 - 4, 10 - 6, 20 - 8, 9]);
  });

  it("adagrad: mem += g², value −= lr·g / √(mem + eps), from the seed's formula", () => {
    const value = f64([1, -2]);
    const mem = f64([0, 3]);
    K.adagrad(2, value, f64([2, -1]), mem, 0.5, 0);
    expect(Array.from(mem)).toEqual([4, 4]);
    expect(Array.from(value)).toEqual([1 - 0.5, -2 + 0.25]);
  });
});

describe('the LSTM step', () => {
  it('forward: closed form for one unit (i, f, g, o from the pre-activations)', () => {
    const pre = [0.3, -0.2, 0.7, 1.1];
    const gates = f64(pre);
    const c = f64([0.4, 0]);
    const tanhC = f64([0]);
    const h = f64([0]);
    K.lstmForward({ rows: 1, H: 1, gates, gatesOff: 0, c, cPrevOff: 0, cOff: 1, tanhC, tanhCOff: 0, h, hOff: 0 });
    const [i, f, g, o] = [sigmoid(0.3), sigmoid(-0.2), Math.tanh(0.7), sigmoid(1.1)];
    const cNew = f * 0.4 + i * g;
    expectAllClose(gates, [i, f, g, o], EXACT.atol, EXACT.rtol, 'activations');
    expectAllClose(
      [c[1]!, tanhC[0]!, h[0]!],
      [cNew, Math.tanh(cNew), o * Math.tanh(cNew)],
      EXACT.atol,
      EXACT.rtol,
      'c, tanh c, h',
    );
  });

  it('backward: the pre-activation and cell-carry gradients are the central differences of the forward', () => {
    const [rows, H] = [2, 3];
    const prng = new Prng(31);
    const rand = (n: number, scale = 1) => Array.from({ length: n }, () => scale * prng.uniformIn(-1, 1));
    const pre = rand(rows * 4 * H, 2);
    const cPrev = rand(rows * H);
    const dOut = rand(rows * H);
    const dhIn = rand(rows * H);
    const dcIn = rand(rows * H);
    // L = Σ (dOut + dh)·h + Σ dc·c: the loss whose gradient the backward step returns.
    const loss = (p: number[], cp: number[]): number => {
      const gates = f64(p);
      const c = f64([...cp, ...new Array(rows * H).fill(0)]);
      const h = new Float64Array(rows * H);
      K.lstmForward({
        rows,
        H,
        gates,
        gatesOff: 0,
        c,
        cPrevOff: 0,
        cOff: rows * H,
        tanhC: new Float64Array(rows * H),
        tanhCOff: 0,
        h,
        hOff: 0,
      });
      let sum = 0;
      for (let j = 0; j < rows * H; j++) sum += (dOut[j]! + dhIn[j]!) * h[j]! + dcIn[j]! * c[rows * H + j]!;
      return sum;
    };
    const gates = f64(pre);
    const c = f64([...cPrev, ...new Array(rows * H).fill(0)]);
    const tanhC = new Float64Array(rows * H);
    K.lstmForward({
      rows,
      H,
      gates,
      gatesOff: 0,
      c,
      cPrevOff: 0,
      cOff: rows * H,
      tanhC,
      tanhCOff: 0,
      h: new Float64Array(rows * H),
      hOff: 0,
    });
    const dGates = new Float64Array(rows * 4 * H);
    const dc = f64(dcIn);
    K.lstmBackward({
      rows,
      H,
      gates,
      gatesOff: 0,
      cPrev: f64(cPrev),
      cPrevOff: 0,
      tanhC,
      tanhCOff: 0,
      dOut: f64(dOut),
      dOutOff: 0,
      dhCarry: f64(dhIn),
      dcCarry: dc,
      dGates,
      dGatesOff: 0,
    });
    expectAllClose(
      dGates,
      centralDifferences(pre, (p) => loss(p, cPrev)),
      1e-9,
      1e-6,
      'dGates',
    );
    expectAllClose(
      dc,
      centralDifferences(cPrev, (cp) => loss(pre, cp)),
      1e-9,
      1e-6,
      'dcCarry',
    );
  });
});

describe('the GRU step', () => {
  it('forward: closed form for one unit (r, z, n; h = (1 − z)·n + z·h_prev)', () => {
    const gates = new Float64Array(3);
    const hn = new Float64Array(1);
    const h = f64([0.6, 0]);
    K.gruForward({
      rows: 1,
      H: 1,
      xw: f64([0.2, -0.4, 0.9]),
      xwOff: 0,
      hProj: f64([0.1, 0.3, -0.5]),
      gates,
      gatesOff: 0,
      hn,
      hnOff: 0,
      hPrev: h,
      hPrevOff: 0,
      h,
      hOff: 1,
    });
    const r = sigmoid(0.3);
    const z = sigmoid(-0.1);
    const n = Math.tanh(0.9 + r * -0.5);
    expectAllClose(gates, [r, z, n], EXACT.atol, EXACT.rtol, 'r, z, n');
    expectAllClose([hn[0]!, h[1]!], [-0.5, (1 - z) * n + z * 0.6], EXACT.atol, EXACT.rtol, 'hn, h');
  });

  it('backward: input-, hidden-projection and carry gradients are the central differences of the forward', () => {
    const [rows, H] = [2, 3];
    const prng = new Prng(32);
    const rand = (n: number, scale = 1) => Array.from({ length: n }, () => scale * prng.uniformIn(-1, 1));
    const xw = rand(rows * 3 * H, 2);
    const hProj = rand(rows * 3 * H, 2);
    const hPrev = rand(rows * H);
    const dOut = rand(rows * H);
    const dhIn = rand(rows * H);
    // L = Σ (dOut + dh)·h, with the hidden projection hProj held as an input (the model backpropagates
    // dHw through W_hh itself, so the carry returned is only the direct z·dh path).
    const loss = (x: number[], hp: number[], prev: number[]): number => {
      const h = new Float64Array(rows * H);
      K.gruForward({
        rows,
        H,
        xw: f64(x),
        xwOff: 0,
        hProj: f64(hp),
        gates: new Float64Array(rows * 3 * H),
        gatesOff: 0,
        hn: new Float64Array(rows * H),
        hnOff: 0,
        hPrev: f64(prev),
        hPrevOff: 0,
        h,
        hOff: 0,
      });
      return h.reduce((sum, v, j) => sum + (dOut[j]! + dhIn[j]!) * v, 0);
    };
    const gates = new Float64Array(rows * 3 * H);
    const hn = new Float64Array(rows * H);
    K.gruForward({
      rows,
      H,
      xw: f64(xw),
      xwOff: 0,
      hProj: f64(hProj),
      gates,
      gatesOff: 0,
      hn,
      hnOff: 0,
      hPrev: f64(hPrev),
      hPrevOff: 0,
      h: new Float64Array(rows * H),
      hOff: 0,
    });
    const dXw = new Float64Array(rows * 3 * H);
    const dHw = new Float64Array(rows * 3 * H);
    const dh = f64(dhIn);
    K.gruBackward({
      rows,
      H,
      gates,
      gatesOff: 0,
      hPrev: f64(hPrev),
      hPrevOff: 0,
      hn,
      hnOff: 0,
      dOut: f64(dOut),
      dOutOff: 0,
      dhCarry: dh,
      dXw,
      dXwOff: 0,
      dHw,
      dHwOff: 0,
    });
    expectAllClose(
      dXw,
      centralDifferences(xw, (x) => loss(x, hProj, hPrev)),
      1e-9,
      1e-6,
      'dXw',
    );
    expectAllClose(
      dHw,
      centralDifferences(hProj, (hp) => loss(xw, hp, hPrev)),
      1e-9,
      1e-6,
      'dHw',
    );
    expectAllClose(
      dh,
      centralDifferences(hPrev, (prev) => loss(xw, hProj, prev)),
      1e-9,
      1e-6,
      'dhCarry',
    );
  });
});

describe('the difference checker itself', () => {
  it('fails a wrong gradient (negative test)', () => {
    const f = (x: number[]) => x[0]! ** 3;
    expectAllClose(centralDifferences([2], f), [12], 1e-9, 1e-6, 'd/dx x³');
    expect(() => expectAllClose(centralDifferences([2], f), [12.001], 1e-9, 1e-6, 'd/dx x³')).toThrow(/got/);
  });
});

/** ∂f/∂x_i by (f(x + εe_i) − f(x − εe_i)) / 2ε, float64, ε = 1e-5. */
function centralDifferences(x: number[], f: (x: number[]) => number): number[] {
  const eps = 1e-5;
  return x.map((_, i) => {
    const plus = x.slice();
    const minus = x.slice();
    plus[i]! += eps;
    minus[i]! -= eps;
    return (f(plus) - f(minus)) / (2 * eps);
  });
}
