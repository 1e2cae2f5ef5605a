// Every optional fused operation, present: the backend's own where it has one, the reference loop
// where it does not. A model resolves this once, so its hot loop makes one call per operation
// instead of asking each time what the backend offers.

import type { CompleteKernels, Kernels } from './kernels.js';
import { gemmPackedWith, packSource, sourceOperand } from './packed.js';
import { referenceKernels } from './reference.js';
import { rnnBackwardStepsWith, rnnForwardStepsWith } from './recurrence.js';
import { rnnWindowBackwardWith, rnnWindowForwardWith } from './rnn-window.js';

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
  // A missing whole recurrence is the loop of this backend's own calls, not of the reference ones.
  const done = complete as unknown as CompleteKernels;
  if (typeof kernels.rnnForwardSteps !== 'function') done.rnnForwardSteps = (args) => rnnForwardStepsWith(done, args);
  if (typeof kernels.rnnBackwardSteps !== 'function')
    done.rnnBackwardSteps = (args) => rnnBackwardStepsWith(done, args);
  if (typeof kernels.rnnWindowForward !== 'function')
    done.rnnWindowForward = (args) => rnnWindowForwardWith(done, args);
  if (typeof kernels.rnnWindowBackward !== 'function')
    done.rnnWindowBackward = (args) => rnnWindowBackwardWith(done, args);
  // The packed-operand trio comes whole or not at all; without it, 'source' operands on this backend's gemm.
  if (
    typeof kernels.allocPacked !== 'function' ||
    typeof kernels.packB !== 'function' ||
    typeof kernels.gemmPacked !== 'function'
  ) {
    done.allocPacked = (dtype, _m, k, n) => sourceOperand(dtype, k, n);
    done.packB = packSource;
    done.gemmPacked = (...args) => gemmPackedWith(done, ...args);
  }
  resolved.set(kernels, done);
  return done;
}
