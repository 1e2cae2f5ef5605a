import { describe, expect, it } from 'vitest';
import { benchHtml, targetBars } from './chart-html.js';
import { benchFiles, incompleteReason, type BenchReport } from './report-files.js';
import { fake } from './test-measurements.js';

const report: BenchReport = {
  version: 1,
  startedAt: '2026-11-30T17:00:00.000Z',
  machine: { node: 'v20', platform: 'linux-x64', cpu: 'cpu <x>', cores: 2 },
  data: { source: 'kafka.txt', chars: 1000, vocab: 80 },
  settings: { seconds: 1, kernels: ['wasm-simd'], threads: [1] },
  ceiling: { gflops: 100, source: 'test' },
  measurements: [fake('rnn-h100-t25-b1', 'charrnn', 100_000)],
  targets: [
    { target: 'a <met>', status: 'met', detail: '3×', ratio: 3, goal: 2 },
    { target: 'b', status: 'not met', detail: '0.5×', ratio: 0.5, goal: 1 },
    { target: 'c', status: 'not measured', detail: 'skipped' },
  ],
  skipped: ['torch: missing'],
};

describe('benchHtml', () => {
  it('draws one bar per judged target, coloured by status, with the target line, and escapes text', () => {
    const bars = targetBars(report);
    expect(bars.match(/class="bar"/g)).toHaveLength(2);
    expect(bars.match(/class="goal"/g)).toHaveLength(2);
    expect(bars).toContain('#2e7d32');
    expect(bars).toContain('#c62828');
    // Labels are HTML that wraps, not SVG text cut at a fixed width.
    expect(bars).toContain('<div class="label">a &lt;met&gt;</div>');
    const html = benchHtml(report);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|https?:\/\//);
    expect(html).toContain('[not measured] c: skipped');
    expect(html).toContain('cpu &lt;x&gt;');
    expect(html).not.toContain('Partial run');
  });

  it('says on the page when the run is partial', () => {
    const html = benchHtml({ ...report, incomplete: 'stopped by Ctrl-C before every measurement ran' });
    expect(html).toContain('<p class="notice">Partial run: stopped by Ctrl-C');
  });
});

describe('benchFiles', () => {
  const bodies = { json: '{}', csv: 'a\n', html: '<p>' };

  it('a complete run writes its own files and the latest.* copies', () => {
    expect(benchFiles(report, bodies).map(([name]) => name)).toEqual([
      'bench-20261130-170000.json',
      'bench-20261130-170000.csv',
      'bench-20261130-170000.html',
      'latest.json',
      'latest.csv',
      'latest.html',
    ]);
  });

  it('a partial run (failed or interrupted) leaves latest.* alone', () => {
    for (const incomplete of [incompleteReason(true, []), incompleteReason(false, ['bench_torch.py: timed out'])]) {
      expect(incomplete).toBeDefined();
      const names = benchFiles({ ...report, incomplete: incomplete! }, bodies).map(([name]) => name);
      expect(names).toEqual(['bench-20261130-170000.json', 'bench-20261130-170000.csv', 'bench-20261130-170000.html']);
    }
    expect(incompleteReason(false, [])).toBeUndefined();
    expect(incompleteReason(false, ['x: y', 'z'])).toBe('2 measurements failed (x: y)');
  });
});
