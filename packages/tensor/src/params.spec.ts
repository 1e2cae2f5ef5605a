// ParamRegistry: registration order, lookup, counting, zeroing grads, and the errors that keep a
// registry consistent (unique names, sizes that match shapes, one dtype for everything).

import { describe, expect, it } from 'vitest';
import { allocate } from './dtype.js';
import { ParamRegistry } from './params.js';

function twoParams(): ParamRegistry {
  const registry = new ParamRegistry('f64');
  registry.add('rnn.weight_ih_l0', [2, 3], allocate('f64', 6), allocate('f64', 6));
  registry.add('fc.bias', [4], allocate('f64', 4), allocate('f64', 4));
  return registry;
}

describe('ParamRegistry', () => {
  it('add returns the param and keeps registration order in list and names()', () => {
    const registry = new ParamRegistry('f32');
    const value = new Float32Array([1, 2, 3, 4, 5, 6]);
    const grad = new Float32Array(6);
    const param = registry.add('w', [2, 3], value, grad);
    registry.add('b', [3], new Float32Array(3), new Float32Array(3));
    expect(param).toEqual({ name: 'w', shape: [2, 3], value, grad });
    expect(param.value).toBe(value); // registered arrays are used, not copied
    expect(param.grad).toBe(grad);
    expect(registry.names()).toEqual(['w', 'b']);
    expect(registry.list.map((p) => p.name)).toEqual(['w', 'b']);
    expect(registry.dtype).toBe('f32');
  });

  it('copies the shape, so the caller mutating theirs does not change the param', () => {
    const registry = new ParamRegistry('f64');
    const shape = [2, 2];
    const param = registry.add('w', shape, allocate('f64', 4), allocate('f64', 4));
    shape[0] = 7;
    expect(param.shape).toEqual([2, 2]);
  });

  it('get and has look params up by name', () => {
    const registry = twoParams();
    expect(registry.has('fc.bias')).toBe(true);
    expect(registry.has('fc.weight')).toBe(false);
    expect(registry.get('fc.bias').shape).toEqual([4]);
    expect(registry.get('rnn.weight_ih_l0')).toBe(registry.list[0]);
  });

  it('get names the missing parameter and the ones it has', () => {
    expect(() => twoParams().get('fc.weight')).toThrow(
      new RangeError('ParamRegistry.get: no parameter "fc.weight"; have rnn.weight_ih_l0, fc.bias'),
    );
  });

  it('count() is the total number of scalars', () => {
    expect(twoParams().count()).toBe(10);
    expect(new ParamRegistry('f64').count()).toBe(0);
  });

  it('zeroGrads zeroes every grad and leaves values alone', () => {
    const registry = twoParams();
    for (const p of registry.list) {
      p.value.fill(3);
      p.grad.fill(-1.5);
    }
    registry.zeroGrads();
    for (const p of registry.list) {
      expect([...p.grad].every((g) => g === 0)).toBe(true);
      expect([...p.value].every((v) => v === 3)).toBe(true);
    }
  });

  it('accepts scalars (shape []) and empty parameters', () => {
    const registry = new ParamRegistry('f64');
    registry.add('scalar', [], allocate('f64', 1), allocate('f64', 1));
    registry.add('empty', [0, 5], allocate('f64', 0), allocate('f64', 0));
    expect(registry.count()).toBe(1);
  });

  it('rejects a duplicate name', () => {
    const registry = twoParams();
    expect(() => registry.add('fc.bias', [4], allocate('f64', 4), allocate('f64', 4))).toThrow(
      new RangeError('ParamRegistry.add: name must be unique, got "fc.bias" twice'),
    );
    expect(registry.names()).toEqual(['rnn.weight_ih_l0', 'fc.bias']);
  });

  it('rejects value or grad sizes that do not match the shape', () => {
    const registry = new ParamRegistry('f64');
    expect(() => registry.add('w', [2, 3], allocate('f64', 5), allocate('f64', 6))).toThrow(
      new RangeError('ParamRegistry.add: w value and grad must have 6 entries for [2,3], got 5 and 6'),
    );
    expect(() => registry.add('w', [2, 3], allocate('f64', 6), allocate('f64', 7))).toThrow(RangeError);
    expect(() => registry.add('w', [2, -3], allocate('f64', 6), allocate('f64', 6))).toThrow(RangeError);
    expect(registry.count()).toBe(0); // nothing was registered by a failed add
    expect(registry.has('w')).toBe(false);
  });

  it('rejects arrays of another dtype than the registry', () => {
    const registry = new ParamRegistry('f32');
    expect(() => registry.add('w', [2], new Float64Array(2), new Float32Array(2))).toThrow(
      new TypeError('ParamRegistry.add: w value and grad must be f32 arrays, got f64 and f32'),
    );
    expect(() => registry.add('w', [2], new Float32Array(2), [0, 0] as unknown as Float32Array)).toThrow(
      new TypeError('ParamRegistry.add: w value and grad must be f32 arrays, got f32 and Array'),
    );
    expect(registry.count()).toBe(0);
  });
});
