// A run's report page: one or several training logs (the CSV the trainer writes) overlaid on the
// same charts — validation bpc against characters and against time, the training loss as a recent
// mean beside validation (both bits per character), learning rate, gradient norm, speed — with a
// legend, a table of each run's best result and its settings. charrnn-report reads and parses the
// files; this module only turns records into rows and rows into HTML.

import type { Point } from './chart-decimate.js';
import { extent } from './chart-scales.js';
import { legend, lineChart, seriesColor, type LineChartOptions, type Series } from './charts.js';
import { CSV_LOG_COLUMNS } from './csv.js';
import { esc, reportPage } from './html.js';

/** One CSV row of a training log, numbers parsed; absent values (no evaluation that step) are NaN. */
export interface RunLogRow {
  readonly step: number;
  readonly chars: number;
  readonly loss: number;
  readonly smoothLoss: number;
  /** The log's own recent-mean training bits per character (a `train_bpc` column), when it has one. */
  readonly trainBpc: number;
  readonly valLoss: number;
  readonly valBpc: number;
  readonly lr: number;
  readonly gradNorm: number;
  readonly charsPerSec: number;
  readonly elapsedSec: number;
  /** A tagging task's held-out accuracy and boundary F1 (NaN for next-symbol runs and steps without an evaluation). */
  readonly valAccuracy?: number;
  readonly valF1?: number;
}

export interface RunLog {
  readonly label: string;
  readonly rows: readonly RunLogRow[];
  /** The run's settings (flag name → value), when known. */
  readonly settings?: Readonly<Record<string, string | number | boolean>>;
}

export interface RunLogReader {
  /** One CSV record (the header first), as a CSV parser gives it; `line` is its line number, for errors. */
  add(record: readonly string[], line: number): void;
  /** The rows read so far; throws if there was no header. */
  rows(): RunLogRow[];
}

const REQUIRED_COLUMNS = ['step', 'chars', 'loss', 'val_bpc', 'lr', 'elapsed_s'];

/**
 * Turns the records of a training log into rows, one record at a time, so a million-row log is
 * never held as strings (the app feeds it from csv-parse's `on_record`). Errors are RangeErrors
 * that start with `where` (the file). Extra columns are ignored.
 */
export function createRunLogReader(where = 'createRunLogReader'): RunLogReader {
  const rows: RunLogRow[] = [];
  let column: ((name: string) => number) | undefined;
  return {
    add(record, line) {
      if (!column) {
        const header = record.map((h) => h.trim());
        const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
        if (missing.length > 0)
          throw new RangeError(
            `${where}: the header must have the trainer's columns (${CSV_LOG_COLUMNS.join(',')}), missing ${missing.join(', ')}`,
          );
        column = (name) => header.indexOf(name);
        return;
      }
      const at = column;
      const num = (name: string): number => {
        const k = at(name);
        const cell = k < 0 ? '' : (record[k] ?? '').trim();
        return cell === '' ? Number.NaN : Number(cell);
      };
      const row: RunLogRow = {
        step: num('step'),
        chars: num('chars'),
        loss: num('loss'),
        smoothLoss: num('smooth_loss'),
        trainBpc: num('train_bpc'),
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
          `${where}: line ${line} must start with numeric step and chars, got ${JSON.stringify(record.join(',').slice(0, 60))}`,
        );
      rows.push(row);
    },
    rows() {
      if (!column) throw new RangeError(`${where}: the log must have a header line, got an empty file`);
      return rows;
    },
  };
}

/**
 * Training loss in bits per character as a recent mean, comparable with validation bpc: the log's
 * `train_bpc` column when it has one, else the mean of `loss` / ln 2 over the trailing window of
 * `window` logged steps (see trainingWindow; steps with a non-finite loss left out). Not the seed's 0.999-smoothed
 * loss, which starts at ln V and lags the real loss for thousands of steps.
 */
export function recentTrainingBpc(rows: readonly RunLogRow[], window = trainingWindow(rows)): number[] {
  const out = new Array<number>(rows.length);
  let logged = false;
  for (const r of rows) if (Number.isFinite(r.trainBpc)) logged = true;
  if (logged) {
    for (let i = 0; i < rows.length; i++) out[i] = rows[i]!.trainBpc;
    return out;
  }
  // Prefix sums of the finite losses and of their count: each mean in O(1).
  const sum = new Float64Array(rows.length + 1);
  const count = new Float64Array(rows.length + 1);
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]!.loss;
    const ok = Number.isFinite(v);
    sum[i + 1] = sum[i]! + (ok ? v : 0);
    count[i + 1] = count[i]! + (ok ? 1 : 0);
  }
  for (let i = 0; i < rows.length; i++) {
    const from = Math.max(0, i + 1 - window);
    const n = count[i + 1]! - count[from]!;
    out[i] = n > 0 ? (sum[i + 1]! - sum[from]!) / n / Math.LN2 : Number.NaN;
  }
  return out;
}

