import { describe, expect, it } from 'vitest';
import { RMSProp } from './rmsprop.js';
import { GRADS, INITIAL, expectClose, makeRegistry, run, values } from './spec-helpers.js';

const g = (t: number, i: number): number => GRADS[t - 1]![i]!;

describe('RMSProp', () => {
  it('matches the closed form sq_t = (1−α) Σ α^(t−k) g_k², p −= lr·g_t/(√sq_t + eps) over three steps', () => {
    const registry = makeRegistry();
    const [lr, alpha, eps] = [0.01, 0.9, 1e-3];
    const opt = new RMSProp(registry, { lr, alpha, eps });
    run(opt, GRADS);
    const sq = (t: number, i: number): number => {
      let sum = 0;
      for (let k = 1; k <= t; k++) sum += alpha ** (t - k) * g(k, i) ** 2;
      return (1 - alpha) * sum;
    };
    const expected = INITIAL.map(
      (p0, i) =>
        p0 -
        (lr * g(1, i)) / (Math.sqrt(sq(1, i)) + eps) -
        (lr * g(2, i)) / (Math.sqrt(sq(2, i)) + eps) -
        (lr * g(3, i)) / (Math.sqrt(sq(3, i)) + eps),
    );
    expectClose(values(registry), expected);
    expectClose(
      [...opt.stateTensors()['optim.fc.bias.square_avg']!.data],
      [4, 5, 6].map((i) => sq(3, i)),
    );
  });

  it('defaults to PyTorch: lr 0.01, alpha 0.99, eps 1e-8', () => {
    const opt = new RMSProp(makeRegistry());
    expect([opt.name, opt.lr, opt.alpha, opt.eps]).toEqual(['rmsprop', 0.01, 0.99, 1e-8]);
    expect(() => new RMSProp(makeRegistry(), { alpha: -0.1 })).toThrow(RangeError);
  });
});
