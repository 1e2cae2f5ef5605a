// Shape arithmetic and the package's public export names.

import { describe, expect, it } from 'vitest';
import * as api from './index.js';
import * as codegenApi from './codegen.js';
import * as conformanceApi from './conformance.js';
import { formatShape, shapesEqual, sizeOf } from './tensor.js';

describe('sizeOf', () => {
  it('multiplies the dimensions; a scalar shape [] has one entry', () => {
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([7])).toBe(7);
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([3, 0, 5])).toBe(0);
  });

  it('rejects negative, fractional and non-finite dimensions', () => {
    expect(() => sizeOf([2, -1])).toThrow(
      new RangeError('sizeOf: dimensions must be non-negative integers, got [2,-1]'),
    );
    expect(() => sizeOf([1.5])).toThrow(RangeError);
    expect(() => sizeOf([Number.NaN])).toThrow(RangeError);
    expect(() => sizeOf([Number.POSITIVE_INFINITY])).toThrow(RangeError);
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
      'DTYPES',
      'ParamRegistry',
      'Prng',
      'RECURRENCE_DOT_ROWS',
      'allocate',
      'bytesPerElement',
      'checkPacked',
      'completeKernels',
      'dtypeOf',
      'formatShape',
      'gemmPackedWith',
      'isDtype',
      'packSource',
      'referenceKernels',
      'rememberSource',
      'rnnBackwardStepsWith',
      'rnnForwardStepsWith',
      'rnnWindowBackwardWith',
      'rnnWindowForwardWith',
      'shapesEqual',
      'sizeOf',
      'softmax',
      'sourceOperand',
    ]);
    expect(Object.keys(conformanceApi).sort()).toEqual([
      'TOL',
      'checkAgainstReference',
      'countingKernels',
      'describeKernelConformance',
      'describeTableConformance',
      'evalDim',
      'expectClose',
      'makeArray',
      'makeCase',
      'randomValues',
      'rounded',
      'tableCoveredKernels',
    ]);
    expect(Object.keys(codegenApi).sort()).toEqual([
      'GENERATED_HEADER',
      'KERNEL_TABLE',
      'argsTypeName',
      'dimCode',
      'dimNames',
      'matrices',
      'parameters',
      'renderKernelMethods',
      'signature',
      'tableEntries',
    ]);
    expect(api.DTYPES).toEqual(['f32', 'f64']);
    expect(api.referenceKernels.name).toBe('reference');
  });
});