/**
 * The trailing window for the training mean, in logged steps: the steps between two evaluations
 * (so each validation point sits beside the mean of the training since the one before), and at
 * least 1 % of the log and 5 steps.
 */
export function trainingWindow(rows: readonly RunLogRow[]): number {
  let first = -1;
  let spacing = 0;
  for (let i = 0; i < rows.length; i++) {
    if (!Number.isFinite(rows[i]!.valBpc)) continue;
    if (first >= 0) {
      spacing = i - first;
      break;
    }
    first = i;
  }
  return Math.max(5, Math.ceil(rows.length / 100), spacing);
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
    ...taggingSummary(evals[evals.length - 1]),
  };
}

/** A tagging run's last accuracy and F1 (nothing for a language model's row). */
function taggingSummary(last: RunLogRow | undefined): Pick<RunSummary, 'finalValAccuracy' | 'finalValF1'> {
  const accuracy = last?.valAccuracy ?? Number.NaN;
  const f1 = last?.valF1 ?? Number.NaN;
  return {
    ...(Number.isFinite(accuracy) ? { finalValAccuracy: accuracy } : {}),
    ...(Number.isFinite(f1) ? { finalValF1: f1 } : {}),
  };
}

/** The self-contained page (inline SVG and CSS, no scripts). */
export function renderRunReport(runs: readonly RunLog[], title = 'charrnn training report'): string {
  const colors = runs.map((_, i) => seriesColor(i, runs.length));
  const series = (pick: (r: RunLogRow) => Point, filter: (r: RunLogRow) => boolean = () => true): Series[] =>
    runs.map((run, i) => ({ label: run.label, color: colors[i]!, points: pickPoints(run.rows, pick, filter) }));
  const evalRow = (r: RunLogRow): boolean => Number.isFinite(r.valBpc);
  const chart = (caption: string, options: Omit<LineChartOptions, 'width' | 'height'>): string =>
    `<figure><figcaption>${esc(caption)}</figcaption>${lineChart({ width: 600, height: 310, ...options })}</figure>`;
  const lrLog = spansDecades(runs.map((r) => peak(r.rows, (row) => row.lr)));
  const charts = [
    chart('Validation bits per character against characters trained', {
      series: series((r) => [r.chars, r.valBpc], evalRow),
      xLabel: 'characters',
      yLabel: 'val bpc',
      robustTop: true,
    }),
    chart('Validation bits per character against time', {
      series: series((r) => [r.elapsedSec, r.valBpc], evalRow),
      xLabel: 'seconds',
      yLabel: 'val bpc',
      robustTop: true,
    }),
    chart('Training (solid, recent mean) and validation (dashed), bits per character', {
      series: runs.flatMap((run, i) => trainAndValidation(run, colors[i]!)),
      xLabel: 'characters',
      yLabel: 'bits per character',
      robustTop: true,
    }),
    chart(`Learning rate${lrLog ? ' (log scale: the runs differ by orders of magnitude)' : ''}`, {
      series: series((r) => [r.chars, r.lr]),
      xLabel: 'characters',
      yLabel: 'lr',
      logY: lrLog,
    }),
    chart('Gradient norm before clipping (log scale)', {
      series: series((r) => [r.chars, r.gradNorm]),
      xLabel: 'characters',
      yLabel: 'grad norm',
      logY: true,
    }),
    chart('Speed', { series: series((r) => [r.elapsedSec, r.charsPerSec]), xLabel: 'seconds', yLabel: 'chars/s' }),
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
  const window = runs.some((r) => r.rows.some((row) => Number.isFinite(row.trainBpc)))
    ? "the log's train_bpc column"
    : `the mean of the last ${runs.map((r) => trainingWindow(r.rows)).join(' / ')} logged steps (those between two evaluations, at least 1 % of the log)`;
  const body = `<h1>${esc(title)}</h1>
<p>${runs.length} run(s). ${headline} Losses are in bits per character (nats / ln 2); the training loss is ${esc(window)}.</p>
${legend(runs.map((r, i) => ({ label: r.label, color: colors[i]! })))}
<div class="charts">
${charts.join('\n')}
</div>
<h2>Runs</h2>
${runTable(runs, summaries, colors, bestIndex)}
${settingsSection(runs, colors)}`;
  return reportPage({ title, body });
}

/** The points of a series, built with a loop (a long log is never copied through filter + map). */
function pickPoints(
  rows: readonly RunLogRow[],
  pick: (r: RunLogRow) => Point,
  filter: (r: RunLogRow) => boolean,
): Point[] {
  const out: Point[] = [];
  for (const r of rows) if (filter(r)) out.push(pick(r));
  return out;
}

function trainAndValidation(run: RunLog, color: string): Series[] {
  const train = recentTrainingBpc(run.rows);
  const trainPoints: Point[] = [];
  const valPoints: Point[] = [];
  run.rows.forEach((r, i) => {
    trainPoints.push([r.chars, train[i]!]);
    if (Number.isFinite(r.valBpc)) valPoints.push([r.chars, r.valBpc]);
  });
  return [
    { label: `${run.label}: training (recent mean)`, color, points: trainPoints },
    { label: `${run.label}: validation`, color, points: valPoints, dashed: true, dots: valPoints.length <= 60 },
  ];
}

/** The largest finite positive value of a column (NaN when there is none). */
function peak(rows: readonly RunLogRow[], pick: (r: RunLogRow) => number): number {
  let top = Number.NaN;
  for (const r of rows) {
    const v = pick(r);
    if (Number.isFinite(v) && v > 0 && !(v <= top)) top = v;
  }
  return top;
}

/** Do the runs' values differ by at least a factor of 10 (an axis for one would flatten another)? */
export function spansDecades(peaks: readonly number[]): boolean {
  const range = extent(peaks, true);
  return range !== undefined && range[1] / range[0] >= 10;
}

function runTable(
  runs: readonly RunLog[],
  summaries: readonly RunSummary[],
  colors: readonly string[],
  bestIndex: number,
): string {
  const fmt = (v: number | undefined, digits = 4): string =>
    v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits);
  // Tagging runs add their task's metrics; a table of language models keeps its columns.
  const tagging = summaries.some((s) => s.finalValAccuracy !== undefined);
  const taggingHead = tagging ? '<th>final val accuracy</th><th>final val F1</th>' : '';
  const taggingCells = (s: RunSummary): string =>
    tagging ? `<td>${fmt(s.finalValAccuracy)}</td><td>${fmt(s.finalValF1)}</td>` : '';
  const head = `<tr><th class="l">run</th><th>best val bpc</th><th>at step</th><th>at chars</th><th>at s</th><th>final val bpc</th>${taggingHead}<th>steps</th><th>chars</th><th>seconds</th></tr>`;
  const rows = runs.map((run, i) => {
    const s = summaries[i]!;
    return `<tr${i === bestIndex ? ' class="best"' : ''}><td class="l">${swatch(colors[i]!)}${esc(run.label)}</td><td>${fmt(s.bestValBpc)}</td><td>${s.bestAtStep ?? ''}</td><td>${s.bestAtChars ?? ''}</td><td>${fmt(s.bestAtSec, 1)}</td><td>${fmt(s.finalValBpc)}</td>${taggingCells(s)}<td>${s.steps}</td><td>${s.chars}</td><td>${fmt(s.elapsedSec, 1)}</td></tr>`;
  });
  return `<table>${head}${rows.join('')}</table>`;
}

