// allocation.ts against what CharRnnModel really allocates: a backend that counts the bytes of
// every typed array the model asks its kernels for, over configs that switch on each optional
// buffer (cells with and without a cell state, aux and a separate hidden gradient; layers; dropout,
// output dropout, weight drop; float32 and float64). An allocation added to the model without
// its line in allocation.ts fails here.

import { Prng } from '@charrnn/tensor';
import { countingKernels } from '@charrnn/tensor/conformance';
import { describe, expect, it } from 'vitest';
import { modelFloats, parameterCount, stateFloats, stepperFloats, workspaceFloats } from './allocation.js';
import type { ModelConfig } from './config.js';
import { ForwardStepper } from './forward-only.js';
import { CharRnnModel } from './model.js';

const CONFIGS: ModelConfig[] = [
  { cell: 'rnn', vocabSize: 7, hiddenSize: 5, layers: 1, dropout: 0, dtype: 'f64' },
  { cell: 'rnn', vocabSize: 9, hiddenSize: 4, layers: 3, dropout: 0.25, dtype: 'f32' },
  { cell: 'lstm', vocabSize: 6, hiddenSize: 3, layers: 2, dropout: 0, weightDrop: 0.5, dtype: 'f32' },
  { cell: 'lstm', vocabSize: 11, hiddenSize: 6, layers: 1, dropout: 0, outputDropout: 0.3, dtype: 'f64' },
  {
    cell: 'gru',
    vocabSize: 5,
    hiddenSize: 4,
    layers: 2,
    dropout: 0.1,
    outputDropout: 0.2,
    weightDrop: 0.3,
    dtype: 'f64',
  },
  { cell: 'gru', vocabSize: 8, hiddenSize: 2, layers: 1, dropout: 0, dtype: 'f32' },
];

const bytesPer = (config: ModelConfig): number => (config.dtype === 'f32' ? 4 : 8);

describe('model allocation sizes', () => {
  for (const config of CONFIGS) {
    const name = `${config.cell}, ${config.layers} layer(s), dropout ${config.dropout}, output dropout ${config.outputDropout ?? 0}, weight drop ${config.weightDrop ?? 0}, ${config.dtype}`;
    it(`equal the bytes the model allocates: built, a training window, an evaluation window (${name})`, () => {
      const { kernels, bytes } = countingKernels();
      const model = new CharRnnModel(config, kernels);
      expect(bytes()).toBe(modelFloats(config) * bytesPer(config));
      expect(model.params.list.reduce((sum, p) => sum + p.value.length, 0)).toBe(parameterCount(config));

      const [T, B] = [4, 3];
      const before = bytes();
      const state = model.createState(B);
      expect(bytes() - before).toBe(stateFloats(config, B) * bytesPer(config));
      const ids = Int32Array.from({ length: T * B }, (_, i) => i % config.vocabSize);
      model.lossAndGradients(ids, ids, T, B, state, { train: true, rng: new Prng(1) });
      expect(bytes() - before).toBe((stateFloats(config, B) + workspaceFloats(config, T, B)) * bytesPer(config));
      // The same shape again allocates nothing; a new shape its own workspace.
      const trained = bytes();
      model.lossAndGradients(ids, ids, T, B, state, { train: true, rng: new Prng(2) });
      expect(bytes()).toBe(trained);
      model.forward(ids.subarray(0, 5), ids.subarray(0, 5), 5, 1, model.createState(1));
      expect(bytes() - trained).toBe((stateFloats(config, 1) + workspaceFloats(config, 5, 1)) * bytesPer(config));
      const evaluated = bytes();
      new ForwardStepper(model);
      expect(bytes() - evaluated).toBe(stepperFloats(config) * bytesPer(config));
    });
  }

  // A bidirectional tagger: each layer's cell twice, the joined [T·B, 2H] outputs, a decoder [O, 2H].
  const TAGGERS: ModelConfig[] = [
    {
      cell: 'lstm',
      vocabSize: 7,
      hiddenSize: 3,
      layers: 1,
      dropout: 0,
      outputSize: 2,
      bidirectional: true,
      dtype: 'f32',
    },
    {
      cell: 'gru',
      vocabSize: 6,
      hiddenSize: 4,
      layers: 2,
      dropout: 0.2,
      outputDropout: 0.1,
      weightDrop: 0.3,
      outputSize: 3,
      bidirectional: true,
      dtype: 'f64',
    },
    {
      cell: 'rnn',
      vocabSize: 5,
      hiddenSize: 2,
      layers: 3,
      dropout: 0,
      outputSize: 4,
      bidirectional: true,
      dtype: 'f64',
    },
  ];
  for (const config of TAGGERS) {
    it(`equal the bytes a bidirectional tagger allocates (${config.cell}, ${config.layers} layer(s), ${config.outputSize} labels)`, () => {
      const { kernels, bytes } = countingKernels();
      const model = new CharRnnModel(config, kernels);
      expect(bytes()).toBe(modelFloats(config) * bytesPer(config));
      expect(model.params.list.reduce((sum, p) => sum + p.value.length, 0)).toBe(parameterCount(config));
      // About twice the one-way model's: the estimate used to leave the reverse direction out.
      expect(modelFloats(config)).toBeGreaterThan(1.5 * modelFloats({ ...config, bidirectional: false }));

      const [T, B] = [4, 3];
      const before = bytes();
      const state = model.createState(B);
      const ids = Int32Array.from({ length: T * B }, (_, i) => i % config.vocabSize);
      const labels = Int32Array.from({ length: T * B }, (_, i) => i % config.outputSize!);
      model.lossAndGradients(ids, labels, T, B, state, { train: true, rng: new Prng(1) });
      expect(bytes() - before).toBe((stateFloats(config, B) + workspaceFloats(config, T, B)) * bytesPer(config));
      const trained = bytes();
      model.forward(ids.subarray(0, 5), labels.subarray(0, 5), 5, 1, model.createState(1));
      expect(bytes() - trained).toBe((stateFloats(config, 1) + workspaceFloats(config, 5, 1)) * bytesPer(config));
    });
  }

  it('fail a size that leaves out an allocation (negative test)', () => {
    const config = CONFIGS[2]!;
    const { kernels, bytes } = countingKernels();
    new CharRnnModel(config, kernels);
    // Weight drop's two [G·H, H] arrays per layer are part of the count.
    expect(bytes()).not.toBe(modelFloats({ ...config, weightDrop: 0 }) * bytesPer(config));
  });
});
