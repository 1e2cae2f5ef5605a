// The dropout path's gradient. Every other gradient check runs with dropout 0; here a window is
// run in training mode with dropout 0.4 between layers, and each forward draws its mask from a
// fresh Prng of one seed, so the loss is a fixed function of the parameters that central
// differences can probe.

import { Prng } from '@charrnn/tensor';
import { describe, expect, it } from 'vitest';
import { cloneState } from './state.js';
import { maxError, numericGradient, randomCase, windowLoss } from './test-helpers.js';

const fixedMask = () => ({ train: true, rng: new Prng(77) });

describe.each(['rnn', 'lstm', 'gru'] as const)('dropout 0.4 between layers (%s)', (cell) => {
  it('every parameter gradient matches central differences under a fixed mask', () => {
    const c = randomCase(cell, 3, 2, 4, 0.4);
    const loss = c.model.lossAndGradients(
      c.inputs,
      c.targets,
      c.T,
      c.B,
      cloneState(c.state, c.model.kernels, 'f64'),
      fixedMask(),
    );
    expect(loss).toBe(windowLoss(c, fixedMask));
    // The mask really drops units: the training loss differs from the evaluation loss.
    expect(loss).not.toBe(windowLoss(c));
    for (const p of c.model.params.list) {
      const grad = Float64Array.from(p.grad);
      expect(maxError(grad, numericGradient(c, p.value, 1e-6, fixedMask), 1e-8, 1e-6), p.name).toBeLessThanOrEqual(1);
    }
  });

  it('fails against the gradient of another mask (negative test)', () => {
    const c = randomCase(cell, 2, 2, 4, 0.4);
    c.model.lossAndGradients(c.inputs, c.targets, c.T, c.B, cloneState(c.state, c.model.kernels, 'f64'), fixedMask());
    const p = c.model.params.get(`rnn.weight_ih_l0`);
    const otherMask = () => ({ train: true, rng: new Prng(78) });
    expect(
      maxError(Float64Array.from(p.grad), numericGradient(c, p.value, 1e-6, otherMask), 1e-8, 1e-6),
    ).toBeGreaterThan(1);
  });
});
