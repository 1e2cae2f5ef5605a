// Scales, ticks and axis numbers for every chart the project draws: the run report, the sweep's
// report.html, the bench page and the web page's live chart. Numbers in, numbers and short strings
// out — no DOM. Long series (a million-row log) are walked with loops, never spread into Math.min /
// Math.max, whose argument list overflows the call stack at a few hundred thousand values.

/** A tick on an axis; a minor tick has an empty label (a grid line or a short mark only). */
export interface Tick {
  readonly value: number;
  readonly label: string;
}

export interface Scale {
  /** Domain value → pixel. */
  map(value: number): number;
  ticks(): readonly Tick[];
}

/** The smallest and largest finite values (and, with `positive`, only those above 0); undefined if none. */
export function extent(values: ArrayLike<number>, positive = false): [number, number] | undefined {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || (positive && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** A range around the finite values with 5 % room on each side ([0, 1] when there are none). */
export function paddedRange(values: ArrayLike<number>): [number, number] {
  const range = extent(values);
  if (!range) return [0, 1];
  const [lo, hi] = range;
  const pad = (hi - lo) * 0.05 || Math.abs(lo) * 0.05 || 0.5;
  return [lo - pad, hi + pad];
}

/**
 * Where to cut the top of a y axis so that a few huge values (a divergence, the first steps) do not
 * flatten the rest: the 95th percentile, unless the largest value is within 20 % of it.
 */
export function robustTop(values: ArrayLike<number>): number {
  const finite = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) finite[n++] = values[i]!;
  if (n === 0) return Number.NaN;
  const sorted = finite.subarray(0, n).sort();
  const max = sorted[sorted.length - 1]!;
  const p95 = sorted[Math.floor(0.95 * (sorted.length - 1))]!;
  return max <= p95 * 1.2 ? max : p95;
}

/** 1, 2 or 5 times a power of ten, near `raw`. */
export function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * power;
}

/** About `count` evenly spaced round values inside [d0, d1]. */
export function linearTicks(d0: number, d1: number, count = 5): Tick[] {
  const span = d1 - d0;
  if (!(span > 0) || !Number.isFinite(span)) return Number.isFinite(d0) ? [{ value: d0, label: formatTick(d0) }] : [];
  const step = niceStep(span / count);
  const out: Tick[] = [];
  for (let k = Math.ceil(d0 / step); k * step <= d1 + step * 1e-9; k++) {
    const value = Number((k * step).toPrecision(12));
    out.push({ value, label: formatTick(value) });
  }
  return out;
}

export function linearScale(d0: number, d1: number, r0: number, r1: number, tickCount = 5): Scale {
  const span = d1 - d0 || 1;
  return {
    map: (v) => r0 + ((v - d0) / span) * (r1 - r0),
    ticks: () => linearTicks(d0, d1, tickCount),
  };
}

/**
 * A log10 scale over positive values. The guard: a domain that is empty, reversed or not positive
 * is widened to one decade above its bottom (at least 1e-12), so log10 never sees 0 or a negative.
 */
export function logScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const lo = Number.isFinite(d0) && d0 > 0 ? Math.max(d0, 1e-12) : 1e-12;
  const hi = Number.isFinite(d1) && d1 > lo ? d1 : lo * 10;
  const l0 = Math.log10(lo);
  const span = Math.log10(hi) - l0;
  return {
    map: (v) => r0 + ((Math.log10(v) - l0) / span) * (r1 - r0),
    ticks: () => logTicks(lo, hi),
  };
}

/**
 * Readable ticks for a log axis over [d0, d1]: under a factor of ~4, plain linear ticks; within
 * about a decade, 1…9 of it labelled; up to 3 decades, 1-2-5 labelled with the other integers as
 * minor ticks; wider, every decade (or every k-th) labelled with the ones between as minor ticks.
 * Always at least two labelled ticks inside the range.
 */
export function logTicks(d0: number, d1: number): Tick[] {
  const decades = Math.log10(d1 / d0);
  if (!(decades >= 0.6)) return linearTicks(d0, d1, 4);
  // Mantissas labelled, and those drawn as minor ticks, by how many decades the axis spans.
  const [labelled, minor] =
    decades <= 1.2
      ? [[1, 2, 3, 4, 5, 6, 7, 8, 9], []]
      : decades <= 3.2
        ? [
            [1, 2, 5],
            [3, 4, 6, 7, 8, 9],
          ]
        : decades <= 7
          ? [[1], [2, 3, 4, 5, 6, 7, 8, 9]]
          : [[1], []];
  // Very wide axes label every k-th decade only (the others get a minor tick).
  const every = decades <= 7 ? 1 : Math.ceil(decades / 7);
  const out: Tick[] = [];
  for (let e = Math.floor(Math.log10(d0)); e <= Math.ceil(Math.log10(d1)); e++) {
    for (let m = 1; m <= 9; m++) {
      const value = Number((m * 10 ** e).toPrecision(6));
      if (value < d0 * (1 - 1e-9) || value > d1 * (1 + 1e-9)) continue;
      if (labelled.includes(m) && (m !== 1 || e % every === 0)) out.push({ value, label: formatTick(value) });
      else if (minor.includes(m) || m === 1) out.push({ value, label: '' });
    }
  }
  return out.filter((t) => t.label !== '').length >= 2 ? out : linearTicks(d0, d1, 4);
}

/** n categories, each in the middle of an equal band; the caller labels them. */
export function categoryScale(n: number, r0: number, r1: number): Scale {
  const step = (r1 - r0) / Math.max(1, n);
  return { map: (i) => r0 + step * (i + 0.5), ticks: () => [] };
}

/** Axis numbers: 12k, 1.5M, 2G, 0.003, 2e-5 — three significant digits at most. */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${Number((v / 1e9).toPrecision(3))}G`;
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1000) return `${Number((v / 1000).toPrecision(3))}k`;
  if (a > 0 && a < 1e-3) {
    const [mantissa, exponent] = v.toExponential(2).split('e') as [string, string];
    return `${Number(mantissa)}e${Number(exponent)}`;
  }
  return String(Number(v.toPrecision(3)));
}

/** How many pixels a label of `text` takes at the charts' 11 px font (an upper estimate, no DOM). */
export function labelWidth(text: string): number {
  return Math.ceil(text.length * 6.6);
}
