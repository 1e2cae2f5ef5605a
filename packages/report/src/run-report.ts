// A run's report page: one or several training logs (the CSV the trainer writes) overlaid on the
// same charts — validation bpc against characters and against time, training and smoothed loss,
// learning rate, gradient norm, speed — with a legend and a table of each run's settings and
// best result. charrnn-report reads the files; this module only turns rows into HTML.

import { REPORT_CSS, esc, legend, lineChart, seriesColor, type Series } from './charts.js';
import { CSV_LOG_COLUMNS } from './csv.js';

/** One CSV row of a training log, numbers parsed; absent values (no evaluation that step) are NaN. */
export interface RunLogRow {
  readonly step: number;
  readonly chars: number;
  readonly loss: number;
  readonly smoothLoss: number;
  readonly valLoss: number;
  readonly valBpc: number;
  readonly lr: number;
  readonly gradNorm: number;
  readonly charsPerSec: number;
  readonly elapsedSec: number;
  /** A tagging task's held-out accuracy and boundary F1 (NaN for next-symbol runs and steps without an evaluation). */
  readonly valAccuracy: number;
  readonly valF1: number;
}

export interface RunLog {
  readonly label: string;
  readonly rows: readonly RunLogRow[];
  /** The run's settings (flag name → value), when known. */
  readonly settings?: Readonly<Record<string, string | number | boolean>>;
}

/** Parses a training log CSV; throws a RangeError naming the first problem. Extra columns are ignored. */
export function parseRunLog(text: string, where = 'parseRunLog'): RunLogRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new RangeError(`${where}: the log must have a header line, got an empty file`);
  const header = lines[0]!.split(',').map((h) => h.trim());
  const required = ['step', 'chars', 'loss', 'val_bpc', 'lr', 'elapsed_s'];
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0)
    throw new RangeError(
      `${where}: the header must have the trainer's columns (${CSV_LOG_COLUMNS.join(',')}), missing ${missing.join(', ')}`,
    );
  const index = (name: string): number => header.indexOf(name);
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    const num = (name: string): number => {
      const k = index(name);
      const cell = k < 0 ? '' : (cells[k] ?? '').trim();
      return cell === '' ? Number.NaN : Number(cell);
    };
    const row: RunLogRow = {
      step: num('step'),
      chars: num('chars'),
      loss: num('loss'),
      smoothLoss: num('smooth_loss'),
      valLoss: num('val_loss'),
      valBpc: num('val_bpc'),
      lr: num('lr'),
      gradNorm: num('grad_norm'),
      charsPerSec: num('chars_per_s'),
      elapsedSec: num('elapsed_s'),
      valAccuracy: num('val_accuracy'),
      valF1: num('val_f1'),
    };
    if (!Number.isFinite(row.step) || !Number.isFinite(row.chars))
      throw new RangeError(
        `${where}: line ${i + 2} must start with numeric step and chars, got ${JSON.stringify(line.slice(0, 60))}`,
      );
    return row;
  });
}

export interface RunSummary {
  readonly bestValBpc?: number;
  readonly bestAtStep?: number;
  readonly bestAtChars?: number;
  readonly bestAtSec?: number;
  readonly finalValBpc?: number;
  /** Tagging runs: the last evaluation's accuracy and boundary F1. */
  readonly finalValAccuracy?: number;
  readonly finalValF1?: number;
  readonly steps: number;
  readonly chars: number;
  readonly elapsedSec: number;
}

export function summarizeRun(rows: readonly RunLogRow[]): RunSummary {
  const last = rows[rows.length - 1];
  const evals = rows.filter((r) => Number.isFinite(r.valBpc));
  const best = evals.reduce<RunLogRow | undefined>(
    (b, r) => (b === undefined || r.valBpc < b.valBpc ? r : b),
    undefined,
  );
  return {
    steps: last?.step ?? 0,
    chars: last?.chars ?? 0,
    elapsedSec: last?.elapsedSec ?? 0,
    ...(best
      ? { bestValBpc: best.valBpc, bestAtStep: best.step, bestAtChars: best.chars, bestAtSec: best.elapsedSec }
      : {}),
    ...(evals.length ? { finalValBpc: evals[evals.length - 1]!.valBpc } : {}),
    ...(evals.length && Number.isFinite(evals[evals.length - 1]!.valAccuracy)
      ? { finalValAccuracy: evals[evals.length - 1]!.valAccuracy }
      : {}),
    ...(evals.length && Number.isFinite(evals[evals.length - 1]!.valF1)
      ? { finalValF1: evals[evals.length - 1]!.valF1 }
      : {}),
  };
}

