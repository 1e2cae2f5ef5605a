import { describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';
import { GRADS, INITIAL, expectClose, makeRegistry, run, values } from './spec-helpers.js';

describe('Adagrad', () => {
  it('matches a hand-computed two-step update in float64 (eps inside the sqrt, as the seed)', () => {
    const registry = makeRegistry('f64');
    const opt = new Adagrad(registry);
    run(opt, GRADS.slice(0, 2));
    // p2 = p0 − lr·g1/√(g1² + 1e-8) − lr·g2/√(g1² + g2² + 1e-8), lr = 0.1, per entry.
    const expected = INITIAL.map((p0, i) => {
      const g1 = GRADS[0]![i]!;
      const g2 = GRADS[1]![i]!;
      return p0 - (0.1 * g1) / Math.sqrt(g1 * g1 + 1e-8) - (0.1 * g2) / Math.sqrt(g1 * g1 + g2 * g2 + 1e-8);
    });
    expectClose(values(registry), expected);
    // The first four entries worked out in 50-digit decimal arithmetic (Python's decimal module),
    // written as the nearest float64.
    expectClose(
      values(registry).slice(0, 4),
      [0.43162278057610015, -0.12928933880075988, 3.124999853515633e-9, 1.9707106781315837],
    );
    const mem = opt.stateTensors()['optim.rnn.weight_ih_l0.mem']!;
    expect(mem.shape).toEqual([2, 2]);
    expectClose([...mem.data], [0.09 + 0.01, 0.04 + 0.04, 0.16, 50]);
  });

  it('uses lr 0.1 and eps 1e-8 by default, takes both as options', () => {
    const registry = makeRegistry();
    expect(new Adagrad(registry).lr).toBe(0.1);
    expect(new Adagrad(registry).eps).toBe(1e-8);
    const opt = new Adagrad(registry, { lr: 0.5, eps: 1 });
    run(opt, [[2, 0, 0, 0, 0, 0, 0]]);
    expectClose(values(registry).slice(0, 1), [0.5 - (0.5 * 2) / Math.sqrt(4 + 1)]);
  });

  it('keeps its state in the registry dtype', () => {
    const opt = new Adagrad(makeRegistry('f32'));
    expect(opt.stateTensors()['optim.fc.bias.mem']!.data).toBeInstanceOf(Float32Array);
    expect(opt.name).toBe('adagrad');
    expect(opt.slotNames).toEqual(['mem']);
  });

  it('rejects bad hyperparameters', () => {
    expect(() => new Adagrad(makeRegistry(), { lr: -1 })).toThrow(
      new RangeError('adagrad: lr must be a finite number >= 0, got -1'),
    );
    expect(() => new Adagrad(makeRegistry(), { eps: Number.NaN })).toThrow(RangeError);
  });
});
