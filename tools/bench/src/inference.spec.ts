import { describe, expect, it } from 'vitest';
import { loadWasmKernels } from '@charrnn/kernels-wasm';
import { referenceKernels, type Kernels } from '@charrnn/tensor';
import { benchHtml, targetsSvg } from './chart-html.js';
import {
  EVAL_CHARS,
  EVAL_LSTM_H256,
  EVAL_RNN_H100,
  SAMPLE_RNN_H100,
  evalText,
  inferenceTargets,
  measureInference,
} from './inference.js';
import type { Measurement } from './measurement.js';
import type { BenchReport } from './report-files.js';
import { fake } from './test-measurements.js';

function row(id: string, family: Measurement['family'], charsPerSec: number, task: 'eval' | 'sample'): Measurement {
  return { ...fake('rnn-h100-t25-b1', family, charsPerSec), configId: id, task };
}

describe('inferenceTargets', () => {
  it('judges eval against training and PyTorch, sampling against 100k chars/s and PyTorch', () => {
    const all = [
      fake('rnn-h100-t25-b1', 'charrnn', 100_000),
      row(EVAL_RNN_H100.id, 'charrnn', 250_000, 'eval'),
      row(EVAL_RNN_H100.id, 'torch', 150_000, 'eval'),
      row(EVAL_LSTM_H256.id, 'charrnn', 20_000, 'eval'),
      row(EVAL_LSTM_H256.id, 'torch', 25_000, 'eval'),
      row(SAMPLE_RNN_H100.id, 'charrnn', 99_000, 'sample'),
      row(SAMPLE_RNN_H100.id, 'torch', 10_000, 'sample'),
    ];
    const results = inferenceTargets(all);
    expect(results.map((r) => r.status)).toEqual(['met', 'met', 'not met', 'met', 'not met']);
    expect(results[0]!.ratio).toBeCloseTo(2.5, 12);
    expect(results[4]!.detail).toContain('99.0k');
    expect(inferenceTargets([]).every((r) => r.status === 'not measured')).toBe(true);
  });
});

describe('measureInference', () => {
  const wasm = loadWasmKernels();
  const kernels: Kernels = 'unavailable' in wasm ? referenceKernels : wasm;
  const text = 'Gregor Samsa woke one morning from uneasy dreams. '.repeat(40);

  it('times the eval and sample paths and counts their characters', () => {
    for (const workload of [EVAL_RNN_H100, SAMPLE_RNN_H100]) {
      const m = measureInference({
        workload,
        text,
        kernels,
        seconds: 0.05,
        clock: () => performance.now(),
        rss: () => process.memoryUsage.rss(),
      });
      expect(m.configId).toBe(workload.id);
      expect(m.task).toBe(workload.task);
      expect(m.charsPerSec).toBeGreaterThan(0);
      expect(m.steps).toBeGreaterThanOrEqual(3);
      if (workload.task === 'eval') expect(m.seqLength).toBe(Math.min(text.length, EVAL_CHARS + 1) - 1);
    }
    expect(evalText('ab😀c'.repeat(EVAL_CHARS))).toHaveLength(EVAL_CHARS + 1 + EVAL_CHARS / 4); // code points, not UTF-16 units
  });
});

describe('benchHtml', () => {
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

  it('draws one bar per judged target, coloured by status, with the target line, and escapes text', () => {
    const svg = targetsSvg(report);
    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(svg).toContain('#2e7d32');
    expect(svg).toContain('#c62828');
    expect(svg).toContain('a &lt;met&gt;');
    expect(svg).toContain('stroke-dasharray');
    const html = benchHtml(report);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|https?:\/\//);
    expect(html).toContain('[not measured] c: skipped');
    expect(html).toContain('cpu &lt;x&gt;');
  });
});
