// The checker must be able to fail: each broken cell is a copy of a real one with one bug, and the
// report must name exactly the tensors whose gradients the bug reaches — no more, no fewer.
// The decoder's gradients come from the logits and the forward hidden states alone (the model
// computes them before any cell backward runs), so no cell bug can reach decoder.*.

import { describe, expect, it } from 'vitest';
import { cellFor } from '@charrnn/model';
import { checkGradients } from './check.js';
import {
  forgetsIncomingStateGrad,
  gruInputCandidateSign,
  lstmForgetSign,
  rnnDroppedCarry,
  rnnWindowWithoutScatter,
  smallCase,
} from './test-fixtures.js';

const layer = (k: number): string[] => [
  `rnn.weight_ih_l${k}`,
  `rnn.weight_hh_l${k}`,
  `rnn.bias_ih_l${k}`,
  `rnn.bias_hh_l${k}`,
];

describe('checkGradients catches broken cells (FAIL on exactly the affected tensors)', () => {
  it('rnn with the hidden-state carry dropped: every recurrent tensor and state.h fail, the decoder passes', () => {
    // dz_t misses the gradient from later steps, so each layer's dXw is wrong, hence all four of its
    // tensors (dW = dXwᵀ·input, db = Σ dXw); layer 0 also receives a wrong dOut = dXw_1·W_ih_1.
    // The reported ∂loss/∂h_in = dz_0·W_hh is wrong because dz_0 lacks the carry from t = 1.
    const { target } = smallCase('rnn', 2, 2, { impl: rnnDroppedCarry, scale: 0.5 });
    const report = checkGradients(target);
    expect(report.pass).toBe(false);
    expect(report.failingTensors).toEqual([...layer(0), ...layer(1), 'state.h_l0', 'state.h_l1']);
    expect(report.tensors.filter((t) => t.name.startsWith('decoder.')).every((t) => t.pass)).toBe(true);
  });

  it('rnn whose first-layer window backward drops the scatter into W_ih: only rnn.weight_ih_l0 fails', () => {
    // The whole-window path (one kernel call back through layer 0) is checked like any cell: the
    // missing scatter leaves dW_ih at zero while everything else, the carry included, stays right.
    const { target } = smallCase('rnn', 2, 1, { impl: rnnWindowWithoutScatter, scale: 0.5 });
    const report = checkGradients(target);
    expect(report.pass).toBe(false);
    expect(report.failingTensors).toEqual(['rnn.weight_ih_l0']);
  });

  it('lstm with a sign error in the forget-gate derivative: every layer tensor, state.h and state.c fail', () => {
    // The f rows of dXw are wrong, so weight_ih, weight_hh and both biases are; dh_{t−1} = dXw_t·W_hh
    // carries the error into every gate of earlier steps, into ∂/∂h_in, and through dcTotal = dc +
    // dhTotal·o·(1 − tanh²c) into ∂/∂c_in.
    const { target } = smallCase('lstm', 1, 2, { impl: lstmForgetSign, scale: 0.5 });
    const report = checkGradients(target);
    expect(report.pass).toBe(false);
    expect(report.failingTensors).toEqual([...layer(0), 'state.h_l0', 'state.c_l0']);
  });

  it('gru with a sign error in the input-side candidate gradient only: the hidden side of the top layer passes', () => {
    // Top layer: only dXw_n is wrong, so weight_ih_l1 and bias_ih_l1 fail, while the carry (built
    // from dHw), weight_hh_l1, bias_hh_l1 and state.h_l1 stay right. The layer below receives
    // dOut = dXw_1·W_ih_1 (wrong), and has the bug itself: all of layer 0 and state.h_l0 fail.
    const { target } = smallCase('gru', 2, 1, { impl: gruInputCandidateSign, scale: 0.5 });
    const report = checkGradients(target);
    expect(report.pass).toBe(false);
    expect(report.failingTensors).toEqual([...layer(0), 'rnn.weight_ih_l1', 'rnn.bias_ih_l1', 'state.h_l0']);
  });

  it.each(['rnn', 'lstm', 'gru'] as const)(
    '%s that reports no gradient for the incoming state: only the state tensors fail',
    (cell) => {
      // The truncated-BPTT carry bug: the window's own gradients are right, ∂loss/∂(h_in, c_in) is zero.
      const { target } = smallCase(cell, 2, 2, { impl: forgetsIncomingStateGrad(cellFor(cell)), scale: 0.5 });
      const report = checkGradients(target, { stencil: 5 });
      expect(report.failingTensors).toEqual(
        cell === 'lstm' ? ['state.h_l0', 'state.h_l1', 'state.c_l0', 'state.c_l1'] : ['state.h_l0', 'state.h_l1'],
      );
      for (const t of report.tensors.filter((t) => !t.pass)) expect(t.worst!.analytic).toBe(0);
    },
  );
});
