// Output dropout (top layer → decoder): gradients with fixed masks against float64 centered
// differences, and no effect outside training. Each forward draws its masks from a fresh Prng of
// one seed, so the training loss is a fixed function of the parameters that differences can probe.

import { Prng } from '@charrnn/tensor';
import { describe, expect, it } from 'vitest';
import { CharRnnModel } from './model.js';
import { gradientError, randomCase, windowGradients, windowLoss } from './test-helpers.js';

const fixedMask = () => ({ train: true, rng: new Prng(11) });

describe.each(['rnn', 'lstm', 'gru'] as const)('output dropout (%s)', (cell) => {
  it('backward matches centered differences with the masks held fixed (dropout between layers too)', () => {
    const c = randomCase(cell, 2, 2, 3, 0.3, { outputDropout: 0.4 });
    const analytic = windowGradients(c, fixedMask());
    expect(analytic).toBe(windowLoss(c, fixedMask));
    for (const p of c.model.params.list) {
      expect(gradientError(c, p, fixedMask), p.name).toBeLessThanOrEqual(1);
    }
  });

  it('changes training losses but not evaluation', () => {
    const c = randomCase(cell, 1, 2, 3, 0, { outputDropout: 0.4 });
    const plain = new CharRnnModel({ ...c.model.config, outputDropout: 0 });
    plain.params.list.forEach((p, i) => p.value.set(c.model.params.list[i]!.value));
    expect(windowLoss(c)).toBe(windowLoss({ ...c, model: plain }));
    expect(windowLoss(c, fixedMask)).not.toBe(windowLoss(c));
  });
});

it('refuses an output dropout outside [0, 1)', () => {
  expect(
    () =>
      new CharRnnModel({
        cell: 'rnn',
        vocabSize: 3,
        hiddenSize: 2,
        layers: 1,
        dropout: 0,
        outputDropout: 1,
        dtype: 'f64',
      }),
  ).toThrow('ModelConfig: outputDropout must be in [0, 1), got 1');
});
