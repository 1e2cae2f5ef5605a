import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvHeader, csvRow, CSV_LOG_COLUMNS, TAGGING_LOG_COLUMNS } from './csv.js';
import { heatMap, lineChart } from './charts.js';
import {
  createRunLogReader,
  recentTrainingBpc,
  renderRunReport,
  spansDecades,
  summarizeRun,
  trainingWindow,
  type RunLogRow,
} from './run-report.js';

/** What charrnn-report does: csv-parse's records, one at a time, into the reader. */
function parseRunLog(text: string, where?: string): RunLogRow[] {
  const reader = createRunLogReader(where);
  parse(text, {
    relax_column_count: true,
    skip_empty_lines: true,
    on_record: (record: string[], context: { lines: number }) => {
      reader.add(record, context.lines);
      return null;
    },
  });
  return reader.rows();
}

function log(rows: (number | undefined)[][]): string {
  return csvHeader([...CSV_LOG_COLUMNS]) + rows.map((r) => csvRow(r)).join('');
}

// step, chars, loss, smooth, val_loss, val_bpc, lr, grad_norm, clipped, chars/s, elapsed
const A = log([
  [10, 640, 3, 4, undefined, undefined, 0.001, 2, 0, 900, 1],
  [20, 1280, 2.5, 3.9, 2.0, 2.0 / Math.LN2, 0.002, 1.5, 0, 950, 2],
  [30, 1920, 2.2, 3.8, 1.9, 1.9 / Math.LN2, 0.002, 1.2, 0, 960, 3],
  [40, 2560, 2.0, 3.7, 1.95, 1.95 / Math.LN2, 0.001, 1.1, 0, 970, 4],
]);

describe('createRunLogReader', () => {
  it('reads the trainer CSV, empty validation cells as NaN', () => {
    const rows = parseRunLog(A);
    expect(rows.length).toBe(4);
    expect(rows[0]!.valBpc).toBeNaN();
    expect(rows[0]!.trainBpc).toBeNaN();
    expect(rows[1]).toMatchObject({ step: 20, chars: 1280, lr: 0.002, elapsedSec: 2 });
  });

  it('reads extra columns before the log columns, quoted cells with commas included', () => {
    const text =
      csvHeader(['trial', 'note', ...CSV_LOG_COLUMNS]) + csvRow([3, 'a, "quoted" note', 10, 640, 3, 4, 2, 2.9, 0.1]);
    const [row] = parseRunLog(text);
    expect(row).toMatchObject({ step: 10, chars: 640, loss: 3, valBpc: 2.9, lr: 0.1 });
  });

  it('refuses a file that is not a training log', () => {
    expect(() => parseRunLog('a,b\n1,2\n', 'run.csv')).toThrow("run.csv: the header must have the trainer's columns");
    expect(() => parseRunLog('', 'x')).toThrow('x: the log must have a header line, got an empty file');
    expect(() => parseRunLog(`${CSV_LOG_COLUMNS.join(',')}\nfoo,1\n`, 'x')).toThrow(
      'x: line 2 must start with numeric step and chars',
    );
  });
});

describe('summarizeRun', () => {
  it('finds the best evaluation and where it happened', () => {
    const s = summarizeRun(parseRunLog(A));
    expect(s).toMatchObject({ bestAtStep: 30, bestAtChars: 1920, bestAtSec: 3, steps: 40, chars: 2560 });
    expect(Math.abs(s.bestValBpc! - 1.9 / Math.LN2)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(s.finalValBpc! - 1.95 / Math.LN2)).toBeLessThanOrEqual(1e-12);
  });
});

