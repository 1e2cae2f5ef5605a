// ops: closed forms for the small vector operations, and properties (fast-check) for the ones the
// trainer relies on to stay finite: softmax with huge logits, overflow-free norms, clipping.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { axpy, clip, dot, logSoftmax, maxAbs, norm2, scale, sigmoidInPlace, softmax, sumOfSquares, tanhInPlace } from './ops.js';

/** |got − expected| ≤ atol + rtol·|expected|, with a message naming the entry. */
function expectClose(got: number, expected: number, atol = 1e-12, rtol = 1e-10, where = 'value'): void {
  const bound = atol + rtol * Math.abs(expected);
  if (!(Math.abs(got - expected) <= bound)) {
    expect.fail(`${where}: got ${got}, expected ${expected} (|diff| ${Math.abs(got - expected)} > ${bound})`);
  }
}

function expectAllClose(got: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-12, rtol = 1e-10): void {
  expect(got.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectClose(got[i]!, expected[i]!, atol, rtol, `[${i}]`);
}

const logits = (maxLength = 20, magnitude = 1e4) =>
  fc.array(fc.double({ min: -magnitude, max: magnitude, noNaN: true }), { minLength: 1, maxLength });

describe('axpy, dot, scale, sumOfSquares, maxAbs', () => {
  it('axpy adds alpha·x into y', () => {
    const y = new Float64Array([1, 2, 3]);
    axpy(-2, [0.5, 1, -1], y);
    expect([...y]).toEqual([0, 0, 5]);
  });

  it('axpy works on float32 targets', () => {
    const y = new Float32Array([1, 1]);
    axpy(0.5, new Float32Array([2, 4]), y);
    expect([...y]).toEqual([2, 3]);
  });

  it('dot, sumOfSquares and maxAbs on small vectors', () => {
    expect(dot([1, 2, 3], [4, -5, 6])).toBe(12);
    expect(dot([], [])).toBe(0);
    expect(sumOfSquares([3, -4])).toBe(25);
    expect(maxAbs([0.5, -7, 3])).toBe(7);
    expect(maxAbs([])).toBe(0);
  });

  it('scale multiplies in place', () => {
    const x = new Float64Array([1, -2, 0.25]);
    scale(x, -4);
    expect([...x]).toEqual([-4, 8, -1]);
  });

  it('axpy and dot reject mismatched lengths', () => {
    expect(() => axpy(1, [1, 2], new Float64Array(3))).toThrow(new RangeError('axpy: lengths must match, got 2 and 3'));
    expect(() => dot([1, 2, 3], [1])).toThrow(new RangeError('dot: lengths must match, got 3 and 1'));
  });
});

describe('tanhInPlace and sigmoidInPlace', () => {
  it('match the closed forms and saturate without NaN', () => {
    const t = new Float64Array([0, 0.5, -2, 1000, -1000]);
    tanhInPlace(t);
    expectAllClose(t, [0, Math.tanh(0.5), Math.tanh(-2), 1, -1]);
    const s = new Float64Array([0, 2, -2, 1000, -1000]);
    sigmoidInPlace(s);
    expectAllClose(s, [0.5, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(2)), 1, 0]);
  });
});