function swatch(color: string): string {
  return `<span style="display:inline-block;width:10px;height:10px;background:${color};margin-right:6px"></span>`;
}

/** Longer values are cut here (the whole value is in the chip's title). */
const SETTING_CHARS = 40;

/**
 * Settings as wrapping key=value chips, never a table wider than the page: the settings every run
 * shares once, then per run only those that differ (highlighted).
 */
function settingsSection(runs: readonly RunLog[], colors: readonly string[]): string {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.settings ?? {})))];
  if (keys.length === 0) return '';
  const value = (run: RunLog, key: string): string | undefined =>
    run.settings?.[key] === undefined ? undefined : String(run.settings[key]);
  const differs = (key: string): boolean => runs.some((r) => value(r, key) !== value(runs[0]!, key));
  const chip = (key: string, v: string, cls = ''): string => {
    const text = `${key}=${v}`;
    const shown = text.length > SETTING_CHARS ? `${text.slice(0, SETTING_CHARS - 1)}…` : text;
    return `<code${cls ? ` class="${cls}"` : ''} title="${esc(text)}">${esc(shown)}</code>`;
  };
  const shared = keys.filter((k) => !differs(k));
  const varying = keys.filter(differs);
  const parts = ['<h2>Settings</h2>'];
  if (shared.length > 0)
    parts.push(
      `<p>${runs.length > 1 ? 'The same in every run:' : 'Settings of the run:'}</p><div class="settings">${shared.map((k) => chip(k, value(runs[0]!, k)!)).join('')}</div>`,
    );
  if (varying.length > 0) {
    const rows = runs.map(
      (run, i) =>
        `<tr><td class="l">${swatch(colors[i]!)}${esc(run.label)}</td><td class="l"><div class="settings">${varying
          .map((k) => {
            const v = value(run, k);
            return v === undefined ? '' : chip(k, v, 'differs');
          })
          .join('')}</div></td></tr>`,
    );
    parts.push(
      `<p>Where the runs differ:</p><table><tr><th class="l">run</th><th class="l">settings</th></tr>${rows.join('')}</table>`,
    );
  }
  return parts.join('\n');
}
