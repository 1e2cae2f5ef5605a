import { describe, expect, it } from 'vitest';
import { BENCH_CONFIGS } from './configs.js';
import { planCharrnnRuns, planPeerRuns } from './plan.js';

const label = (r: { config: { id: string }; kernels: string; threads?: number }): string =>
  `${r.config.id}/${r.kernels}${r.threads !== undefined ? `/${r.threads}` : ''}`;

describe('planCharrnnRuns', () => {
  it('by default times the reference kernels on the seed config only, and one thread without a threads option', () => {
    const runs = planCharrnnRuns(BENCH_CONFIGS, { preferences: ['auto', 'reference'], explicit: false }, undefined);
    expect(runs.map(label)).toEqual([
      'rnn-h100-t25-b1/auto',
      'rnn-h100-t25-b1/reference',
      'rnn-h100-t25-b32/auto',
      'rnn-h512-t25-b32/auto',
      'lstm-h256-t64-b32/auto',
      'gru-h256-t64-b32/auto',
      'bilstm-h128-t64-b16/auto',
    ]);
  });

  it('adds the thread axis at H=512 B=32 only', () => {
    const runs = planCharrnnRuns(BENCH_CONFIGS, { preferences: ['auto'], explicit: false }, [1, 2]);
    expect(runs.map(label)).toEqual([
      'rnn-h100-t25-b1/auto/1',
      'rnn-h100-t25-b32/auto/1',
      'rnn-h512-t25-b32/auto/1',
      'rnn-h512-t25-b32/auto/2',
      'lstm-h256-t64-b32/auto/1',
      'gru-h256-t64-b32/auto/1',
      'bilstm-h128-t64-b16/auto/1',
    ]);
  });

  it('runs every listed kernel on every config when the list is explicit', () => {
    const runs = planCharrnnRuns(
      BENCH_CONFIGS.slice(1, 2),
      { preferences: ['reference', 'wasm'], explicit: true },
      undefined,
    );
    expect(runs.map(label)).toEqual(['rnn-h100-t25-b32/reference', 'rnn-h100-t25-b32/wasm']);
  });
});

describe('planPeerRuns', () => {
  it('runs the seed code on the seed config, batched numpy on rnn configs, torch everywhere', () => {
    const runs = planPeerRuns(BENCH_CONFIGS, 'k.txt', 2, { numpy: true, torch: true });
    expect(runs.map((r) => `${r.config.id}/${r.tool}/${r.args[1]}`)).toEqual([
      'rnn-h100-t25-b1/numpy/seed',
      'rnn-h100-t25-b1/numpy/batched',
      'rnn-h100-t25-b1/torch/rnn',
      'rnn-h100-t25-b32/numpy/batched',
      'rnn-h100-t25-b32/torch/rnn',
      'rnn-h512-t25-b32/numpy/batched',
      'rnn-h512-t25-b32/torch/rnn',
      'lstm-h256-t64-b32/torch/lstm',
      'gru-h256-t64-b32/torch/gru',
      'bilstm-h128-t64-b16/torch/lstm',
    ]);
    const tagger = runs.find((r) => r.config.id === 'bilstm-h128-t64-b16')!;
    expect(tagger.args.slice(-1)).toEqual(['--bidirectional']);
    expect(runs.filter((r) => r.args.includes('--bidirectional'))).toEqual([tagger]);
    const b32 = runs.find((r) => r.config.id === 'rnn-h100-t25-b32' && r.tool === 'numpy')!;
    expect(b32.args).toEqual([
      '--impl',
      'batched',
      '--data',
      'k.txt',
      '--seconds',
      '2',
      '--hidden',
      '100',
      '--seq-length',
      '25',
      '--batch',
      '32',
      '--dtype',
      'float32',
    ]);
  });

  it('leaves out a tool that is missing', () => {
    expect(
      planPeerRuns(BENCH_CONFIGS, 'k.txt', 2, { numpy: false, torch: true }).every((r) => r.tool === 'torch'),
    ).toBe(true);
    expect(planPeerRuns(BENCH_CONFIGS, 'k.txt', 2, { numpy: false, torch: false })).toEqual([]);
  });
});
