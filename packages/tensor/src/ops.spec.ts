// softmax: closed forms, and properties (fast-check) for what sampling relies on: finite, summing
// to 1, stable for huge logits. (Norms and clamping are kernels: ./reference-kernels.spec.ts and
// optim's clip.spec.ts.)

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { softmax } from './ops.js';

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

describe('softmax', () => {
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
});