/** The self-contained page (inline SVG and CSS, no scripts). */
export function renderRunReport(runs: readonly RunLog[], title = 'charrnn training report'): string {
  const colors = runs.map((_, i) => seriesColor(i, runs.length));
  const series = (pick: (r: RunLogRow) => [number, number], filter: (r: RunLogRow) => boolean = () => true): Series[] =>
    runs.map((run, i) => ({ label: run.label, color: colors[i]!, points: run.rows.filter(filter).map(pick) }));
  const evalRow = (r: RunLogRow): boolean => Number.isFinite(r.valBpc);
  const bits = Math.LN2;
  const chart = (
    caption: string,
    s: Series[],
    xLabel: string,
    yLabel: string,
    extra: { logY?: boolean; robustTop?: boolean } = {},
  ): string =>
    `<figure><figcaption>${esc(caption)}</figcaption>${lineChart({ series: s, xLabel, yLabel, width: 600, height: 310, ...extra })}</figure>`;
  const charts = [
    chart(
      'Validation bits per character against characters trained',
      series((r) => [r.chars, r.valBpc], evalRow),
      'characters',
      'val bpc',
      { robustTop: true },
    ),
    chart(
      'Validation bits per character against time',
      series((r) => [r.elapsedSec, r.valBpc], evalRow),
      'seconds',
      'val bpc',
      { robustTop: true },
    ),
    chart(
      'Training loss (this step, bits per character)',
      series((r) => [r.chars, r.loss / bits]),
      'characters',
      'train bpc',
      { robustTop: true },
    ),
    chart(
      'Smoothed training loss (bits per character)',
      series((r) => [r.chars, r.smoothLoss / bits]),
      'characters',
      'smoothed bpc',
      { robustTop: true },
    ),
    chart(
      'Learning rate',
      series((r) => [r.chars, r.lr]),
      'characters',
      'lr',
    ),
    chart(
      'Gradient norm before clipping (log scale)',
      series((r) => [r.chars, r.gradNorm]),
      'characters',
      'grad norm',
      { logY: true },
    ),
    chart(
      'Speed',
      series((r) => [r.elapsedSec, r.charsPerSec]),
      'seconds',
      'chars/s',
    ),
  ];
  const summaries = runs.map((r) => summarizeRun(r.rows));
  const bestIndex = summaries.reduce(
    (b, s, i) => (s.bestValBpc !== undefined && (b < 0 || s.bestValBpc < summaries[b]!.bestValBpc!) ? i : b),
    -1,
  );
  const headline =
    bestIndex >= 0
      ? `Best: <b>${esc(runs[bestIndex]!.label)}</b> ${summaries[bestIndex]!.bestValBpc!.toFixed(4)} val bpc.`
      : 'No evaluation in these logs.';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
${REPORT_CSS}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${runs.length} run(s). ${headline} Losses are shown in bits per character (nats / ln 2).</p>
${legend(runs.map((r, i) => ({ label: r.label, color: colors[i]! })))}
<div class="charts">
${charts.join('\n')}
</div>
<h2>Runs</h2>
${runTable(runs, summaries, colors, bestIndex)}
</body></html>
`;
}

function runTable(
  runs: readonly RunLog[],
  summaries: readonly RunSummary[],
  colors: readonly string[],
  bestIndex: number,
): string {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.settings ?? {})))];
  const fmt = (v: number | undefined, digits = 4): string =>
    v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits);
  // Tagging runs add their task's metrics; a table of language models keeps its columns.
  const tagging = summaries.some((s) => s.finalValAccuracy !== undefined);
  const taggingHead = tagging ? '<th>final val accuracy</th><th>final val F1</th>' : '';
  const taggingCells = (s: RunSummary): string =>
    tagging ? `<td>${fmt(s.finalValAccuracy)}</td><td>${fmt(s.finalValF1)}</td>` : '';
  const head = `<tr><th class="l">run</th><th>best val bpc</th><th>at step</th><th>at chars</th><th>at s</th><th>final val bpc</th>${taggingHead}<th>steps</th><th>chars</th><th>seconds</th>${keys.map((k) => `<th>${esc(k)}</th>`).join('')}</tr>`;
  const rows = runs.map((run, i) => {
    const s = summaries[i]!;
    const swatch = `<span style="display:inline-block;width:10px;height:10px;background:${colors[i]};margin-right:6px"></span>`;
    return `<tr${i === bestIndex ? ' class="best"' : ''}><td class="l">${swatch}${esc(run.label)}</td><td>${fmt(s.bestValBpc)}</td><td>${s.bestAtStep ?? ''}</td><td>${s.bestAtChars ?? ''}</td><td>${fmt(s.bestAtSec, 1)}</td><td>${fmt(s.finalValBpc)}</td>${taggingCells(s)}<td>${s.steps}</td><td>${s.chars}</td><td>${fmt(s.elapsedSec, 1)}</td>${keys.map((k) => `<td>${esc(String(run.settings?.[k] ?? ''))}</td>`).join('')}</tr>`;
  });
  return `<div class="wide"><table>${head}${rows.join('')}</table></div>`;
}
