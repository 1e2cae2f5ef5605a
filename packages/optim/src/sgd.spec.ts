import { describe, expect, it } from 'vitest';
import { Momentum, SGD } from './sgd.js';
import { GRADS, INITIAL, expectClose, makeRegistry, run, values } from './spec-helpers.js';

const g = (t: number, i: number): number => GRADS[t - 1]![i]!;

describe('SGD', () => {
  it('subtracts lr·g each step', () => {
    const registry = makeRegistry();
    run(new SGD(registry, { lr: 0.2 }), GRADS);
    expectClose(
      values(registry),
      INITIAL.map((p0, i) => p0 - 0.2 * (g(1, i) + g(2, i) + g(3, i))),
    );
  });

  it('has no state slots and defaults lr to 0.01', () => {
    const opt = new SGD(makeRegistry());
    expect(opt.lr).toBe(0.01);
    expect(opt.stateTensors()).toEqual({});
    expect(opt.stateScalars()).toEqual({});
  });
});

describe('Momentum', () => {
  it('matches the closed form v_t = Σ μ^(t−k) g_k, p −= lr·v_t over three steps', () => {
    const registry = makeRegistry();
    const opt = new Momentum(registry, { lr: 0.1, momentum: 0.8 });
    run(opt, GRADS);
    const mu = 0.8;
    const expected = INITIAL.map((p0, i) => {
      const v1 = g(1, i);
      const v2 = mu * g(1, i) + g(2, i);
      const v3 = mu ** 2 * g(1, i) + mu * g(2, i) + g(3, i);
      return p0 - 0.1 * (v1 + v2 + v3);
    });
    expectClose(values(registry), expected);
    const v3 = INITIAL.map((_, i) => mu ** 2 * g(1, i) + mu * g(2, i) + g(3, i));
    const state = opt.stateTensors();
    expectClose([...state['optim.rnn.weight_ih_l0.velocity']!.data, ...state['optim.fc.bias.velocity']!.data], v3);
  });

  it('with nesterov steps along g_t + μ·v_t', () => {
    const registry = makeRegistry();
    run(new Momentum(registry, { lr: 0.1, momentum: 0.8, nesterov: true }), GRADS);
    const mu = 0.8;
    const expected = INITIAL.map((p0, i) => {
      const v1 = g(1, i);
      const v2 = mu * g(1, i) + g(2, i);
      const v3 = mu ** 2 * g(1, i) + mu * g(2, i) + g(3, i);
      return p0 - 0.1 * (g(1, i) + mu * v1 + g(2, i) + mu * v2 + g(3, i) + mu * v3);
    });
    expectClose(values(registry), expected);
  });

  it('defaults to μ = 0.9 without nesterov, and rejects μ outside [0, 1)', () => {
    const opt = new Momentum(makeRegistry());
    expect([opt.name, opt.momentum, opt.nesterov, opt.lr]).toEqual(['momentum', 0.9, false, 0.01]);
    expect(() => new Momentum(makeRegistry(), { momentum: 1 })).toThrow(
      new RangeError('momentum: momentum must be in [0, 1), got 1'),
    );
    expect(() => new Momentum(makeRegistry(), { nesterov: 'yes' as unknown as boolean })).toThrow(TypeError);
  });
});
