// report.html: one self-contained page (inline SVG and CSS, no scripts, no network) that shows a
// sweep at a glance: validation curves of every trial on one chart, the metric against each swept
// hyperparameter, and the trials ranked. Hover a line or a point for its trial and settings.

import { heatMap, legend, lineChart, natsToBits, seriesColor } from '@charrnn/report';
import { snakeCase, trialScore, type TrialRecord } from './record.js';
import type { ParamValue, SpaceParam, SweepSpec } from './spec.js';

export interface ReportInput {
  readonly title: string;
  readonly spec: SweepSpec;
  readonly records: readonly TrialRecord[];
}

const W = 640;
const H = 360;
const M = { left: 56, right: 16, top: 16, bottom: 40 };

export function renderReport({ title, spec, records }: ReportInput): string {
  const metricLabel =
    spec.metric === 'val_bpc' ? 'validation bits per character' : 'validation loss (nats per character)';
  const ranked = records
    .filter((r) => trialScore(r, spec.metric) !== undefined)
    .sort((a, b) => trialScore(a, spec.metric)! - trialScore(b, spec.metric)!);
  const best = ranked.find((r) => r.status !== 'failed');
  const counts = ['ok', 'stopped', 'failed', 'running', 'pending']
    .map((s) => `${records.filter((r) => r.status === s).length} ${s}`)
    .join(' · ');
  const scatters = spec.space
    .filter((p) => p.key !== 'seed' || spec.space.length === 1)
    .map((p) => scatterChart(p, records, spec))
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
.charts{display:flex;flex-wrap:wrap;gap:16px}
figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}
svg{background:#fff;border:1px solid #ddd}
svg text{font-size:11px;fill:#444}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0 10px;max-width:1000px}.legend .key{display:inline-flex;align-items:center;gap:6px;font-size:12px}.legend svg{border:0}
table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #eee;padding:3px 8px;text-align:right}th{background:#f6f6f6}
td.l,th.l{text-align:left}.best td{background:#fff7d6}.failed td{color:#b00}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${records.length} trials (${counts}) · method ${spec.method} · budget ${spec.budget.value} ${spec.budget.kind} per trial${spec.asha ? ` · ASHA η=${spec.asha.eta}, ${spec.asha.rungs} rung(s)` : ''} · metric ${spec.metric} (lower is better).
${best ? `Best: <b>${esc(best.id)}</b> ${fmt(trialScore(best, spec.metric)!)} with ${esc(describeParams(best.params))}.` : 'No finished evaluation yet.'}</p>
<h2>Validation curves</h2>
<figure><figcaption>${esc(metricLabel)} against ${spec.budget.kind === 'chars' ? 'characters trained' : 'training step'} (bold: best trial; dashed: stopped early)</figcaption>${curveChart(records, best, spec)}</figure>
${gridHeatMap(records, spec)}
<h2>Metric against each hyperparameter</h2>
<p>Each point is one trial's best ${esc(spec.metric)}.</p>
<div class="charts">${scatters}</div>
<h2>Trials, best first</h2>
${table(records, ranked, spec, best)}
</body></html>
`;
}

function curveChart(records: readonly TrialRecord[], best: TrialRecord | undefined, spec: SweepSpec): string {
  const withCurve = records.filter((r) => r.curve.length > 0);
  if (withCurve.length === 0) return emptyChart('no evaluations yet');
  const byChars = spec.budget.kind === 'chars';
  // One colour per trial, the same in the legend; the best is bold, trials ASHA stopped are dashed.
  const series = withCurve.map((r, i) => ({
    label: `${r.id} ${describeParams(r.params)}${r.status === 'stopped' ? ' (stopped)' : ''}`,
    color: seriesColor(i, withCurve.length),
    points: r.curve.map((p) => [byChars ? p.chars : p.step, natsToBits(p.valLoss)] as const),
    bold: r === best,
    dashed: r.status === 'stopped',
  }));
  return (
    lineChart({
      series,
      xLabel: byChars ? 'characters' : 'step',
      yLabel: 'val bpc',
      width: W,
      height: H,
      robustTop: true,
    }) + legend(series)
  );
}

/** A grid over exactly two settings: the best metric of each pair as a heat map. */
function gridHeatMap(records: readonly TrialRecord[], spec: SweepSpec): string {
  const swept = spec.space.filter((p) => p.key !== 'seed');
  if (spec.method !== 'grid' || swept.length !== 2 || swept.some((p) => p.spec.dist !== 'choice')) return '';
  const [across, down] = swept as [SpaceParam, SpaceParam];
  const values = (p: SpaceParam): ParamValue[] => (p.spec.dist === 'choice' ? [...p.spec.values] : []);
  const xs = values(across);
  const ys = values(down);
  // Several trials per pair (seeds): the best of them.
  const cells = ys.map((yv) =>
    xs.map((xv) => {
      const scores = records
        .filter((r) => r.status !== 'failed' && r.params[across.key] === xv && r.params[down.key] === yv)
        .map((r) => trialScore(r, spec.metric))
        .filter((v): v is number => v !== undefined);
      return scores.length ? Math.min(...scores) : undefined;
    }),
  );
  const map = heatMap({
    xLabel: snakeCase(across.key),
    yLabel: snakeCase(down.key),
    xValues: xs.map(String),
    yValues: ys.map(String),
    values: cells,
    valueLabel: spec.metric,
  });
  return `<h2>Grid</h2>\n<figure><figcaption>best ${esc(spec.metric)} of each pair (darker is better)</figcaption>${map}</figure>`;
}

function scatterChart(param: SpaceParam, records: readonly TrialRecord[], spec: SweepSpec): string {
  const points = records.flatMap((r) => {
    const score = r.status === 'failed' ? undefined : trialScore(r, spec.metric);
    const value = r.params[param.key];
    return score === undefined || value === undefined ? [] : [{ r, value, score }];
  });
  const caption = `${spec.metric} against ${snakeCase(param.key)}${param.spec.dist === 'loguniform' ? ' (log scale)' : ''}`;
  if (points.length === 0)
    return `<figure><figcaption>${esc(caption)}</figcaption>${emptyChart('no results yet', 320, 240)}</figure>`;
  const w = 320;
  const h = 240;
  const y = linearScale(...paddedRange(points.map((p) => p.score)), h - M.bottom, M.top);
  let x: Scale;
  let categories: ParamValue[] | null = null;
  if (param.spec.dist === 'choice') {
    categories = [...param.spec.values];
    if (categories.every((v) => typeof v === 'number')) categories.sort((a, b) => (a as number) - (b as number));
    x = categoryScale(categories.length, M.left, w - M.right);
  } else {
    const lo = param.spec.min;
    const hi = param.spec.max;
    x =
      param.spec.dist === 'loguniform'
        ? logScale(lo, hi, M.left, w - M.right)
        : linearScale(lo, hi, M.left, w - M.right);
  }
  const dots = points.map(({ r, value, score }) => {
    const px = categories ? x.map(categories.indexOf(value)) : x.map(value as number);
    return `<circle cx="${px.toFixed(1)}" cy="${y.map(score).toFixed(1)}" r="4" fill="${r.status === 'stopped' ? '#999' : '#2a6fdb'}" fill-opacity="0.75"><title>${esc(`${r.id}: ${fmt(score)} — ${describeParams(r.params)}`)}</title></circle>`;
  });
  const xTicks = categories ? categories.map((c, i) => ({ at: x.map(i), label: String(c) })) : undefined;
  return `<figure><figcaption>${esc(caption)}</figcaption>${svg(axes(x, y, snakeCase(param.key), spec.metric, false, xTicks, w, h) + dots.join(''), w, h)}</figure>`;
}

function table(
  records: readonly TrialRecord[],
  ranked: readonly TrialRecord[],
  spec: SweepSpec,
  best: TrialRecord | undefined,
): string {
  const keys = spec.space.map((p) => p.key).filter((k) => k !== 'seed');
  const order = [...ranked, ...records.filter((r) => !ranked.includes(r))];
  const head = `<tr><th class="l">id</th>${keys.map((k) => `<th>${esc(snakeCase(k))}</th>`).join('')}<th class="l">status</th><th>steps</th><th>best ${esc(spec.metric)}</th><th>final val bpc</th><th>chars/s</th><th>wall s</th><th>seed</th><th class="l">error</th></tr>`;
  const rows = order.map((r) => {
    const score = trialScore(r, spec.metric);
    const cls = r === best ? ' class="best"' : r.status === 'failed' ? ' class="failed"' : '';
    return `<tr${cls}><td class="l">${esc(r.id)}</td>${keys.map((k) => `<td>${esc(String(r.params[k] ?? ''))}</td>`).join('')}<td class="l">${r.status}</td><td>${r.steps}</td><td>${score === undefined ? '' : fmt(score)}</td><td>${r.finalValLoss === undefined ? '' : fmt(natsToBits(r.finalValLoss))}</td><td>${r.charsPerSec === undefined ? '' : Math.round(r.charsPerSec)}</td><td>${r.wallSec.toFixed(1)}</td><td>${r.seed}</td><td class="l">${esc(r.error ?? '')}</td></tr>`;
  });
  return `<table>${head}${rows.join('')}</table>`;
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
  const l1 = Math.log10(d1);
  const inner = linearScale(l0, l1, r0, r1);
  return {
    map: (v) => inner.map(Math.log10(v)),
    ticks: () => {
      const out: number[] = [];
      for (let e = Math.floor(l0); e <= Math.ceil(l1); e++)
        for (const m of [1, 3])
          if (m * 10 ** e >= d0 && m * 10 ** e <= d1) out.push(Number((m * 10 ** e).toPrecision(6)));
      return out.length > 1 ? out : [d0, d1];
    },
  };
}

function categoryScale(n: number, r0: number, r1: number): Scale {
  const step = (r1 - r0) / n;
  return { map: (i) => r0 + step * (i + 0.5), ticks: () => [] };
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * power;
}

function paddedRange(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const pad = (hi - lo) * 0.05 || Math.abs(lo) * 0.05 || 0.5;
  return [lo - pad, hi + pad];
}

function axes(
  x: Scale,
  y: Scale,
  xLabel: string,
  yLabel: string,
  _log: boolean,
  xTicks?: { at: number; label: string }[],
  w = W,
  h = H,
): string {
  const xt = xTicks ?? x.ticks().map((t) => ({ at: x.map(t), label: fmtTick(t) }));
  const parts = [
    `<line x1="${M.left}" y1="${h - M.bottom}" x2="${w - M.right}" y2="${h - M.bottom}" stroke="#888"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${h - M.bottom}" stroke="#888"/>`,
    ...xt.map(
      (t) =>
        `<line x1="${t.at.toFixed(1)}" y1="${h - M.bottom}" x2="${t.at.toFixed(1)}" y2="${h - M.bottom + 4}" stroke="#888"/><text x="${t.at.toFixed(1)}" y="${h - M.bottom + 16}" text-anchor="middle">${esc(t.label)}</text>`,
    ),
    ...y
      .ticks()
      .map(
        (t) =>
          `<line x1="${M.left}" y1="${y.map(t).toFixed(1)}" x2="${w - M.right}" y2="${y.map(t).toFixed(1)}" stroke="#eee"/><text x="${M.left - 6}" y="${(y.map(t) + 4).toFixed(1)}" text-anchor="end">${fmtTick(t)}</text>`,
      ),
    `<text x="${(M.left + w - M.right) / 2}" y="${h - 6}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="12" y="${(M.top + h - M.bottom) / 2}" text-anchor="middle" transform="rotate(-90 12 ${(M.top + h - M.bottom) / 2})">${esc(yLabel)}</text>`,
  ];
  return parts.join('');
}

function svg(content: string, w = W, h = H): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${content}</svg>`;
}

function emptyChart(message: string, w = W, h = H): string {
  return svg(`<text x="${w / 2}" y="${h / 2}" text-anchor="middle">${esc(message)}</text>`, w, h);
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : String(v);
}

function fmtTick(v: number): string {
  return Math.abs(v) >= 1000 ? `${Number((v / 1000).toPrecision(3))}k` : String(Number(v.toPrecision(3)));
}

export function describeParams(params: Readonly<Record<string, ParamValue>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