describe('renderRunReport', () => {
  it('overlays runs with a legend, six charts, a results table and the settings, self-contained', () => {
    const html = renderRunReport(
      [
        { label: 'ours', rows: parseRunLog(A), settings: { lr: 0.003, hidden: 128 } },
        {
          label: 'torch',
          rows: parseRunLog(A).map((r) => ({ ...r, valBpc: r.valBpc + 0.1 })),
          settings: { impl: 'pytorch' },
        },
      ],
      'side by side',
    );
    expect(html).toContain('<title>side by side</title>');
    expect(html.match(/<figure>/g)!.length).toBe(6);
    expect(html).toContain('<div class="legend">');
    expect(html).toMatch(/Best: <b>ours<\/b> 2\.7411 val bpc/);
    // Settings as chips: each run's own (none shared here), never table columns that widen the page.
    for (const chip of ['>lr=0.003</code>', '>hidden=128</code>', '>impl=pytorch</code>']) expect(html).toContain(chip);
    expect(html).not.toContain('<th>lr</th>');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    // One polyline per run per chart, two (training and validation) in the training chart.
    expect(html.match(/<polyline/g)!.length).toBe(14);
    expect(html).not.toContain('Smoothed');
  });

  it('shows settings as chips: shared ones once, long values cut with the whole value in the title', () => {
    const long = `/data/${'very-long-directory-name/'.repeat(8)}corpus.txt`;
    const html = renderRunReport([
      { label: 'a', rows: parseRunLog(A), settings: { data: long, lr: 0.01 } },
      { label: 'b', rows: parseRunLog(A), settings: { data: long, lr: 0.02 } },
    ]);
    expect(html).toContain('The same in every run:');
    const chip = new RegExp(`<code title="data=${long}">(data=[^<]*)</code>`).exec(html);
    expect(chip![1]!.length).toBe(40);
    expect(chip![1]!.endsWith('…')).toBe(true);
    expect(html.match(/<code title="data=/g)).toHaveLength(1);
    expect(html).toContain('<code class="differs" title="lr=0.02">lr=0.02</code>');
  });

  it('escapes labels', () => {
    expect(renderRunReport([{ label: '<b>x</b>', rows: parseRunLog(A) }])).toContain('&lt;b&gt;x&lt;/b&gt;');
  });
});

describe('charts', () => {
  it('maps points inside the plot area and says when values are cut', () => {
    const svg = lineChart({
      series: [
        {
          label: 'a',
          color: '#000',
          points: [
            [0, 1],
            [1, 2],
            [2, 1.5],
            ...Array.from({ length: 40 }, (_, i) => [3 + i, 1.2] as const),
            [50, 1000],
          ],
        },
      ],
      xLabel: 'x',
      yLabel: 'y',
      robustTop: true,
    });
    expect(svg).toContain('drawn at the top edge');
    const coords = /points="([^"]+)"/
      .exec(svg)![1]!
      .split(' ')
      .map((p) => p.split(',').map(Number));
    for (const [x, y] of coords) {
      expect(x).toBeGreaterThanOrEqual(56);
      expect(x).toBeLessThanOrEqual(640 - 16);
      expect(y).toBeGreaterThanOrEqual(16);
      expect(y).toBeLessThanOrEqual(340 - 40);
    }
  });

  it('cuts the top per series: a series lying wholly above a busier one is never cut away', () => {
    const many = Array.from({ length: 200 }, (_, i) => [i, 2 + 0.01 * (i % 7)] as const);
    const above = Array.from({ length: 8 }, (_, i) => [i * 25, 5 + 0.01 * i] as const);
    const svg = lineChart({
      series: [
        { label: 'train', color: '#000', points: many },
        { label: 'val', color: '#111', points: above },
      ],
      xLabel: 'x',
      yLabel: 'y',
      robustTop: true,
    });
    expect(svg).not.toContain('drawn at the top edge');
  });

  it('heat map: one cell per pair, the lowest value darkest', () => {
    const svg = heatMap({
      xLabel: 'lr',
      yLabel: 'hidden',
      xValues: ['0.001', '0.01'],
      yValues: ['64', '128'],
      values: [
        [2, 1.5],
        [1.8, undefined],
      ],
      valueLabel: 'bpc',
    });
    expect(svg.match(/<rect/g)!.length).toBe(4);
    expect(svg).toContain('hsl(215 70% 30%)'); // 1.5, the best
    expect(svg).toContain('hsl(215 70% 90%)'); // 2, the worst
    expect(svg).toContain('#eee'); // no result
  });
});

/** Rows for tests: a loss per step, everything else plain. */
function rows(losses: readonly number[], extra: Partial<RunLogRow> = {}): RunLogRow[] {
  return losses.map((loss, i) => ({
    step: i + 1,
    chars: 100 * (i + 1),
    loss,
    smoothLoss: 5,
    trainBpc: Number.NaN,
    valLoss: Number.NaN,
    valBpc: Number.NaN,
    lr: 0.01,
    gradNorm: 1,
    charsPerSec: 1000,
    elapsedSec: i,
    ...extra,
  }));
}

