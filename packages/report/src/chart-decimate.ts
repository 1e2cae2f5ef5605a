// Fewer points to draw, the same picture: a line over a million logged steps is drawn from at
// most four points per pixel column — the first, the lowest, the highest and the last of the
// points falling in it (the "M4" reduction) — so every spike and dip still reaches its extreme and
// the page stays a few hundred kilobytes.

export type Point = readonly [number, number];

/**
 * The points of one series (in drawing order) reduced to at most four per pixel column of
 * `pixelX(x)`: first, min y, max y, last, in their original order (a column with four points or
 * fewer keeps them all).
 */
export function decimateForDrawing(points: readonly Point[], pixelX: (x: number) => number): Point[] {
  const out: Point[] = [];
  let column = Number.NaN;
  let first = 0;
  let last = 0;
  let min = 0;
  let max = 0;
  const flush = (): void => {
    // Indices in increasing order, each once: the line keeps its direction within the column.
    const lo = Math.min(min, max);
    const hi = Math.max(min, max);
    out.push(points[first]!);
    if (lo !== first) out.push(points[lo]!);
    if (hi !== lo) out.push(points[hi]!);
    if (last !== hi) out.push(points[last]!);
  };
  for (let i = 0; i < points.length; i++) {
    const [x, y] = points[i]!;
    const c = Math.floor(pixelX(x));
    if (c !== column) {
      if (i > 0) flush();
      column = c;
      first = last = min = max = i;
      continue;
    }
    last = i;
    if (y < points[min]![1]) min = i;
    if (y > points[max]![1]) max = i;
  }
  if (points.length > 0) flush();
  return out;
}