describe('softmax and logSoftmax', () => {
  it('softmax of a small vector matches the closed form', () => {
    const out = new Float64Array(3);
    softmax([1, 2, 3], out);
    const z = Math.E + Math.E ** 2 + Math.E ** 3;
    expectAllClose(out, [Math.E / z, Math.E ** 2 / z, Math.E ** 3 / z]);
  });

  it('is stable for huge logits', () => {
    const out = new Float64Array(3);
    softmax([1e4, -1e4, 1e4], out);
    expect([...out]).toEqual([0.5, 0, 0.5]);
    const log = new Float64Array(3);
    logSoftmax([1e4, -1e4, 1e4], log);
    expectAllClose(log, [-Math.LN2, -2e4 - Math.LN2, -Math.LN2]);
  });

  it('is invariant to adding a constant to every logit', () => {
    const a = new Float64Array(4);
    const b = new Float64Array(4);
    softmax([0.1, -0.2, 0.3, 0], a);
    softmax([500.1, 499.8, 500.3, 500], b);
    expectAllClose(b, a, 1e-12, 1e-9);
  });

  it('writes into a plain number[] too', () => {
    const out: number[] = [];
    softmax([0, 0], out);
    expect(out).toEqual([0.5, 0.5]);
  });

  it('property: softmax is finite, non-negative and sums to 1 for logits in ±1e4', () => {
    fc.assert(
      fc.property(logits(), (x) => {
        const out = new Float64Array(x.length);
        softmax(x, out);
        let sum = 0;
        for (const p of out) {
          if (!(p >= 0 && p <= 1)) return false;
          sum += p;
        }
        return Math.abs(sum - 1) <= 1e-12 * x.length + 1e-15;
      }),
    );
  });

  it('property: the largest logit gets the largest probability', () => {
    fc.assert(
      fc.property(logits(), (x) => {
        const out = new Float64Array(x.length);
        softmax(x, out);
        const argmax = x.indexOf(Math.max(...x));
        return out[argmax] === Math.max(...out);
      }),
    );
  });

  it('property: logSoftmax = log(softmax) where softmax does not underflow', () => {
    fc.assert(
      fc.property(logits(12, 30), (x) => {
        const p = new Float64Array(x.length);
        const log = new Float64Array(x.length);
        softmax(x, p);
        logSoftmax(x, log);
        for (let i = 0; i < x.length; i++) expectClose(log[i]!, Math.log(p[i]!), 1e-12, 1e-10, `logSoftmax[${i}]`);
      }),
    );
  });

  it('property: logSoftmax stays finite and ≤ 0 for logits in ±1e4 (where log(softmax) would be −Infinity)', () => {
    fc.assert(
      fc.property(logits(), (x) => {
        const log = new Float64Array(x.length);
        logSoftmax(x, log);
        let sum = 0;
        for (const v of log) {
          if (!(Number.isFinite(v) && v <= 0)) return false;
          sum += Math.exp(v);
        }
        return Math.abs(sum - 1) <= 1e-12 * x.length + 1e-15;
      }),
    );
  });
});

describe('norm2', () => {
  it('does not overflow or underflow', () => {
    expectClose(norm2([3e200, 4e200]), 5e200, 0, 1e-15);
    expectClose(norm2([3e-200, 4e-200]), 5e-200, 0, 1e-15);
    expect(sumOfSquares([3e200, 4e200])).toBe(Number.POSITIVE_INFINITY); // why norm2 scales
  });

  it('handles empty, zero and non-finite vectors', () => {
    expect(norm2([])).toBe(0);
    expect(norm2([0, 0, 0])).toBe(0);
    expect(norm2([1, Number.POSITIVE_INFINITY])).toBe(Number.POSITIVE_INFINITY);
    expect(norm2([1, Number.NaN])).toBeNaN();
  });

  it('property: matches sqrt(sumOfSquares) on ordinary values', () => {
    // Entries below 1e-100 are flushed to 0: their squares underflow in sumOfSquares (not in norm2).
    const ordinary = fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => (Math.abs(v) < 1e-100 ? 0 : v));
    fc.assert(
      fc.property(fc.array(ordinary, { maxLength: 50 }), (x) => {
        expectClose(norm2(x), Math.sqrt(sumOfSquares(x)), 1e-300, 1e-13);
      }),
    );
  });
});

describe('clip', () => {
  it('clamps into [−limit, limit] and returns how many entries changed', () => {
    const x = new Float64Array([-7, -5, 0, 4.9, 5, 6]);
    expect(clip(x, 5)).toBe(2);
    expect([...x]).toEqual([-5, -5, 0, 4.9, 5, 5]);
  });

  it('limit 0 zeroes every non-zero entry', () => {
    const x = new Float32Array([1, 0, -2]);
    expect(clip(x, 0)).toBe(2);
    expect([...x].map(Math.abs)).toEqual([0, 0, 0]); // −2 becomes −0: the sign is kept
  });

  it('rejects a negative or NaN limit', () => {
    expect(() => clip(new Float64Array(1), -1)).toThrow(new RangeError('clip: limit must be >= 0, got -1'));
    expect(() => clip(new Float64Array(1), Number.NaN)).toThrow(RangeError);
  });

  it('property: never raises the norm, keeps entries within the limit, and counts exactly the changed entries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { maxLength: 40 }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (values, limit) => {
          const x = Float64Array.from(values);
          const before = norm2(x);
          const count = clip(x, limit);
          let changed = 0;
          for (let i = 0; i < x.length; i++) {
            if (x[i] !== values[i]) changed++;
            if (Math.abs(x[i]!) > limit) return false;
          }
          return count === changed && norm2(x) <= before;
        },
      ),
    );
  });
});