describe('recentTrainingBpc', () => {
  it('is the trailing mean of loss / ln 2 over the window, non-finite losses left out', () => {
    const losses = Array.from({ length: 37 }, (_, i) => 4 - i * 0.05 + (i % 3) * 0.1);
    losses[10] = Number.NaN;
    const got = recentTrainingBpc(rows(losses), 5);
    for (let i = 0; i < losses.length; i++) {
      // Independent: a plain loop over the window.
      let sum = 0;
      let n = 0;
      for (let j = Math.max(0, i - 4); j <= i; j++)
        if (Number.isFinite(losses[j]!)) {
          sum += losses[j]!;
          n++;
        }
      const e = sum / n / Math.LN2;
      expect(Math.abs(got[i]! - e)).toBeLessThanOrEqual(1e-12 + 1e-10 * Math.abs(e));
    }
  });

  it("uses the log's train_bpc column when there is one", () => {
    expect(recentTrainingBpc(rows([3, 3, 3], { trainBpc: 1.25 }))).toEqual([1.25, 1.25, 1.25]);
  });

  it('has a window of the steps between two evaluations, at least 1 % of the log and 5 steps', () => {
    const evalEvery = (n: number, every: number): RunLogRow[] =>
      rows(new Array<number>(n).fill(3)).map((r, i) => ({ ...r, valBpc: (i + 1) % every === 0 ? 4 : Number.NaN }));
    expect(trainingWindow(rows(new Array<number>(10).fill(3)))).toBe(5);
    expect(trainingWindow(rows(new Array<number>(1001).fill(3)))).toBe(11);
    expect(trainingWindow(evalEvery(1000, 25))).toBe(25);
    expect(trainingWindow(evalEvery(100_000, 25))).toBe(1000);
  });
});

describe('spansDecades', () => {
  it('is true when the runs differ by a factor of 10 or more', () => {
    expect(spansDecades([0.001, 0.002, 0.005])).toBe(false);
    expect(spansDecades([0.0001, 0.002])).toBe(true);
    expect(spansDecades([Number.NaN, 0.01])).toBe(false);
  });

  it('puts the learning rate on a log axis then, and says so', () => {
    const html = renderRunReport([
      { label: 'small', rows: rows([3, 2.9, 2.8], { lr: 1e-4 }) },
      { label: 'large', rows: rows([3, 2.9, 2.8], { lr: 3e-2 }) },
    ]);
    expect(html).toContain('Learning rate (log scale');
    expect(renderRunReport([{ label: 'one', rows: rows([3, 2.9], { lr: 1e-4 }) }])).not.toContain(
      'Learning rate (log scale',
    );
  });
});

describe('renderRunReport on long logs', () => {
  it('draws a million-row log (no call stack overflow) with at most four points per pixel column', () => {
    const n = 1_000_000;
    const long: RunLogRow[] = new Array(n);
    for (let i = 0; i < n; i++)
      long[i] = {
        step: i + 1,
        chars: 64 * (i + 1),
        loss: 1.5 + 1 / (1 + i / 1000) + 0.2 * Math.sin(i),
        smoothLoss: 2,
        trainBpc: Number.NaN,
        valLoss: i % 1000 === 999 ? 1.6 : Number.NaN,
        valBpc: i % 1000 === 999 ? 1.6 / Math.LN2 : Number.NaN,
        lr: 0.002,
        gradNorm: i === 500_000 ? 1e6 : 3 + Math.cos(i),
        charsPerSec: 20_000,
        elapsedSec: i / 100,
      };
    const html = renderRunReport([{ label: 'long', rows: long }]);
    const polylines = [...html.matchAll(/points="([^"]*)"/g)].map((m) => m[1]!.split(' ').length);
    // 600 px wide charts: 4 points per column at most, whatever the log's length.
    for (const count of polylines) expect(count).toBeLessThanOrEqual(4 * 600);
    expect(html.length).toBeLessThan(1_000_000);
    // The single spike in the gradient norm survives decimation: the log axis reaches 1e6.
    expect(html).toContain('>1M</text>');
  });
});

/** A tagging run's log: the log columns, then the task's metrics. */
function taggedLog(rows: (number | undefined)[][]): string {
  return csvHeader([...CSV_LOG_COLUMNS, ...TAGGING_LOG_COLUMNS]) + rows.map((r) => csvRow(r)).join('');
}

describe('a tagging run in the report', () => {
  // step, chars, loss, smooth, val_loss, val_bpc, lr, grad_norm, clipped, chars/s, elapsed, accuracy, precision, recall, f1
  const tagged = taggedLog([
    [10, 640, 0.3, 0.5, 0.25, 0.25 / Math.LN2, 0.003, 1, 0, 900, 1, 0.9, 0.8, 0.7, 0.75],
    [20, 1280, 0.2, 0.4, 0.2, 0.2 / Math.LN2, 0.003, 1, 0, 900, 2, 0.95, 0.9, 0.85, 0.875],
  ]);

  it('lists the final accuracy and F1 beside the bpc; a language-model table keeps its columns', () => {
    const s = summarizeRun(parseRunLog(tagged));
    expect(s).toMatchObject({ finalValAccuracy: 0.95, finalValF1: 0.875 });
    const html = renderRunReport([{ label: 'spaces', rows: parseRunLog(tagged) }]);
    expect(html).toContain('<th>final val accuracy</th><th>final val F1</th>');
    expect(html).toContain('<td>0.9500</td><td>0.8750</td>');
    expect(renderRunReport([{ label: 'lm', rows: parseRunLog(A) }])).not.toContain('final val F1');
  });
});
