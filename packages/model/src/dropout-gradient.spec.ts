// The dropout path's gradient. Every other gradient check runs with dropout 0; here a window is
// run in training mode with dropout 0.4 between layers, and each forward draws its mask from a
// fresh Prng of one seed, so the loss is a fixed function of the parameters that central
// differences can probe.

import { Prng } from '@charrnn/tensor';
import { describe, expect, it } from 'vitest';
import { gradientError, randomCase, windowGradients, windowLoss } from './test-helpers.js';

const fixedMask = () => ({ train: true, rng: new Prng(77) });

describe.each(['rnn', 'lstm', 'gru'] as const)('dropout 0.4 between layers (%s)', (cell) => {
  it('every parameter gradient matches central differences under a fixed mask', () => {
    const c = randomCase(cell, 3, 2, 4, 0.4);
    const loss = windowGradients(c, fixedMask());
    expect(loss).toBe(windowLoss(c, fixedMask));
    // The mask really drops units: the training loss differs from the evaluation loss.
    expect(loss).not.toBe(windowLoss(c));
    for (const p of c.model.params.list) {
      expect(gradientError(c, p, fixedMask), p.name).toBeLessThanOrEqual(1);
    }
  });

  it('fails against the gradient of another mask (negative test)', () => {
    const c = randomCase(cell, 2, 2, 4, 0.4);
    windowGradients(c, fixedMask());
    const p = c.model.params.get(`rnn.weight_ih_l0`);
    const otherMask = () => ({ train: true, rng: new Prng(78) });
    expect(gradientError(c, p, otherMask)).toBeGreaterThan(1);
  });
});
