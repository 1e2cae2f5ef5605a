import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatIndex, median, relativeError } from './stats.js';

describe('relativeError', () => {
  it('is |a − n| / max(|a|, |n|), 0 when both are zero and 1 when exactly one is', () => {
    expect(relativeError(0, 0)).toBe(0);
    expect(relativeError(1e-300, 0)).toBe(1);
    expect(relativeError(2, 1)).toBe(0.5);
    expect(relativeError(-1, 1)).toBe(2);
    expect(relativeError(NaN, 1)).toBe(Infinity);
  });

  it('is symmetric and never above 2 where a − n does not overflow', () => {
    const value = fc.double({ min: -1e300, max: 1e300, noNaN: true });
    fc.assert(
      fc.property(value, value, (a, n) => {
        const e = relativeError(a, n);
        return e === relativeError(n, a) && e >= 0 && e <= 2;
      }),
    );
  });
});

describe('median and formatIndex', () => {
  it('median takes the middle value, or the mean of the middle two', () => {
    expect(median([])).toBe(0);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('formatIndex gives the row-major multi-index', () => {
    expect(formatIndex([4, 5], 0)).toBe('[0,0]');
    expect(formatIndex([4, 5], 17)).toBe('[3,2]');
    expect(formatIndex([2, 3, 4], 23)).toBe('[1,2,3]');
    expect(formatIndex([7], 6)).toBe('[6]');
  });
});
