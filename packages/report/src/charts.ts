// Inline SVG charts for self-contained HTML reports (no scripts, no network): overlaid line
// charts with a legend, and a heat map for a grid over two settings. Used by charrnn-report's run
// pages and the sweep's report.html. Strings in, strings out, so it runs anywhere.

export interface Series {
  readonly label: string;
  readonly color: string;
  /** [x, y] pairs; non-finite y values are skipped. */
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
  readonly bold?: boolean;
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

const M = { left: 56, right: 16, top: 16, bottom: 40 };

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
  const drawn = options.series.map((s) => ({
    ...s,
    points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!options.logY || y > 0)),
  }));
  const all = drawn.flatMap((s) => s.points);
  if (all.length === 0) return emptyChart('no data', w, h);
  const xs = all.map((p) => p[0]);
  let ys = all.map((p) => p[1]);
  const top = options.robustTop ? robustTop(ys) : Math.max(...ys);
  ys = ys.map((v) => Math.min(v, top));
  const x = linearScale(Math.min(0, ...xs), Math.max(...xs), M.left, w - M.right);
  const yRange = paddedRange(ys);
  const y = options.logY
    ? logScale(Math.max(Math.min(...ys), 1e-12), Math.max(...ys), h - M.bottom, M.top)
    : linearScale(yRange[0], yRange[1], h - M.bottom, M.top);
  const lines = drawn.map((s) => {
    const points = s.points
      .map(([px, py]) => `${x.map(px).toFixed(1)},${y.map(Math.min(py, top)).toFixed(1)}`)
      .join(' ');
    const single =
      s.points.length === 1
        ? `<circle cx="${x.map(s.points[0]![0]).toFixed(1)}" cy="${y.map(Math.min(s.points[0]![1], top)).toFixed(1)}" r="3" fill="${s.color}"/>`
        : '';
    return `<polyline fill="none" stroke="${s.color}" stroke-width="${s.bold ? 2.8 : 1.4}"${s.dashed ? ' stroke-dasharray="5 3"' : ''} points="${points}"><title>${esc(s.label)}</title></polyline>${single}`;
  });
  const clipped = all.some((p) => p[1] > top)
    ? `<text x="${w - M.right}" y="${M.top - 4}" text-anchor="end">values above ${fmtTick(top)} drawn at the top edge</text>`
    : '';
  return svg(axes(x, y, options.xLabel, options.yLabel, w, h) + lines.join('') + clipped, w, h);
}

/** A legend as HTML (wraps with the page), one swatch per series. */
export function legend(series: readonly Pick<Series, 'label' | 'color' | 'dashed' | 'bold'>[]): string {
  const items = series.map(
    (s) =>
      `<span class="key"><svg width="28" height="10"><line x1="0" y1="5" x2="28" y2="5" stroke="${s.color}" stroke-width="${s.bold ? 3 : 2}"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/></svg>${esc(s.label)}</span>`,
  );
  return `<div class="legend">${items.join('')}</div>`;
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
  const left = 90;
  const top = 16;
  const w = left + cell * options.xValues.length + 16;
  const h = top + cell * options.yValues.length + 44;
  const finite = options.values.flat().filter((v): v is number => v !== undefined && Number.isFinite(v));
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 1;
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
        `<rect x="${cx}" y="${cy}" width="${cell - 2}" height="${cell - 2}" fill="${fill}"><title>${esc(`${options.xLabel}=${options.xValues[xi]} ${options.yLabel}=${yv}: ${v === undefined ? 'no result' : fmtValue(v)}`)}</title></rect>`,
      );
      parts.push(
        `<text x="${cx + cell / 2 - 1}" y="${cy + cell / 2 + 4}" text-anchor="middle" style="fill:${ink}">${v === undefined ? '–' : fmtValue(v)}</text>`,
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

interface Scale {
  map(v: number): number;
  ticks(): number[];
}

function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const span = d1 - d0 || 1;
  return {
    map: (v) => r0 + ((v - d0) / span) * (r1 - r0),
    ticks: () => {
      const step = niceStep(span / 5);
      const out: number[] = [];
      for (let t = Math.ceil(d0 / step) * step; t <= d1 + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
      return out;
    },
  };
}

function logScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1 > d0 ? d1 : d0 * 10);
  const inner = linearScale(l0, l1, r0, r1);
  return {
    map: (v) => inner.map(Math.log10(v)),
    ticks: () => {
      const out: number[] = [];
      for (let e = Math.floor(l0); e <= Math.ceil(l1); e++)
        for (const m of [1, 3])
          if (m * 10 ** e >= d0 && m * 10 ** e <= 10 ** l1) out.push(Number((m * 10 ** e).toPrecision(6)));
      return out.length > 1 ? out : [d0, 10 ** l1];
    },
  };
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * power;
}

function paddedRange(values: readonly number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo) * 0.05 || Math.abs(lo) * 0.05 || 0.5;
  return [lo - pad, hi + pad];
}

/** The 95th percentile, unless the largest value is within 20% of it (then the largest). */
function robustTop(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const max = sorted[sorted.length - 1]!;
  const p95 = sorted[Math.floor(0.95 * (sorted.length - 1))]!;
  return max <= p95 * 1.2 ? max : p95;
}

function axes(x: Scale, y: Scale, xLabel: string, yLabel: string, w: number, h: number): string {
  return [
    `<line x1="${M.left}" y1="${h - M.bottom}" x2="${w - M.right}" y2="${h - M.bottom}" stroke="#888"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${h - M.bottom}" stroke="#888"/>`,
    ...x
      .ticks()
      .map(
        (t) =>
          `<line x1="${x.map(t).toFixed(1)}" y1="${h - M.bottom}" x2="${x.map(t).toFixed(1)}" y2="${h - M.bottom + 4}" stroke="#888"/><text x="${x.map(t).toFixed(1)}" y="${h - M.bottom + 16}" text-anchor="middle">${fmtTick(t)}</text>`,
      ),
    ...y
      .ticks()
      .map(
        (t) =>
          `<line x1="${M.left}" y1="${y.map(t).toFixed(1)}" x2="${w - M.right}" y2="${y.map(t).toFixed(1)}" stroke="#eee"/><text x="${M.left - 6}" y="${(y.map(t) + 4).toFixed(1)}" text-anchor="end">${fmtTick(t)}</text>`,
      ),
    `<text x="${(M.left + w - M.right) / 2}" y="${h - 6}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="12" y="${(M.top + h - M.bottom) / 2}" text-anchor="middle" transform="rotate(-90 12 ${(M.top + h - M.bottom) / 2})">${esc(yLabel)}</text>`,
  ].join('');
}

function svg(content: string, w: number, h: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${content}</svg>`;
}

function emptyChart(message: string, w: number, h: number): string {
  return svg(`<text x="${w / 2}" y="${h / 2}" text-anchor="middle">${esc(message)}</text>`, w, h);
}

function fmtValue(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : String(v);
}

/** Axis numbers: 12k, 1.5M, 0.003. */
export function fmtTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1000) return `${Number((v / 1000).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The page's shared CSS (charts, legend, tables). */
export const REPORT_CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
.charts{display:flex;flex-wrap:wrap;gap:16px}
figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}
svg{background:#fff;border:1px solid #ddd}
svg text{font-size:11px;fill:#444}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0 10px}.legend .key{display:inline-flex;align-items:center;gap:6px}.legend svg{border:0}
table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #eee;padding:3px 8px;text-align:right}th{background:#f6f6f6}
td.l,th.l{text-align:left}.best td{background:#fff7d6}.failed td{color:#b00}.wide{overflow-x:auto}`;
