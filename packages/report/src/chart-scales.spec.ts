import { describe, expect, it } from 'vitest';
import { extent, formatTick, linearTicks, logScale, logTicks, paddedRange, robustTop } from './chart-scales.js';

const labels = (ticks: readonly { label: string }[]): string[] => ticks.map((t) => t.label).filter((l) => l !== '');

describe('extent and ranges', () => {
  it('walks a million values without spreading them (Math.max(...xs) overflows the stack there)', () => {
    const values = new Float64Array(1_000_000).map((_, i) => Math.sin(i) * 10);
    values[123_456] = 99;
    values[7] = Number.NaN;
    const [lo, hi] = extent(values)!;
    expect(hi).toBe(99);
    expect(lo >= -10 && lo < -9.999).toBe(true);
    expect(robustTop(values)).toBeLessThanOrEqual(10);
  });

  it('skips non-finite values, and non-positive ones when asked', () => {
    expect(extent([Number.NaN, 3, Number.POSITIVE_INFINITY, -2])).toEqual([-2, 3]);
    expect(extent([-2, 0, 0.5, 4], true)).toEqual([0.5, 4]);
    expect(extent([Number.NaN])).toBeUndefined();
    expect(paddedRange([Number.NaN])).toEqual([0, 1]);
  });
});

describe('ticks', () => {
  it('linear ticks are round values inside the range', () => {
    expect(labels(linearTicks(0, 20_480_000))).toEqual(['0', '5M', '10M', '15M', '20M']);
    expect(linearTicks(3, 3)).toEqual([{ value: 3, label: '3' }]);
  });

  it.each([
    // under a factor of ~4: linear ticks
    [1.8, 2.9, ['1.8', '2', '2.2', '2.4', '2.6', '2.8']],
    // about a decade: every integer of it
    [8, 60, ['8', '9', '10', '20', '30', '40', '50', '60']],
    // up to three decades: 1-2-5
    [0.3, 40, ['0.5', '1', '2', '5', '10', '20']],
    // wider: every decade, the rest minor
    [1e-6, 0.01, ['1e-6', '1e-5', '1e-4', '0.001', '0.01']],
    // very wide: every other decade
    [1, 1e12, ['1', '100', '10k', '1M', '100M', '10G', '1000G']],
  ])('log ticks over [%s, %s] are readable', (lo, hi, expected) => {
    const ticks = logTicks(lo, hi);
    expect(labels(ticks)).toEqual(expected);
    for (const t of ticks) expect(t.value >= lo * (1 - 1e-9) && t.value <= hi * (1 + 1e-9)).toBe(true);
  });

  it('a log scale guards its domain: zero, negative or reversed bounds never reach log10', () => {
    for (const [lo, hi] of [
      [0, 0],
      [-1, 5],
      [5, 1],
      [Number.NaN, Number.NaN],
    ] as const) {
      const s = logScale(lo, hi, 300, 0);
      for (const t of s.ticks()) expect(Number.isFinite(s.map(t.value))).toBe(true);
    }
  });

  it('formats axis numbers short', () => {
    expect([0.0025, 2e-5, 1.5e-7, 12_000, 1_500_000, 3].map(formatTick)).toEqual([
      '0.0025',
      '2e-5',
      '1.5e-7',
      '12k',
      '1.5M',
      '3',
    ]);
  });
});
