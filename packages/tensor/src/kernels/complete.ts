// Every optional fused operation, present: the backend's own where it has one, the reference loop
// where it does not. A model resolves this once, so its hot loop makes one call per operation
// instead of asking each time what the backend offers.

import type { CompleteKernels, Kernels } from './kernels.js';
import { referenceKernels } from './reference.js';

export function completeKernels(kernels: Kernels): CompleteKernels {
  const complete: Record<string, unknown> = { name: kernels.name };
  for (const key of Object.keys(referenceKernels) as (keyof CompleteKernels)[]) {
    if (key === 'name') continue;
    const own: unknown = kernels[key];
    complete[key] = typeof own === 'function' ? own.bind(kernels) : referenceKernels[key];
  }
  return complete as unknown as CompleteKernels;
}
