import { describe, expect, it } from 'vitest';
import { evaluateTargets, memoryGrew, type TargetResult } from './targets.js';
import { bestCharrnn, ratiosFor } from './measurement.js';
import { fake } from './test-measurements.js';

const SEED = 'rnn-h100-t25-b1';
const B32 = 'rnn-h100-t25-b32';
const BIG = 'rnn-h512-t25-b32';
const LSTM = 'lstm-h256-t64-b32';
const GRU = 'gru-h256-t64-b32';
const BILSTM = 'bilstm-h128-t64-b16';

function status(results: readonly TargetResult[], prefix: string): string {
  const r = results.find((x) => x.target.startsWith(prefix));
  if (!r) throw new Error(`no target starting with ${prefix}`);
  return r.status;
}

describe('ratiosFor', () => {
  it("divides by the same config's peers only", () => {
    const all = [
      fake(SEED, 'charrnn', 200_000),
      fake(SEED, 'numpy-seed', 20_000),
      fake(SEED, 'torch', 40_000),
      fake(B32, 'numpy-batched', 1),
    ];
    expect(ratiosFor(all[0]!, all)).toEqual({ numpySeed: 10, torch: 5 });
  });

  it('judges charrnn by its fastest one-thread row', () => {
    const all = [
      fake(SEED, 'charrnn', 7_000, { kernels: 'reference' }),
      fake(SEED, 'charrnn', 200_000),
      fake(SEED, 'charrnn', 900_000, { threads: 2 }),
    ];
    expect(bestCharrnn(all, SEED)?.charsPerSec).toBe(200_000);
    expect(bestCharrnn(all, SEED, 2)?.charsPerSec).toBe(900_000);
  });
});

describe('evaluateTargets', () => {
  const memory = { steps: 1000, rssAtStepsMb: 60, rssAtTwiceStepsMb: 60.5, peakMb: 62 };

  it('meets every target when charrnn is far enough ahead', () => {
    const all = [
      fake(SEED, 'charrnn', 200_000),
      fake(SEED, 'numpy-seed', 20_000),
      fake(SEED, 'torch', 16_000),
      fake(LSTM, 'charrnn', 30_000),
      fake(LSTM, 'torch', 15_000),
      fake(GRU, 'charrnn', 40_000),
      fake(GRU, 'torch', 20_000),
      fake(BILSTM, 'charrnn', 20_000),
      fake(BILSTM, 'torch', 10_000),
      fake(B32, 'charrnn', 500_000),
      fake(B32, 'numpy-batched', 400_000),
      fake(B32, 'torch', 190_000),
      fake(BIG, 'charrnn', 40_000),
      fake(BIG, 'charrnn', 70_000, { threads: 2 }),
      fake(BIG, 'torch', 29_000),
    ];
    const results = evaluateTargets({ measurements: all, vocab: 80, ceilingGflops: 100, memory });
    expect(results.map((r) => r.status)).toEqual(Array(results.length).fill('met'));
    expect(results).toHaveLength(12);
  });

  it('judges the bidirectional tagger against its own torch peer only', () => {
    const all = [fake(BILSTM, 'charrnn', 11_700), fake(BILSTM, 'torch', 9_600), fake(LSTM, 'torch', 1_000)];
    const results = evaluateTargets({ measurements: all, vocab: 80, ceilingGflops: 100 });
    expect(status(results, 'bidirectional LSTM tagger')).toBe('not met');
    expect(status(results, 'LSTM H=256')).toBe('not measured');
  });

  it('uses "at least" for multiples and "strictly ahead" for ahead-of', () => {
    const all = [
      fake(SEED, 'charrnn', 160_000),
      fake(SEED, 'numpy-seed', 20_000),
      fake(B32, 'charrnn', 400_000),
      fake(B32, 'torch', 400_000),
    ];
    const results = evaluateTargets({ measurements: all, vocab: 80, ceilingGflops: 100 });
    expect(status(results, 'seed config (H=100 B=1): ≥ 8× the numpy')).toBe('met');
    expect(status(results, 'H=100 B=32: ahead of PyTorch')).toBe('not met');
  });

  it('judges the ceiling with the FLOP formula: 70% of 100 GFLOP/s at H=512 needs 38.5k chars/s', () => {
    const under = evaluateTargets({ measurements: [fake(BIG, 'charrnn', 38_000)], vocab: 80, ceilingGflops: 100 });
    const over = evaluateTargets({ measurements: [fake(BIG, 'charrnn', 38_600)], vocab: 80, ceilingGflops: 100 });
    expect(status(under, 'H=512 B=32 float32')).toBe('not met');
    expect(status(over, 'H=512 B=32 float32')).toBe('met');
    expect(under.find((r) => r.target.startsWith('H=512 B=32 float32'))?.detail).toContain(
      '69.1 GFLOP/s = 69% of 100.0 GFLOP/s',
    );
  });

  it('says "not measured" when a peer, the second thread or the memory check is missing', () => {
    const results = evaluateTargets({ measurements: [fake(SEED, 'charrnn', 100_000)], vocab: 80, ceilingGflops: 100 });
    expect(status(results, 'seed config (H=100 B=1): ≥ 8× PyTorch')).toBe('not measured');
    expect(status(results, 'two threads')).toBe('not measured');
    expect(status(results, 'memory does not grow')).toBe('not measured');
    expect(status(results, 'seed model')).toBe('met');
  });

  it('fails the memory targets on a big or growing process', () => {
    const results = evaluateTargets({
      measurements: [fake(SEED, 'charrnn', 100_000, { peakMb: 120 })],
      vocab: 80,
      ceilingGflops: 100,
      memory: { steps: 10, rssAtStepsMb: 60, rssAtTwiceStepsMb: 70, peakMb: 70 },
    });
    expect(status(results, 'seed model')).toBe('not met');
    expect(status(results, 'memory does not grow')).toBe('not met');
  });
});

describe('memoryGrew', () => {
  it('allows max(2 MB, 2%) of noise', () => {
    expect(memoryGrew({ rssAtStepsMb: 60, rssAtTwiceStepsMb: 62 })).toBe(false);
    expect(memoryGrew({ rssAtStepsMb: 60, rssAtTwiceStepsMb: 62.1 })).toBe(true);
    expect(memoryGrew({ rssAtStepsMb: 200, rssAtTwiceStepsMb: 203.9 })).toBe(false);
    expect(memoryGrew({ rssAtStepsMb: 60, rssAtTwiceStepsMb: 40 })).toBe(false);
  });
});
