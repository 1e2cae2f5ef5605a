// A tensor is a shape and a flat row-major typed array. Nothing more: the kernels work on the
// flat arrays with explicit offsets and leading dimensions, so views cost nothing.

import { allocate, dtypeOf, type Dtype, type FloatArray } from './dtype.js';

export interface Tensor {
  readonly shape: readonly number[];
  readonly data: FloatArray;
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) {
    if (!Number.isInteger(dim) || dim < 0) {
      throw new RangeError(`sizeOf: dimensions must be non-negative integers, got [${shape.join(',')}]`);
    }
    size *= dim;
  }
  return size;
}

export function zeros(dtype: Dtype, shape: readonly number[]): Tensor {
  return { shape: [...shape], data: allocate(dtype, sizeOf(shape)) };
}

/** A tensor from flat row-major numbers (not nested arrays); the shape must account for every value. */
export function tensorFrom(dtype: Dtype, shape: readonly number[], values: ArrayLike<number>): Tensor {
  const size = sizeOf(shape);
  if (values.length !== size) {
    throw new RangeError(`tensorFrom: values must have ${size} entries for shape [${shape.join(',')}], got ${values.length}`);
  }
  const tensor = zeros(dtype, shape);
  tensor.data.set(values);
  return tensor;
}

export function tensorDtype(tensor: Tensor): Dtype {
  return dtypeOf(tensor.data);
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
