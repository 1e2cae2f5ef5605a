import { describe, expect, it } from 'vitest';
import { Prng, type Dtype } from '@charrnn/tensor';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { createOptimizer } from './factory.js';
import {
  OPTIMIZER_NAMES,
  isOptimizerName,
  type Optimizer,
  type OptimizerName,
  type StateTensorInput,
} from './optimizer.js';
import { RMSProp } from './rmsprop.js';
import { Momentum, SGD } from './sgd.js';
import { INITIAL, makeRegistry, run, setGrads, values } from './spec-helpers.js';

function randomGrads(prng: Prng, steps: number): number[][] {
  return Array.from({ length: steps }, () => Array.from({ length: INITIAL.length }, () => prng.normal()));
}

function toMap(tensors: Record<string, StateTensorInput>): Map<string, StateTensorInput> {
  return new Map(Object.entries(tensors));
}

describe('optimizer state save/restore', () => {
  for (const dtype of ['f32', 'f64'] as Dtype[]) {
    for (const name of OPTIMIZER_NAMES) {
      it(`${name} (${dtype}): a restored optimizer continues bit-identically`, () => {
        const gradSeq = randomGrads(new Prng(7), 6);
        const options = { lr: 0.05, momentum: 0.7, nesterov: true };
        const a = createOptimizer(name, makeRegistry(dtype), options);
        run(a, gradSeq.slice(0, 3));

        const tensors = a.stateTensors();
        const scalars = a.stateScalars();
        const b = createOptimizer(name, makeRegistry(dtype, values(a.registry)), options);
        b.loadState(toMap(tensors), scalars);
        expect(b.stateTensors()).toEqual(tensors);
        expect(b.stateScalars()).toEqual(scalars);

        run(a, gradSeq.slice(3));
        run(b, gradSeq.slice(3));
        for (let i = 0; i < a.registry.list.length; i++) {
          expect(b.registry.list[i]!.value).toEqual(a.registry.list[i]!.value);
        }
        expect(b.stateTensors()).toEqual(a.stateTensors());
      });
    }
  }

  it('names slots optim.<param>.<slot> with the parameter shape, as copies', () => {
    const adagrad = new Adagrad(makeRegistry());
    expect(Object.keys(adagrad.stateTensors())).toEqual(['optim.rnn.weight_ih_l0.mem', 'optim.fc.bias.mem']);
    expect(adagrad.stateTensors()['optim.fc.bias.mem']!.shape).toEqual([3]);
    adagrad.stateTensors()['optim.fc.bias.mem']!.data[0] = 9;
    expect(adagrad.stateTensors()['optim.fc.bias.mem']!.data[0]).toBe(0);
    expect(Object.keys(new Adam(makeRegistry()).stateTensors())).toEqual([
      'optim.rnn.weight_ih_l0.m',
      'optim.rnn.weight_ih_l0.v',
      'optim.fc.bias.m',
      'optim.fc.bias.v',
    ]);
  });

  it('accepts a whole checkpoint map: model tensors are ignored', () => {
    const registry = makeRegistry();
    const opt = new Adagrad(registry);
    const map = toMap({ ...new Adagrad(makeRegistry()).stateTensors(), 'fc.bias': { shape: [3], data: [1, 2, 3] } });
    expect(() => opt.loadState(map)).not.toThrow();
  });

  it('refuses a missing slot, naming it and the likely cause', () => {
    const adam = new Adam(makeRegistry());
    const fromAdagrad = toMap(new Adagrad(makeRegistry()).stateTensors());
    expect(() => adam.loadState(fromAdagrad, { 'optim.step': 1 })).toThrow(
      new RangeError(
        'adam.loadState: state must include "optim.rnn.weight_ih_l0.m" [2,2], got no such tensor; the checkpoint was saved with a different optimizer or model',
      ),
    );
  });

  it('refuses a mis-shaped slot', () => {
    const map = toMap(new Adagrad(makeRegistry()).stateTensors());
    map.set('optim.fc.bias.mem', { shape: [1, 3], data: new Float64Array(3) });
    expect(() => new Adagrad(makeRegistry()).loadState(map)).toThrow(
      new RangeError(
        'adagrad.loadState: "optim.fc.bias.mem" must have shape [3], got [1,3] with 3 entries; the checkpoint was saved with a different optimizer or model',
      ),
    );
    map.set('optim.fc.bias.mem', { shape: [3], data: new Float64Array(2) });
    expect(() => new Adagrad(makeRegistry()).loadState(map)).toThrow(/must have shape \[3\], got \[3\] with 2 entries/);
  });

  it('refuses slots of another optimizer, even when it needs none', () => {
    const fromAdam = toMap(new Adam(makeRegistry()).stateTensors());
    expect(() => new SGD(makeRegistry()).loadState(fromAdam)).toThrow(
      new RangeError(
        'sgd.loadState: state tensors must be slots of sgd (none), got "optim.rnn.weight_ih_l0.m"; the checkpoint was saved with a different optimizer or model',
      ),
    );
    const both = toMap({
      ...new RMSProp(makeRegistry()).stateTensors(),
      ...new Momentum(makeRegistry()).stateTensors(),
    });
    expect(() => new RMSProp(makeRegistry()).loadState(both)).toThrow(
      /slots of rmsprop \(optim.<param>.square_avg\), got "optim.rnn.weight_ih_l0.velocity"/,
    );
  });

  it('refuses missing, invalid or foreign scalars, leaving the state untouched', () => {
    const registry = makeRegistry();
    const adam = new Adam(registry);
    run(adam, [INITIAL]);
    const before = adam.stateTensors();
    const zeros = toMap(new Adam(makeRegistry()).stateTensors());
    expect(() => adam.loadState(zeros)).toThrow(/scalar "optim.step" must be a finite number, got no such scalar/);
    expect(() => adam.loadState(zeros, { 'optim.step': 1.5 })).toThrow(
      new RangeError('adam.loadState: scalar "optim.step" must be a non-negative integer, got 1.5'),
    );
    expect(() =>
      new Adagrad(makeRegistry()).loadState(toMap(new Adagrad(makeRegistry()).stateTensors()), { 'optim.step': 3 }),
    ).toThrow(/state scalars must be absent for adagrad, got "optim.step"/);
    expect(adam.stateTensors()).toEqual(before);
    expect(adam.stepCount).toBe(1);
  });
});

