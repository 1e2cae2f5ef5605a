import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimateForDrawing, type Point } from './chart-decimate.js';

describe('decimateForDrawing', () => {
  it('keeps at most four points per pixel column, in order, with each column’s extremes and ends', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 400 }), (ys) => {
        const points: Point[] = ys.map((y, i) => [i, y]);
        const pixel = (x: number): number => x / 7; // 7 points per column
        const out = decimateForDrawing(points, pixel);
        for (let c = 0; c * 7 < points.length; c++) {
          const column = points.slice(c * 7, c * 7 + 7);
          const kept = out.filter((p) => Math.floor(pixel(p[0])) === c);
          expect(kept.length).toBeLessThanOrEqual(4);
          expect(kept[0]).toBe(column[0]);
          expect(kept[kept.length - 1]).toBe(column[column.length - 1]);
          expect(Math.min(...kept.map((p) => p[1]))).toBe(Math.min(...column.map((p) => p[1])));
          expect(Math.max(...kept.map((p) => p[1]))).toBe(Math.max(...column.map((p) => p[1])));
        }
        // Original order: x never goes back.
        for (let i = 1; i < out.length; i++) expect(out[i]![0]).toBeGreaterThan(out[i - 1]![0]);
      }),
    );
  });

  it('reduces a million points to four per column and keeps a lone spike', () => {
    const points: Point[] = Array.from({ length: 1_000_000 }, (_, i) => [i, i === 654_321 ? 1e9 : Math.sin(i)]);
    const out = decimateForDrawing(points, (x) => (x / 1_000_000) * 600);
    expect(out.length).toBeLessThanOrEqual(4 * 601);
    expect(out.some((p) => p[1] === 1e9)).toBe(true);
  });
});
