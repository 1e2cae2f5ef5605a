// Weight drop (DropConnect on W_hh): gradients under a fixed mask against float64 centered
// differences, and no effect outside training. Each forward draws its mask from a fresh Prng of one
// seed, so the training loss is a fixed function of the parameters that differences can probe.

import { Prng } from '@charrnn/tensor';
import { describe, expect, it } from 'vitest';
import { CharRnnModel } from './model.js';
import { gradientError, randomCase, windowGradients, windowLoss } from './test-helpers.js';

const fixedMask = () => ({ train: true, rng: new Prng(13) });

describe.each(['rnn', 'lstm', 'gru'] as const)('weight drop 0.5 (%s)', (cell) => {
  it('every parameter gradient matches central differences under a fixed mask (two layers)', () => {
    const c = randomCase(cell, 2, 2, 5, 0, { weightDrop: 0.5 });
    const loss = windowGradients(c, fixedMask());
    expect(loss).toBe(windowLoss(c, fixedMask));
    // The mask really drops weights: the training loss differs from the evaluation loss.
    expect(loss).not.toBe(windowLoss(c));
    let droppedGradients = 0;
    for (const p of c.model.params.list) {
      expect(gradientError(c, p, fixedMask), p.name).toBeLessThanOrEqual(1);
      if (p.name.includes('weight_hh')) droppedGradients += p.grad.filter((g) => g === 0).length;
    }
    // A dropped weight has no effect on the loss, so about half of W_hh's gradients are exactly 0.
    expect(droppedGradients).toBeGreaterThan(0);
  });
});

it('refuses a weight drop outside [0, 1)', () => {
  expect(
    () =>
      new CharRnnModel({
        cell: 'rnn',
        vocabSize: 3,
        hiddenSize: 2,
        layers: 1,
        dropout: 0,
        weightDrop: 1,
        dtype: 'f64',
      }),
  ).toThrow('ModelConfig: weightDrop must be in [0, 1), got 1');
});
