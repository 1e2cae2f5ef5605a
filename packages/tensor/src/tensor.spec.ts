// Tensor helpers (shape arithmetic, construction) and the package's public export names.

import { describe, expect, it } from 'vitest';
import * as api from './index.js';
import { formatShape, shapesEqual, sizeOf, tensorDtype, tensorFrom, zeros } from './tensor.js';

describe('sizeOf', () => {
  it('multiplies the dimensions; a scalar shape [] has one entry', () => {
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([7])).toBe(7);
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([3, 0, 5])).toBe(0);
  });

  it('rejects negative, fractional and non-finite dimensions', () => {
    expect(() => sizeOf([2, -1])).toThrow(new RangeError('sizeOf: dimensions must be non-negative integers, got [2,-1]'));
    expect(() => sizeOf([1.5])).toThrow(RangeError);
    expect(() => sizeOf([Number.NaN])).toThrow(RangeError);
    expect(() => sizeOf([Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });
});

describe('zeros and tensorFrom', () => {
  it('zeros allocates a zero-filled array of the dtype and copies the shape', () => {
    const shape = [2, 3];
    const t = zeros('f32', shape);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect([...t.data]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(t.shape).toEqual([2, 3]);
    shape[0] = 9;
    expect(t.shape).toEqual([2, 3]);
    expect(tensorDtype(zeros('f64', [1]))).toBe('f64');
    expect(tensorDtype(t)).toBe('f32');
  });

  it('tensorFrom copies flat row-major values, rounding to float32 when asked', () => {
    const values = [1, 2, 3, 4, 5, 0.1];
    const t = tensorFrom('f64', [2, 3], values);
    expect([...t.data]).toEqual(values);
    values[0] = 100;
    expect(t.data[0]).toBe(1);
    expect(tensorFrom('f32', [1], [0.1]).data[0]).toBe(Math.fround(0.1));
    expect(tensorFrom('f64', [], [7]).data[0]).toBe(7);
  });

  it('tensorFrom rejects a value count that does not match the shape', () => {
    expect(() => tensorFrom('f64', [2, 3], [1, 2, 3])).toThrow(
      new RangeError('tensorFrom: values must have 6 entries for shape [2,3], got 3'),
    );
    expect(() => tensorFrom('f64', [2], [1, 2, 3])).toThrow(RangeError);
    expect(() => tensorFrom('f32', [2, -2], [])).toThrow(/^sizeOf: dimensions must be non-negative integers/);
  });
});

describe('shapesEqual and formatShape', () => {
  it('compares rank and every dimension', () => {
    expect(shapesEqual([2, 3], [2, 3])).toBe(true);
    expect(shapesEqual([], [])).toBe(true);
    expect(shapesEqual([2, 3], [3, 2])).toBe(false);
    expect(shapesEqual([6], [2, 3])).toBe(false);
    expect(shapesEqual([2], [2, 1])).toBe(false);
  });

  it('formats shapes the way error messages print them', () => {
    expect(formatShape([2, 3])).toBe('[2,3]');
    expect(formatShape([])).toBe('[]');
  });
});

describe('public API', () => {
  it('exports exactly the documented names', () => {
    expect(Object.keys(api).sort()).toEqual([
      'DEFAULT_MIN_SPLIT_WORK',
      'DEFAULT_NATIVE_MIN_WORK',
      'DTYPES',
      'KERNEL_PREFERENCES',
      'ParamRegistry',
      'Prng',
      'allocate',
      'axpy',
      'bytesPerElement',
      'clip',
      'completeKernels',
      'createThreadedWasmKernels',
      'dot',
      'dtypeOf',
      'formatShape',
      'isDtype',
      'loadWasmKernels',
      'logSoftmax',
      'maxAbs',
      'norm2',
      'referenceKernels',
      'scale',
      'selectKernels',
      'shapesEqual',
      'sigmoidInPlace',
      'sizeOf',
      'softmax',
      'sumOfSquares',
      'tanhInPlace',
      'tensorDtype',
      'tensorFrom',
      'zeros',
    ]);
    expect(api.DTYPES).toEqual(['f32', 'f64']);
    expect(api.referenceKernels.name).toBe('reference');
  });
});
