// The kernel-memory estimate against a real run: a Trainer on kernels that count the bytes of every
// array they hand out, trained for a few steps with one evaluation (a full chunk and a shorter last
// one) and one sample, must have allocated exactly the parts kernelFloats names — for cells with and
// without a cell state, weight drop, output dropout, dropout between layers and a weight average.

import { Vocabulary } from '@charrnn/corpus';
import { stateFloats } from '@charrnn/model';
import { countingKernels } from '@charrnn/tensor/conformance';
import { describe, expect, it } from 'vitest';
import { resolveTrainConfig, type TrainConfig } from './config.js';
import { estimateKernelBytes, kernelFloats } from './memory.js';
import { Trainer } from './trainer.js';

const TEXT = 'the quick brown fox jumps over the lazy dog, then naps. ';
const vocab = Vocabulary.fromText(TEXT);
const encoded = (length: number): Int32Array =>
  Int32Array.from({ length }, (_, i) => vocab.encode(TEXT)[i % TEXT.length]!);
// 511 predictions: one chunk of 256 and a last one of 255, the two evaluation workspaces the estimate counts.
const data = { vocab, train: encoded(2000), val: encoded(512) };

const RUNS: Partial<TrainConfig>[] = [
  { cell: 'rnn', hidden: 12, optimizer: 'adagrad', dtype: 'f64' },
  { cell: 'lstm', hidden: 8, layers: 2, dropout: 0.2, weightDrop: 0.3, optimizer: 'adam', dtype: 'f32' },
  { cell: 'gru', hidden: 6, layers: 2, outputDropout: 0.25, emaDecay: 0.9, optimizer: 'sgd', dtype: 'f64' },
  { cell: 'lstm', hidden: 5, outputDropout: 0.1, weightDrop: 0.2, emaDecay: 0.99, optimizer: 'rmsprop', dtype: 'f32' },
];

describe('kernel memory estimate against real allocations', () => {
  for (const run of RUNS) {
    const config = resolveTrainConfig({
      ...run,
      seqLength: 7,
      batchSize: 3,
      steps: 4,
      evalEvery: 4,
      logEvery: 4,
      sampleEvery: 4,
      sampleLength: 5,
    });
    it(`counts what a Trainer allocates (${JSON.stringify(run)})`, async () => {
      const { kernels, bytes } = countingKernels();
      const trainer = new Trainer({ config, data, clock: () => 0, kernels });
      const parts = kernelFloats(config, vocab.size);
      const bytesPer = config.dtype === 'f32' ? 4 : 8;
      const model = { ...trainer.model.config };
      // Built: the model, its average, the optimizer's slots and the B-stream state.
      expect(bytes()).toBe((parts.model + parts.average + parts.optimizer + stateFloats(model, 3)) * bytesPer);
      const events: string[] = [];
      for await (const event of trainer.run()) events.push(event.type);
      expect(events.filter((type) => type === 'eval')).toHaveLength(1);
      expect(events.filter((type) => type === 'sample')).toHaveLength(1);
      const all = Object.values(parts).reduce((a, b) => a + b, 0);
      expect(bytes()).toBe(all * bytesPer);
      expect(estimateKernelBytes(config, vocab.size)).toBeGreaterThanOrEqual(bytes());
    });
  }

  // A bidirectional restore-spaces tagger: the reverse direction's cells, the joined [T·B, 2H] outputs
  // and the [2 labels, 2H] decoder; evaluated by StreamTagger in windows of T = 7 (lookahead 3):
  // 14 labels leave a last window of 6 = T − 1, the two evaluation workspaces the estimate counts.
  const labelled = (length: number): Int32Array => Int32Array.from({ length }, (_, i) => (i % 5 === 4 ? 1 : 0));
  const taggerData = {
    vocab,
    train: encoded(2000),
    val: encoded(14),
    trainLabels: labelled(2000),
    valLabels: labelled(14),
  };
  const TAGGER_RUNS: Partial<TrainConfig>[] = [
    { cell: 'lstm', hidden: 6, optimizer: 'adagrad', dtype: 'f32' },
    {
      cell: 'gru',
      hidden: 5,
      layers: 2,
      dropout: 0.2,
      outputDropout: 0.1,
      emaDecay: 0.9,
      optimizer: 'adam',
      dtype: 'f64',
    },
  ];
  for (const run of TAGGER_RUNS) {
    const config = resolveTrainConfig({
      ...run,
      task: 'restore-spaces',
      bidirectional: true,
      seqLength: 7,
      batchSize: 3,
      steps: 4,
      evalEvery: 4,
      logEvery: 4,
    });
    it(`counts what a bidirectional tagger's Trainer allocates (${JSON.stringify(run)})`, async () => {
      const { kernels, bytes } = countingKernels();
      const trainer = new Trainer({ config, data: taggerData, clock: () => 0, kernels });
      const parts = kernelFloats(config, vocab.size);
      const bytesPer = config.dtype === 'f32' ? 4 : 8;
      const model = { ...trainer.model.config };
      expect(model.bidirectional).toBe(true);
      expect(bytes()).toBe((parts.model + parts.average + parts.optimizer + stateFloats(model, 3)) * bytesPer);
      const events: string[] = [];
      for await (const event of trainer.run()) events.push(event.type);
      expect(events.filter((type) => type === 'eval')).toHaveLength(1);
      expect(parts.sampling).toBe(0);
      const all = Object.values(parts).reduce((a, b) => a + b, 0);
      expect(bytes()).toBe(all * bytesPer);
      // The reverse direction is about as big again as the one-way model it used to be counted as.
      const oneWay = kernelFloats({ ...config, bidirectional: false }, vocab.size);
      expect(parts.model).toBeGreaterThan(1.5 * oneWay.model);
    });
  }

  it('counts the weight average, weight drop and output dropout (each makes the estimate larger)', () => {
    const base = resolveTrainConfig({ cell: 'lstm', hidden: 64 });
    const size = (c: Partial<TrainConfig>): number => estimateKernelBytes({ ...base, ...c }, 80);
    expect(size({ emaDecay: 0.999 })).toBeGreaterThan(size({}));
    expect(size({ weightDrop: 0.5 })).toBeGreaterThan(size({}));
    expect(size({ outputDropout: 0.5 })).toBeGreaterThan(size({}));
  });
});
