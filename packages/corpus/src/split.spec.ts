import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitTrainVal } from './split.js';

const range = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

describe('splitTrainVal', () => {
  it('holds out the last floor(n · valFraction) characters as validation', () => {
    const { train, val } = splitTrainVal(range(25));
    expect(Array.from(train)).toEqual(Array.from(range(23)));
    expect(Array.from(val)).toEqual([23, 24]);
  });

  it('returns views of the input, not copies', () => {
    const ids = range(10);
    const { train, val } = splitTrainVal(ids, 0.3);
    expect(train.buffer).toBe(ids.buffer);
    expect(val.buffer).toBe(ids.buffer);
    expect(val.length).toBe(3);
  });

  it('lands decimal fractions where expected despite float error', () => {
    // 0.29 * 100 is 28.999999999999996 in floating point.
    expect(splitTrainVal(range(100), 0.29).val.length).toBe(29);
    expect(splitTrainVal(range(100), 0.57).val.length).toBe(57);
  });

  it('gives no validation text for valFraction 0', () => {
    const { train, val } = splitTrainVal(range(7), 0);
    expect(train.length).toBe(7);
    expect(val.length).toBe(0);
  });

  it('rejects valFraction outside [0, 1)', () => {
    for (const bad of [1, -0.1, 1.5, Number.NaN, Infinity]) {
      expect(() => splitTrainVal(range(10), bad)).toThrow(
        new RangeError(`splitTrainVal: valFraction must be in [0, 1), got ${bad}`),
      );
    }
    expect(() => splitTrainVal([1, 2] as unknown as Int32Array)).toThrow(TypeError);
  });

  it('property: train then val is the whole input, val is floor(n · f) long (±0 after the nudge)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, f) => {
          const { train, val } = splitTrainVal(range(n), f);
          expect(train.length + val.length).toBe(n);
          expect(val.length).toBeGreaterThanOrEqual(Math.floor(n * f));
          expect(val.length).toBeLessThanOrEqual(Math.floor(n * f) + 1);
          expect(val.length === 0 || val[0] === train.length).toBe(true);
        },
      ),
    );
  });
});
