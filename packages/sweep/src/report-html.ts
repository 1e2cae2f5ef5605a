// report.html: one self-contained page (inline SVG and CSS, no scripts, no network) that shows a
// sweep at a glance: validation curves of every trial on one chart, the metric against each swept
// hyperparameter, and the trials ranked. Hover a line or a point for its trial and settings.

import {
  emptyChart,
  esc,
  heatMap,
  legend,
  lineChart,
  natsToBits,
  reportPage,
  scatterChart,
  seriesColor,
  type ScatterAxis,
} from '@charrnn/report';
import { snakeCase, trialScore, type TrialRecord } from './record.js';
import type { ParamValue, SpaceParam, SweepSpec } from './spec.js';

export interface ReportInput {
  readonly title: string;
  readonly spec: SweepSpec;
  readonly records: readonly TrialRecord[];
}

const W = 640;
const H = 360;

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
    .map((p) => settingChart(p, records, spec))
    .join('\n');
  const body = `<h1>${esc(title)}</h1>
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
`;
  return reportPage({ title, body });
}

function curveChart(records: readonly TrialRecord[], best: TrialRecord | undefined, spec: SweepSpec): string {
  const withCurve = records.filter((r) => r.curve.length > 0);
  if (withCurve.length === 0) return emptyChart('no evaluations yet', W, H);
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
      return scores.length ? scores.reduce((a, b) => Math.min(a, b)) : undefined;
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

/** Each trial's best metric against one swept setting (its listed choices, or its numeric range). */
function settingChart(param: SpaceParam, records: readonly TrialRecord[], spec: SweepSpec): string {
  const caption = `${spec.metric} against ${snakeCase(param.key)}${param.spec.dist === 'loguniform' ? ' (log scale)' : ''}`;
  let categories: ParamValue[] = [];
  let x: ScatterAxis;
  if (param.spec.dist === 'choice') {
    categories = [...param.spec.values];
    if (categories.every((v) => typeof v === 'number')) categories.sort((a, b) => (a as number) - (b as number));
    x = { kind: 'category', categories: categories.map(String) };
  } else {
    x = { kind: param.spec.dist === 'loguniform' ? 'log' : 'linear', min: param.spec.min, max: param.spec.max };
  }
  const points = records.flatMap((r) => {
    const score = r.status === 'failed' ? undefined : trialScore(r, spec.metric);
    const value = r.params[param.key];
    if (score === undefined || value === undefined) return [];
    return [
      {
        x: x.kind === 'category' ? categories.indexOf(value) : (value as number),
        y: score,
        color: r.status === 'stopped' ? '#999' : '#2a6fdb',
        title: `${r.id}: ${fmt(score)} — ${describeParams(r.params)}`,
      },
    ];
  });
  const chart = scatterChart({ points, x, xLabel: snakeCase(param.key), yLabel: spec.metric, width: 320, height: 240 });
  return `<figure><figcaption>${esc(caption)}</figcaption>${chart}</figure>`;
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

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : String(v);
}

export function describeParams(params: Readonly<Record<string, ParamValue>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
