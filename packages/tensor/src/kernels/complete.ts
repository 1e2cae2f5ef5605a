// Every optional fused operation, present: the backend's own where it has one, the reference loop
// where it does not. A model resolves this once, so its hot loop makes one call per operation
// instead of asking each time what the backend offers.

import type { CompleteKernels, Kernels } from './kernels.js';
import { referenceKernels } from './reference.js';

const resolved = new WeakMap<Kernels, CompleteKernels>();

/** The complete kernels of a backend, resolved on first use and the same object after that. */
export function completeKernels(kernels: Kernels): CompleteKernels {
  const known = resolved.get(kernels);
  if (known) return known;
  const complete: Record<string, unknown> = { name: kernels.name };
  for (const key of Object.keys(referenceKernels) as (keyof CompleteKernels)[]) {
    if (key === 'name') continue;
    const own: unknown = kernels[key];
    complete[key] = typeof own === 'function' ? own.bind(kernels) : referenceKernels[key];
  }
  resolved.set(kernels, complete as unknown as CompleteKernels);
  return complete as unknown as CompleteKernels;
}