describe('learning rate', () => {
  it('can be changed between steps by setLearningRate or the lr property', () => {
    const registry = makeRegistry();
    const sgd = new SGD(registry, { lr: 1 });
    sgd.setLearningRate(0.5);
    run(sgd, [[1, 0, 0, 0, 0, 0, 0]]);
    sgd.lr = 0.25;
    run(sgd, [[1, 0, 0, 0, 0, 0, 0]]);
    expect(sgd.lr).toBe(0.25);
    expect(values(registry)[0]).toBe(0.5 - 0.5 - 0.25);
    expect(() => sgd.setLearningRate(Number.NaN)).toThrow(
      new RangeError('sgd.setLearningRate: lr must be a finite number >= 0, got NaN'),
    );
    expect(() => (sgd.lr = '1' as unknown as number)).toThrow(TypeError);
  });
});

describe('step', () => {
  it('refuses a registry that grew after the optimizer was made (its state would be missing)', () => {
    const registry = makeRegistry();
    const opt = new Adagrad(registry);
    registry.add('extra', [1], new Float64Array(1), new Float64Array(1));
    setGrads(registry, INITIAL);
    expect(() => opt.step()).toThrow(/registry must keep the 2 parameters it had when the optimizer was made, got 3/);
  });
});

describe('createOptimizer', () => {
  const kinds: Record<OptimizerName, new (...args: never[]) => Optimizer> = {
    adagrad: Adagrad,
    sgd: SGD,
    momentum: Momentum,
    rmsprop: RMSProp,
    adam: Adam,
  };

  it('builds each named kind, whose name round-trips', () => {
    for (const name of OPTIMIZER_NAMES) {
      const opt = createOptimizer(name, makeRegistry(), { lr: 0.02 });
      expect(opt).toBeInstanceOf(kinds[name]);
      expect(opt.name).toBe(name);
      expect(opt.lr).toBe(0.02);
    }
  });

  it('passes the options that apply and ignores the rest', () => {
    const adam = createOptimizer('adam', makeRegistry(), {
      lr: 0.1,
      beta1: 0.5,
      beta2: 0.6,
      eps: 0.1,
      momentum: 0.3,
      alpha: 0.2,
    }) as Adam;
    expect([adam.beta1, adam.beta2, adam.eps]).toEqual([0.5, 0.6, 0.1]);
    const momentum = createOptimizer('momentum', makeRegistry(), {
      lr: 0.1,
      momentum: 0.3,
      nesterov: true,
    }) as Momentum;
    expect([momentum.momentum, momentum.nesterov]).toEqual([0.3, true]);
    const rmsprop = createOptimizer('rmsprop', makeRegistry(), { alpha: 0.5, eps: 0.2 }) as RMSProp;
    expect([rmsprop.alpha, rmsprop.eps, rmsprop.lr]).toEqual([0.5, 0.2, 0.01]);
    expect(createOptimizer('adagrad', makeRegistry()).lr).toBe(0.1);
  });

  it('rejects an unknown name', () => {
    expect(isOptimizerName('adamw')).toBe(false);
    expect(isOptimizerName('adam')).toBe(true);
    expect(() => createOptimizer('adamw' as OptimizerName, makeRegistry(), { lr: 1 })).toThrow(
      new RangeError('createOptimizer: name must be one of adagrad, sgd, momentum, rmsprop, adam, got "adamw"'),
    );
  });
});
