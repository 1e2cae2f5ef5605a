import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BENCH_CONFIGS,
  BILSTM_H128_B16,
  SEED_CONFIG,
  configId,
  describeConfig,
  describeRow,
  flopsPerChar,
  flopsPerCharOf,
  gflops,
  taggerFlopsPerChar,
} from './configs.js';

const close = (a: number, e: number, atol = 1e-12, rtol = 1e-10): boolean =>
  Math.abs(a - e) <= atol + rtol * Math.abs(e);

describe('flopsPerChar', () => {
  it("counts 6·(H² + H·V) for the vanilla rnn: the issue's ~110 kFLOP at H=100, V=80", () => {
    expect(flopsPerChar('rnn', 100, 80)).toBe(6 * (100 * 100 + 100 * 80));
    expect(flopsPerChar('rnn', 100, 80)).toBe(108_000);
    expect(flopsPerChar('rnn', 512, 80)).toBe(1_818_624);
  });

  it('counts four gates for the lstm: 6·(4H² + H·V)', () => {
    expect(flopsPerChar('lstm', 256, 80)).toBe(6 * (4 * 256 * 256 + 256 * 80));
    expect(flopsPerChar('gru', 256, 80)).toBe(6 * (3 * 256 * 256 + 256 * 80));
  });

  it('is forward (2GH² + 2HV) plus a backward of twice that', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2048 }),
        fc.integer({ min: 1, max: 512 }),
        fc.constantFrom('rnn' as const, 'lstm' as const, 'gru' as const),
        (h, v, cell) => {
          const g = { rnn: 1, gru: 3, lstm: 4 }[cell];
          const forward = 2 * g * h * h + 2 * h * v;
          return flopsPerChar(cell, h, v) === 3 * forward;
        },
      ),
    );
  });

  it("counts the bidirectional tagger's two cells and its [2H → 2 labels] decoder, whatever the vocabulary", () => {
    expect(taggerFlopsPerChar('lstm', 128)).toBe(6 * (2 * 4 * 128 * 128 + 2 * 128 * 2));
    expect(flopsPerCharOf({ cell: 'lstm', hidden: 128, bidirectional: true }, 80)).toBe(
      taggerFlopsPerChar('lstm', 128),
    );
    expect(flopsPerCharOf({ cell: 'lstm', hidden: 128 }, 80)).toBe(flopsPerChar('lstm', 128, 80));
  });

  it('turns a speed into GFLOP/s', () => {
    // 40k chars/s at H=512 is 72.7 GFLOP/s.
    expect(close(gflops(40_000, 'rnn', 512, 80), 72.74496)).toBe(true);
  });
});

describe('configs', () => {
  it("are the issue's four workloads, the GRU beside the LSTM and the bidirectional tagger, the seed first", () => {
    expect(BENCH_CONFIGS.map((c) => c.id)).toEqual([
      'rnn-h100-t25-b1',
      'rnn-h100-t25-b32',
      'rnn-h512-t25-b32',
      'lstm-h256-t64-b32',
      'gru-h256-t64-b32',
      'bilstm-h128-t64-b16',
    ]);
    expect(BENCH_CONFIGS[0]).toBe(SEED_CONFIG);
    expect(configId('lstm', 256, 64, 32)).toBe('lstm-h256-t64-b32');
    expect(describeConfig(SEED_CONFIG)).toBe('rnn H=100 T=25 B=1');
    expect(BILSTM_H128_B16).toMatchObject({
      cell: 'lstm',
      hidden: 128,
      seqLength: 64,
      batchSize: 16,
      bidirectional: true,
    });
    expect(describeRow(BILSTM_H128_B16)).toBe('bilstm H=128 T=64 B=16');
  });
});
