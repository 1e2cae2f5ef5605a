// Weight drop (DropConnect on W_hh): gradients with a fixed mask against float64 centered
// differences, one mask shared by every time step, and no effect outside training.

import { describe, expect, it } from 'vitest';
import { Prng } from '@charrnn/tensor';
import { CharRnnModel } from './model.js';
import { initializeParams } from './init.js';
import { cloneState } from './state.js';
import { maxError } from './test-helpers.js';

function setup(cell: 'rnn' | 'lstm' | 'gru', layers: number, weightDrop: number) {
  const [V, H, T, B] = [6, 5, 4, 2];
  const rng = new Prng(5);
  const model = new CharRnnModel({ cell, vocabSize: V, hiddenSize: H, layers, dropout: 0, weightDrop, dtype: 'f64' });
  initializeParams(model.params, 'pytorch', 1, rng);
  const inputs = Int32Array.from({ length: T * B }, () => rng.int(V));
  const targets = Int32Array.from({ length: T * B }, () => rng.int(V));
  const state = model.createState(B);
  for (const h of state.h) rng.fillUniform(h, -0.9, 0.9);
  const maskSeed = new Prng(13).getState();
  // The same mask every call: a fresh PRNG from one saved state.
  const masks = (): Prng => {
    const r = new Prng(0);
    r.setState(maskSeed);
    return r;
  };
  const loss = (): number =>
    model.forward(inputs, targets, T, B, cloneState(state, model.kernels, 'f64'), { train: true, rng: masks() });
  return { model, inputs, targets, T, B, state, masks, loss };
}

describe.each(['rnn', 'lstm', 'gru'] as const)('weight drop (%s)', (cell) => {
  it('backward matches centered differences with the mask held fixed (two layers)', () => {
    const c = setup(cell, 2, 0.5);
    const analytic = c.model.lossAndGradients(
      c.inputs,
      c.targets,
      c.T,
      c.B,
      cloneState(c.state, c.model.kernels, 'f64'),
      { train: true, rng: c.masks() },
    );
    expect(analytic).toBe(c.loss());
    let droppedGradients = 0;
    for (const p of c.model.params.list) {
      const numeric = new Float64Array(p.value.length);
      for (let i = 0; i < p.value.length; i++) {
        const saved = p.value[i]!;
        p.value[i] = saved + 1e-6;
        const plus = c.loss();
        p.value[i] = saved - 1e-6;
        const minus = c.loss();
        p.value[i] = saved;
        numeric[i] = (plus - minus) / 2e-6;
      }
      expect(maxError(Float64Array.from(p.grad), numeric, 1e-8, 1e-6), p.name).toBeLessThanOrEqual(1);
      if (p.name.includes('weight_hh')) droppedGradients += p.grad.filter((g) => g === 0).length;
    }
    // A dropped weight has no effect on the loss, so about half of W_hh's gradients are exactly 0.
    expect(droppedGradients).toBeGreaterThan(0);
  });

  it('changes training losses but not evaluation', () => {
    const c = setup(cell, 1, 0.5);
    const plain = new CharRnnModel({ ...c.model.config, weightDrop: 0 });
    plain.params.list.forEach((p, i) => p.value.set(c.model.params.list[i]!.value));
    const evalLoss = (m: CharRnnModel): number =>
      m.forward(c.inputs, c.targets, c.T, c.B, cloneState(c.state, m.kernels, 'f64'));
    expect(evalLoss(c.model)).toBe(evalLoss(plain));
    expect(c.loss()).not.toBe(evalLoss(plain));
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
