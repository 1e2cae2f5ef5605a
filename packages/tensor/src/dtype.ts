// Element types. Every tensor in charrnn is a flat typed array of one of two float types,
// chosen by the caller: float32 for speed, float64 for exact comparisons and gradient checks.

export type Dtype = 'f32' | 'f64';
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly Dtype[] = ['f32', 'f64'];

export function isDtype(value: unknown): value is Dtype {
  return value === 'f32' || value === 'f64';
}

export function bytesPerElement(dtype: Dtype): number {
  return dtype === 'f32' ? 4 : 8;
}

/** A zero-filled array on the JavaScript heap (kernels may offer their own allocator, see Kernels.alloc). */
export function allocate(dtype: Dtype, length: number): FloatArray {
  if (!Number.isInteger(length) || length < 0) {
    throw new RangeError(`allocate: length must be a non-negative integer, got ${length}`);
  }
  return dtype === 'f32' ? new Float32Array(length) : new Float64Array(length);
}

export function dtypeOf(array: FloatArray): Dtype {
  return array instanceof Float32Array ? 'f32' : 'f64';
}
