// Inline SVG charts for self-contained HTML reports (no scripts, no network): overlaid line charts
// with a legend, scatter plots over a setting, a heat map for a grid over two settings. Used by
// charrnn-report's run pages, the sweep's report.html and the bench page. Strings in, strings out.
// Scales and ticks come from chart-scales.ts; long series are decimated before drawing.

import { decimateForDrawing, type Point } from './chart-decimate.js';
import {
  categoryScale,
  extent,
  formatTick,
  labelWidth,
  linearScale,
  logScale,
  paddedRange,
  robustTop,
  type Scale,
  type Tick,
} from './chart-scales.js';
import { esc } from './html.js';

export interface Series {
  readonly label: string;
  readonly color: string;
  /** [x, y] pairs in drawing order; pairs with a non-finite value (or y ≤ 0 on a log axis) are skipped. */
  readonly points: readonly Point[];
  readonly dashed?: boolean;
  readonly bold?: boolean;
  /** Draw the points as dots too (sparse series, e.g. evaluations). */
  readonly dots?: boolean;
}

export interface LineChartOptions {
  readonly series: readonly Series[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly width?: number;
  readonly height?: number;
  /** Cut the y axis at the 95th percentile when a few values (a divergence) would flatten the rest. */
  readonly robustTop?: boolean;
  readonly logY?: boolean;
}

/** Right, top and bottom margins; the left one grows with the y tick labels. */
const M = { right: 20, top: 18, bottom: 40 };

/** One palette for every page: distinct hues, readable on white. */
export function seriesColor(i: number, n: number): string {
  const palette = [
    '#1f77b4',
    '#d62728',
    '#2ca02c',
    '#ff7f0e',
    '#9467bd',
    '#8c564b',
    '#e377c2',
    '#17becf',
    '#7f7f7f',
    '#bcbd22',
  ];
  return n <= palette.length ? palette[i]! : `hsl(${Math.round((360 * i) / Math.max(1, n))} 70% 45%)`;
}

export function lineChart(options: LineChartOptions): string {
  const w = options.width ?? 640;
  const h = options.height ?? 340;
  const logY = options.logY === true;
  const drawn = options.series.map((s) => ({ ...s, points: drawable(s.points, logY) }));
  let total = 0;
  for (const s of drawn) total += s.points.length;
  if (total === 0) return emptyChart('no data', w, h);
  const xs = new Float64Array(total);
  const ys = new Float64Array(total);
  let k = 0;
  for (const s of drawn)
    for (const p of s.points) {
      xs[k] = p[0];
      ys[k++] = p[1];
    }
  const [yLo, yHi] = extent(ys)!;
  // Cut per series, then keep the highest cut: one series' spikes are trimmed, but a series that
  // sits entirely above another is never cut away.
  let top = yHi;
  if (options.robustTop) {
    top = Number.NEGATIVE_INFINITY;
    for (const s of drawn) if (s.points.length > 0) top = Math.max(top, robustTop(s.points.map((p) => p[1])));
  }
  const y = logY
    ? logScale(yLo, top, h - M.bottom, M.top)
    : linearScale(...paddedRange([yLo, top]), h - M.bottom, M.top);
  const left = leftMargin(y.ticks());
  const [xLo, xHi] = extent(xs)!;
  const x = linearScale(Math.min(0, xLo), xHi, left, w - M.right);
  const px = (p: Point): string => x.map(p[0]).toFixed(1);
  const py = (p: Point): string => y.map(Math.min(p[1], top)).toFixed(1);
  const lines = drawn.map((s) => {
    const points = decimateForDrawing(s.points, x.map);
    const dots =
      s.dots || points.length === 1
        ? points
            .map((p) => `<circle cx="${px(p)}" cy="${py(p)}" r="${s.bold ? 3.5 : 2.5}" fill="${s.color}"/>`)
            .join('')
        : '';
    return `<polyline fill="none" stroke="${s.color}" stroke-width="${s.bold ? 2.8 : 1.4}"${s.dashed ? ' stroke-dasharray="5 3"' : ''} points="${points.map((p) => `${px(p)},${py(p)}`).join(' ')}"><title>${esc(s.label)}</title></polyline>${dots}`;
  });
  const clipped =
    yHi > top
      ? `<text x="${w - M.right}" y="${M.top - 5}" text-anchor="end">values above ${formatTick(top)} drawn at the top edge</text>`
      : '';
  return svg(
    axes({ x, y, xLabel: options.xLabel, yLabel: options.yLabel, w, h, left }) + lines.join('') + clipped,
    w,
    h,
  );
}

/** The points that can be drawn: finite, and positive on a log axis. */
function drawable(points: readonly Point[], logY: boolean): Point[] {
  const out: Point[] = [];
  for (const p of points) if (Number.isFinite(p[0]) && Number.isFinite(p[1]) && (!logY || p[1] > 0)) out.push(p);
  return out;
}

/** A legend as HTML (wraps with the page), one swatch per series. */
export function legend(series: readonly Pick<Series, 'label' | 'color' | 'dashed' | 'bold'>[]): string {
  const items = series.map(
    (s) =>
      `<span class="key"><svg width="28" height="10"><line x1="0" y1="5" x2="28" y2="5" stroke="${s.color}" stroke-width="${s.bold ? 3 : 2}"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/></svg>${esc(s.label)}</span>`,
  );
  return `<div class="legend">${items.join('')}</div>`;
}

export interface ScatterPoint {
  /** The value on the x axis; for a category axis, the category's index. */
  readonly x: number;
  readonly y: number;
  readonly color: string;
  /** Shown on hover. */
  readonly title: string;
}

export type ScatterAxis =
  | { readonly kind: 'linear' | 'log'; readonly min: number; readonly max: number }
  | { readonly kind: 'category'; readonly categories: readonly string[] };

export interface ScatterChartOptions {
  readonly points: readonly ScatterPoint[];
  readonly x: ScatterAxis;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly width?: number;
  readonly height?: number;
}

/** One dot per result against a setting: a number axis (linear or log) or its listed choices. */
export function scatterChart(options: ScatterChartOptions): string {
  const w = options.width ?? 320;
  const h = options.height ?? 240;
  const points = options.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (points.length === 0) return emptyChart('no results yet', w, h);
  const y = linearScale(...paddedRange(points.map((p) => p.y)), h - M.bottom, M.top);
  const left = leftMargin(y.ticks());
  const axis = options.x;
  const x =
    axis.kind === 'category'
      ? categoryScale(axis.categories.length, left, w - M.right)
      : axis.kind === 'log'
        ? logScale(axis.min, axis.max, left, w - M.right)
        : linearScale(axis.min, axis.max, left, w - M.right, 4);
  const xTicks = axis.kind === 'category' ? axis.categories.map((label, i) => ({ value: i, label })) : undefined;
  const dots = points.map(
    (p) =>
      `<circle cx="${x.map(p.x).toFixed(1)}" cy="${y.map(p.y).toFixed(1)}" r="4" fill="${p.color}" fill-opacity="0.75"><title>${esc(p.title)}</title></circle>`,
  );
  return svg(
    axes({ x, y, xLabel: options.xLabel, yLabel: options.yLabel, w, h, left, ...(xTicks ? { xTicks } : {}) }) +
      dots.join(''),
    w,
    h,
  );
}

export interface HeatMapOptions {
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xValues: readonly string[];
  readonly yValues: readonly string[];
  /** value[yi][xi]; undefined: no result. Lower is better (dark is good). */
  readonly values: readonly (readonly (number | undefined)[])[];
  readonly valueLabel: string;
}

export function heatMap(options: HeatMapOptions): string {
  const cell = 64;
  let widest = 0;
  for (const v of options.yValues) widest = Math.max(widest, labelWidth(v));
  const left = Math.max(60, 30 + widest);
  const top = 16;
  const w = left + cell * options.xValues.length + 16;
  const h = top + cell * options.yValues.length + 44;
  const flat: number[] = [];
  for (const row of options.values) for (const v of row) if (v !== undefined) flat.push(v);
  const [lo, hi] = extent(flat) ?? [0, 1];
  const parts: string[] = [];
  options.yValues.forEach((yv, yi) => {
    parts.push(`<text x="${left - 6}" y="${top + cell * yi + cell / 2 + 4}" text-anchor="end">${esc(yv)}</text>`);
    options.xValues.forEach((_xv, xi) => {
      const v = options.values[yi]?.[xi];
      const t = v === undefined || !Number.isFinite(v) ? null : hi > lo ? (v - lo) / (hi - lo) : 0;
      // Best (lowest) is dark blue, worst is pale; text flips colour for contrast.
      const fill = t === null ? '#eee' : `hsl(215 70% ${Math.round(30 + 60 * t)}%)`;
      const ink = t !== null && t < 0.45 ? '#fff' : '#222';
      const cx = left + cell * xi;
      const cy = top + cell * yi;
      parts.push(
        `<rect x="${cx}" y="${cy}" width="${cell - 2}" height="${cell - 2}" fill="${fill}"><title>${esc(`${options.xLabel}=${options.xValues[xi]} ${options.yLabel}=${yv}: ${v === undefined ? 'no result' : formatValue(v)}`)}</title></rect>`,
      );
      parts.push(
        `<text x="${cx + cell / 2 - 1}" y="${cy + cell / 2 + 4}" text-anchor="middle" style="fill:${ink}">${v === undefined ? '–' : formatValue(v)}</text>`,
      );
    });
  });
  options.xValues.forEach((xv, xi) =>
    parts.push(
      `<text x="${left + cell * xi + cell / 2}" y="${top + cell * options.yValues.length + 14}" text-anchor="middle">${esc(xv)}</text>`,
    ),
  );
  parts.push(
    `<text x="${left + (cell * options.xValues.length) / 2}" y="${h - 8}" text-anchor="middle">${esc(options.xLabel)}</text>`,
  );
  parts.push(
    `<text x="12" y="${top + (cell * options.yValues.length) / 2}" text-anchor="middle" transform="rotate(-90 12 ${top + (cell * options.yValues.length) / 2})">${esc(options.yLabel)}</text>`,
  );
  return svg(parts.join(''), w, h);
}

/** Room for the rotated axis title and the widest y tick label. */
function leftMargin(ticks: readonly Tick[]): number {
  let widest = 0;
  for (const t of ticks) widest = Math.max(widest, labelWidth(t.label));
  return Math.max(44, 26 + widest + 8);
}

interface AxesOptions {
  readonly x: Scale;
  readonly y: Scale;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly w: number;
  readonly h: number;
  readonly left: number;
  /** Category labels in place of the x scale's ticks. */
  readonly xTicks?: readonly Tick[];
}

function axes({ x, y, xLabel, yLabel, w, h, left, xTicks }: AxesOptions): string {
  const bottom = h - M.bottom;
  const parts = [
    `<line x1="${left}" y1="${bottom}" x2="${w - M.right}" y2="${bottom}" stroke="#888"/>`,
    `<line x1="${left}" y1="${M.top}" x2="${left}" y2="${bottom}" stroke="#888"/>`,
  ];
  // Labels that would overlap the one before are left out (their tick mark stays): a narrow chart
  // with a 1-2-5 log axis still reads.
  let freeFrom = Number.NEGATIVE_INFINITY;
  for (const t of xTicks ?? x.ticks()) {
    const px = x.map(t.value);
    const width = labelWidth(t.label);
    // A label that would cross the chart's edge is anchored at its end (or start), not its middle.
    const [anchor, lx, from] =
      px + width / 2 > w - 2
        ? ['end', w - 2, w - 2 - width]
        : px - width / 2 < 2
          ? ['start', 2, 2]
          : ['middle', px, px - width / 2];
    const labelled = t.label !== '' && from >= freeFrom;
    parts.push(
      `<line x1="${px.toFixed(1)}" y1="${bottom}" x2="${px.toFixed(1)}" y2="${bottom + (labelled ? 4 : 2)}" stroke="#888"/>`,
    );
    if (!labelled) continue;
    freeFrom = from + width + 6;
    parts.push(`<text x="${lx.toFixed(1)}" y="${bottom + 16}" text-anchor="${anchor}">${esc(t.label)}</text>`);
  }
  let freeAbove = Number.POSITIVE_INFINITY;
  for (const t of y.ticks()) {
    const py = y.map(t.value);
    parts.push(
      `<line x1="${left}" y1="${py.toFixed(1)}" x2="${w - M.right}" y2="${py.toFixed(1)}" stroke="${t.label === '' ? '#f5f5f5' : '#e6e6e6'}"/>`,
    );
    if (t.label === '' || py > freeAbove) continue;
    freeAbove = py - 13;
    parts.push(`<text x="${left - 6}" y="${(py + 4).toFixed(1)}" text-anchor="end">${esc(t.label)}</text>`);
  }
  parts.push(
    `<text x="${(left + w - M.right) / 2}" y="${h - 6}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="12" y="${(M.top + bottom) / 2}" text-anchor="middle" transform="rotate(-90 12 ${(M.top + bottom) / 2})">${esc(yLabel)}</text>`,
  );
  return parts.join('');
}

function svg(content: string, w: number, h: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${content}</svg>`;
}

export function emptyChart(message: string, w = 640, h = 340): string {
  return svg(`<text x="${w / 2}" y="${h / 2}" text-anchor="middle">${esc(message)}</text>`, w, h);
}

function formatValue(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : String(v);
}
