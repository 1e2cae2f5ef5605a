import { describe, expect, it } from 'vitest';
import { loadWasmKernels } from '@charrnn/kernels-wasm';
import { referenceKernels, type Kernels } from '@charrnn/tensor';
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
