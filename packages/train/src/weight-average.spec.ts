// Weight averaging: the average follows its formula, evaluation and checkpoints serve it, and the
// file still loads anywhere as a plain model (the raw weights ride along as train.* for --resume).

import { describe, expect, it } from 'vitest';
import { evaluateText } from '@charrnn/model';
import { decodeCheckpoint, modelFromCheckpoint } from './checkpoint.js';
import { prepareData } from './data.js';
import { collect, SMALL_TEXT, smallTrainer } from './test-helpers.js';
import { WeightAverage } from './weight-average.js';

describe('WeightAverage', () => {
  it('folds each update in with decay min(d, (1 + step) / (10 + step))', () => {
    const trainer = smallTrainer({ steps: 1 });
    const weights = trainer.model.params.get('decoder.bias').value;
    const average = new WeightAverage(trainer.model, 0.95);
    let expected = Float64Array.from(weights);
    for (let step = 1; step <= 60; step++) {
      weights.forEach((_, j) => (weights[j] = Math.sin(step + j)));
      const keep = Math.min(0.95, (1 + step) / (10 + step));
      expected = expected.map((a, j) => keep * a + (1 - keep) * weights[j]!);
      average.update(step);
    }
    const got = average.model.params.get('decoder.bias').value;
    got.forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 12));
  });

  it('refuses a decay outside (0, 1)', () => {
    expect(() => new WeightAverage(smallTrainer({ steps: 1 }).model, 1)).toThrow(
      'WeightAverage: decay must be in (0, 1), got 1',
    );
  });
});

describe('Trainer with --ema-decay', () => {
  it('evaluates the average, and its checkpoint serves the average with the raw weights as train.*', async () => {
    const trainer = smallTrainer({ steps: 40, optimizer: 'adam', lr: 0.02, emaDecay: 0.9, evalEvery: 40 });
    const events = await collect(trainer);
    const saved = trainer.checkpointBytes();
    const evaluation = events.find((e) => e.type === 'eval');
    const { val } = prepareData(SMALL_TEXT, trainer.config.valFraction, 6, 1);
    expect(evaluation?.type === 'eval' && evaluation.valLoss).toBe(evaluateText(trainer.servedModel, val).loss);
    expect(evaluateText(trainer.model, val).loss).not.toBe(evaluateText(trainer.servedModel, val).loss);

    const checkpoint = decodeCheckpoint(saved);
    const served = modelFromCheckpoint(checkpoint);
    served.params.list.forEach((p, i) => {
      expect(Array.from(p.value), p.name).toEqual(Array.from(trainer.servedModel.params.list[i]!.value));
      expect(Array.from(checkpoint.tensors.get(`train.${p.name}`)!.data as Float64Array), p.name).toEqual(
        Array.from(trainer.model.params.list[i]!.value),
      );
    });
  });
});
