// dtype helpers: the two element types, their sizes, and allocation on the JavaScript heap.

import { describe, expect, it } from 'vitest';
import { DTYPES, allocate, bytesPerElement, dtypeOf, isDtype } from './dtype.js';

describe('dtype', () => {
  it('DTYPES lists f32 then f64', () => {
    expect(DTYPES).toEqual(['f32', 'f64']);
  });

  it('isDtype accepts exactly the two names', () => {
    expect(isDtype('f32')).toBe(true);
    expect(isDtype('f64')).toBe(true);
    for (const bad of ['float32', 'F32', 'f16', '', 32, null, undefined, {}]) expect(isDtype(bad)).toBe(false);
  });

  it('bytesPerElement matches the typed arrays', () => {
    expect(bytesPerElement('f32')).toBe(Float32Array.BYTES_PER_ELEMENT);
    expect(bytesPerElement('f64')).toBe(Float64Array.BYTES_PER_ELEMENT);
  });

  it('allocate returns a zero-filled array of the dtype, and dtypeOf reads it back', () => {
    for (const dtype of DTYPES) {
      const a = allocate(dtype, 5);
      expect(a).toBeInstanceOf(dtype === 'f32' ? Float32Array : Float64Array);
      expect([...a]).toEqual([0, 0, 0, 0, 0]);
      expect(dtypeOf(a)).toBe(dtype);
      expect(allocate(dtype, 0).length).toBe(0);
    }
  });

  it('allocate rejects negative, fractional and non-finite lengths', () => {
    expect(() => allocate('f32', -1)).toThrow(
      new RangeError('allocate: length must be a non-negative integer, got -1'),
    );
    expect(() => allocate('f64', 2.5)).toThrow(RangeError);
    expect(() => allocate('f64', Number.NaN)).toThrow(RangeError);
    expect(() => allocate('f64', Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
