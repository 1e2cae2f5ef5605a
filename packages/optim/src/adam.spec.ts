import { describe, expect, it } from 'vitest';
import { Adam } from './adam.js';
import { GRADS, INITIAL, expectClose, makeRegistry, run, values } from './spec-helpers.js';

const g = (t: number, i: number): number => GRADS[t - 1]![i]!;

describe('Adam', () => {
  it('matches the closed form with bias correction over three steps', () => {
    const registry = makeRegistry();
    const [lr, b1, b2, eps] = [0.01, 0.8, 0.95, 1e-3];
    const opt = new Adam(registry, { lr, beta1: b1, beta2: b2, eps });
    run(opt, GRADS);
    // m_t = (1−β1) Σ β1^(t−k) g_k, v_t = (1−β2) Σ β2^(t−k) g_k², p −= lr·m̂_t/(√v̂_t + eps).
    const moment = (beta: number, power: number, t: number, i: number): number => {
      let sum = 0;
      for (let k = 1; k <= t; k++) sum += beta ** (t - k) * g(k, i) ** power;
      return (1 - beta) * sum;
    };
    const update = (t: number, i: number): number => {
      const mHat = moment(b1, 1, t, i) / (1 - b1 ** t);
      const vHat = moment(b2, 2, t, i) / (1 - b2 ** t);
      return (lr * mHat) / (Math.sqrt(vHat) + eps);
    };
    expectClose(
      values(registry),
      INITIAL.map((p0, i) => p0 - update(1, i) - update(2, i) - update(3, i)),
    );
    const state = opt.stateTensors();
    expectClose(
      [...state['optim.rnn.weight_ih_l0.m']!.data],
      [0, 1, 2, 3].map((i) => moment(b1, 1, 3, i)),
    );
    expectClose(
      [...state['optim.rnn.weight_ih_l0.v']!.data],
      [0, 1, 2, 3].map((i) => moment(b2, 2, 3, i)),
    );
    expect(opt.stateScalars()).toEqual({ 'optim.step': 3 });
    expect(opt.stepCount).toBe(3);
  });

  it('moves each entry by lr·g/(|g| + eps) under a constant gradient, since m̂ = g and v̂ = g²', () => {
    const registry = makeRegistry();
    const opt = new Adam(registry, { lr: 0.05 });
    const constant = [0.3, -2, 1e-4, 7, -0.5, 1, 0.02];
    run(opt, [constant, constant]);
    expectClose(
      values(registry),
      INITIAL.map((p0, i) => p0 - 2 * ((0.05 * constant[i]!) / (Math.abs(constant[i]!) + 1e-8))),
    );
  });

  it('defaults to PyTorch: lr 1e-3, betas 0.9/0.999, eps 1e-8', () => {
    const opt = new Adam(makeRegistry());
    expect([opt.name, opt.lr, opt.beta1, opt.beta2, opt.eps, opt.slotNames]).toEqual([
      'adam',
      0.001,
      0.9,
      0.999,
      1e-8,
      ['m', 'v'],
    ]);
    expect(() => new Adam(makeRegistry(), { beta2: 1 })).toThrow(
      new RangeError('adam: beta2 must be in [0, 1), got 1'),
    );
  });
});

describe('decoupled weight decay (AdamW)', () => {
  it('shrinks matrices by 1 − lr·wd before the Adam update, and leaves biases alone', () => {
    const lr = 0.01;
    const wd = 0.5;
    const decayed = makeRegistry();
    const plain = makeRegistry();
    const adamw = new Adam(decayed, { lr });
    adamw.setWeightDecay(wd);
    const adam = new Adam(plain, { lr });
    run(adamw, [GRADS[0]!]);
    run(adam, [GRADS[0]!]);
    // The Adam step does not depend on the value, so the difference is exactly the shrink.
    const expected = values(plain).map((v, i) => (i < 4 ? v - lr * wd * INITIAL[i]! : v));
    expectClose(values(decayed), expected);
    expect(adamw.weightDecay).toBe(wd);
    expect(() => adamw.setWeightDecay(-1)).toThrow(
      'adam.setWeightDecay: weight decay must be a finite number >= 0, got -1',
    );
  });
});
