// Shapes: a tensor here is a shape and a flat row-major typed array, nothing more (the kernels work
// on the flat arrays with explicit offsets and leading dimensions), so only shape arithmetic is left.

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

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
