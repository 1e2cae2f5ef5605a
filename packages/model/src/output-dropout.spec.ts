// Output dropout (top layer → decoder): gradients with fixed masks against float64 centered
// differences, and no effect outside training.

import { describe, expect, it } from 'vitest';
import { Prng } from '@charrnn/tensor';
import { CharRnnModel } from './model.js';
import { initializeParams } from './init.js';
import { cloneState } from './state.js';
import { maxError } from './test-helpers.js';

function setup(cell: 'rnn' | 'lstm' | 'gru', layers: number, dropout: number) {
  const [V, H, T, B] = [6, 5, 4, 2];
  const rng = new Prng(3);
  const model = new CharRnnModel({
    cell,
    vocabSize: V,
    hiddenSize: H,
    layers,
    dropout,
    outputDropout: 0.4,
    dtype: 'f64',
  });
  initializeParams(model.params, 'pytorch', 1, rng);
  const inputs = Int32Array.from({ length: T * B }, () => rng.int(V));
  const targets = Int32Array.from({ length: T * B }, () => rng.int(V));
  const state = model.createState(B);
  for (const h of state.h) rng.fillUniform(h, -0.9, 0.9);
  const maskSeed = new Prng(11).getState();
  // The same masks every call: a fresh PRNG from one saved state.
  const masks = (): Prng => {
    const r = new Prng(0);
    r.setState(maskSeed);
    return r;
  };
  const loss = (): number =>
    model.forward(inputs, targets, T, B, cloneState(state, model.kernels, 'f64'), { train: true, rng: masks() });
  return { model, inputs, targets, T, B, state, masks, loss };
}

describe.each(['rnn', 'lstm', 'gru'] as const)('output dropout (%s)', (cell) => {
  it('backward matches centered differences with the masks held fixed (dropout between layers too)', () => {
    const c = setup(cell, 2, 0.3);
    const analytic = c.model.lossAndGradients(
      c.inputs,
      c.targets,
      c.T,
      c.B,
      cloneState(c.state, c.model.kernels, 'f64'),
      { train: true, rng: c.masks() },
    );
    expect(analytic).toBe(c.loss());
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
    }
  });

  it('changes training losses but not evaluation', () => {
    const c = setup(cell, 1, 0);
    const plain = new CharRnnModel({ ...c.model.config, outputDropout: 0 });
    plain.params.list.forEach((p, i) => p.value.set(c.model.params.list[i]!.value));
    const evalLoss = (m: CharRnnModel): number =>
      m.forward(c.inputs, c.targets, c.T, c.B, cloneState(c.state, m.kernels, 'f64'));
    expect(evalLoss(c.model)).toBe(evalLoss(plain));
    expect(c.loss()).not.toBe(evalLoss(plain));
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
