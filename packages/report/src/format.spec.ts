import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, formatRate, groupDigits, renderBar } from './format.js';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [0.4, '0s'],
    [7, '7s'],
    [59.4, '59s'],
    [59.6, '1m00s'],
    [83, '1m23s'],
    [3599, '59m59s'],
    [3600, '1h00m'],
    [7500, '2h05m'],
    [86400 + 4 * 3600, '1d04h'],
  ])('%s s → %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });

  it('prints unknown durations as "?"', () => {
    for (const s of [Number.NaN, Infinity, -Infinity, -1]) expect(formatDuration(s)).toBe('?');
  });
});

describe('formatRate', () => {
  it.each([
    [0, '0'],
    [950, '950'],
    [999.4, '999'],
    [999.6, '1.0k'],
    [12345, '12.3k'],
    [123_456, '123.5k'],
    [999_960, '1.0M'],
    [4.2e6, '4.2M'],
    [3e9, '3.0G'],
    [-12345, '-12.3k'],
  ])('%s → %s', (n, text) => {
    expect(formatRate(n)).toBe(text);
  });

  it('prints non-finite values as "?"', () => {
    expect(formatRate(Number.NaN)).toBe('?');
    expect(formatRate(Infinity)).toBe('?');
  });

  it('never shows four integer digits before a unit', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e15, noNaN: true }), (n) => {
        expect(formatRate(n)).toMatch(/^(\d{1,3}|\d{1,3}\.\d[kMGTP])$/);
      }),
    );
  });
});

describe('renderBar', () => {
  it('draws empty, half and full bars', () => {
    expect(renderBar(0, 4)).toBe('    ');
    expect(renderBar(0.5, 4)).toBe('██  ');
    expect(renderBar(1, 4)).toBe('████');
    expect(renderBar(0.5625, 4)).toBe('██▎ ');
  });

  it('clamps the fraction and treats NaN as 0', () => {
    expect(renderBar(-3, 3)).toBe('   ');
    expect(renderBar(7, 3)).toBe('███');
    expect(renderBar(Number.NaN, 3)).toBe('   ');
  });

  it('is always exactly width characters, and fills monotonically', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(60),
        (a, b, width) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const filled = (s: string): number => [...s].filter((c) => c !== ' ').length;
          expect(renderBar(lo, width)).toHaveLength(width);
          expect(renderBar(hi, width)).toHaveLength(width);
          expect(filled(renderBar(lo, width))).toBeLessThanOrEqual(filled(renderBar(hi, width)));
        },
      ),
    );
  });

  it('rejects a width that is not a non-negative integer', () => {
    expect(() => renderBar(0.5, -1)).toThrow(new RangeError('renderBar: width must be a non-negative integer, got -1'));
    expect(() => renderBar(0.5, 2.5)).toThrow(RangeError);
  });
});

describe('groupDigits', () => {
  it('groups thousands without a locale', () => {
    expect(groupDigits(0)).toBe('0');
    expect(groupDigits(999)).toBe('999');
    expect(groupDigits(1234567)).toBe('1,234,567');
    expect(groupDigits(-1000)).toBe('-1,000');
  });
});
