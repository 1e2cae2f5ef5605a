// Test fixtures shared by the spec files: a small two-parameter registry with PyTorch-style
// names, flat views over it, and the tolerance check from STYLE.md. Not exported by the package.

import { expect } from 'vitest';
import { ParamRegistry, allocate, sizeOf, type Dtype } from '@charrnn/tensor';
import type { Optimizer } from './optimizer.js';

export const INITIAL = [0.5, -0.3, 0.1, 2.0, 0, 1, -1];

/** rnn.weight_ih_l0 [2,2] and fc.bias [3], filled from `values` (7 numbers, default INITIAL). */
export function makeRegistry(dtype: Dtype = 'f64', values: readonly number[] = INITIAL): ParamRegistry {
  const registry = new ParamRegistry(dtype);
  let offset = 0;
  for (const [name, shape] of [
    ['rnn.weight_ih_l0', [2, 2]],
    ['fc.bias', [3]],
  ] as const) {
    const n = sizeOf(shape);
    const value = allocate(dtype, n);
    value.set(values.slice(offset, offset + n));
    registry.add(name, shape, value, allocate(dtype, n));
    offset += n;
  }
  return registry;
}

export function values(registry: ParamRegistry): number[] {
  return registry.list.flatMap((p) => [...p.value]);
}

export function grads(registry: ParamRegistry): number[] {
  return registry.list.flatMap((p) => [...p.grad]);
}

export function setGrads(registry: ParamRegistry, flat: readonly number[]): void {
  let offset = 0;
  for (const p of registry.list) {
    p.grad.set(flat.slice(offset, offset + p.grad.length));
    offset += p.grad.length;
  }
}

/** Sets each gradient in turn and steps once per gradient. */
export function run(optimizer: Optimizer, gradSequence: readonly (readonly number[])[]): void {
  for (const g of gradSequence) {
    setGrads(optimizer.registry, g);
    optimizer.step();
  }
}

/** |a − e| ≤ atol + rtol·|e| for every entry (float64 vs closed form by default). */
export function expectClose(actual: readonly number[], expected: readonly number[], atol = 1e-12, rtol = 1e-10): void {
  expect(actual.length).toBe(expected.length);
  const bad = actual
    .map((a, i) => ({ i, a, e: expected[i]! }))
    .filter(({ a, e }) => !(Math.abs(a - e) <= atol + rtol * Math.abs(e)));
  expect(bad).toEqual([]);
}

/** Three gradient steps over the 7 entries, with zeros, sign changes and a large entry. */
export const GRADS: readonly (readonly number[])[] = [
  [0.3, -0.2, 0, 5, 1e-3, -4, 0.7],
  [-0.1, -0.2, 0.4, -5, 2, 0, -0.7],
  [0.25, 0.05, -0.3, 5, -1e-3, 3, 0.7],
];
