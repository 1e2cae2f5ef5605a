import { describe, expect, it } from 'vitest';
import { csvHeader, csvRow, CSV_LOG_COLUMNS } from './csv.js';
import { heatMap, lineChart } from './charts.js';
import { parseRunLog, renderRunReport, summarizeRun } from './run-report.js';

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

describe('parseRunLog', () => {
  it('reads the trainer CSV, empty validation cells as NaN', () => {
    const rows = parseRunLog(A);
    expect(rows.length).toBe(4);
    expect(rows[0]!.valBpc).toBeNaN();
    expect(rows[1]).toMatchObject({ step: 20, chars: 1280, lr: 0.002, elapsedSec: 2 });
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
  it('overlays runs with a legend, seven charts and a settings table, self-contained', () => {
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
    expect(html.match(/<figure>/g)!.length).toBe(7);
    expect(html).toContain('<div class="legend">');
    expect(html).toMatch(/Best: <b>ours<\/b> 2\.7411 val bpc/);
    for (const h of ['<th>lr</th>', '<th>hidden</th>', '<th>impl</th>']) expect(html).toContain(h);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    // One polyline per run per chart.
    expect(html.match(/<polyline/g)!.length).toBe(14);
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

describe('a tagging run in the report', () => {
  // step, chars, loss, smooth, val_loss, val_bpc, lr, grad_norm, clipped, chars/s, elapsed, accuracy, precision, recall, f1
  const tagged = log([
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
