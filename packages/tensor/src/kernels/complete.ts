// Every optional fused operation, present: the backend's own where it has one, the reference loop
// where it does not. A model resolves this once, so its hot loop makes one call per operation
// instead of asking each time what the backend offers.

import type { CompleteKernels, Kernels } from './kernels.js';
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
  if (typeof kernels.rnnForwardSteps !== 'function') {
    done.rnnForwardSteps = (steps, B, H, xw, xwOff, whh, whhT, hs, hsOff) =>
      rnnForwardStepsWith(done, steps, B, H, xw, xwOff, whh, whhT, hs, hsOff);
  }
  if (typeof kernels.rnnBackwardSteps !== 'function') {
    done.rnnBackwardSteps = (steps, B, H, dOut, dOutOff, hs, hsOff, whh, whhT, dh, dXw, dXwOff) =>
      rnnBackwardStepsWith(done, steps, B, H, dOut, dOutOff, hs, hsOff, whh, whhT, dh, dXw, dXwOff);
  }
  if (typeof kernels.rnnWindowForward !== 'function') {
    done.rnnWindowForward = (steps, B, H, V, ids, idsOff, wih, bias, whh, whhT, xw, hs) =>
      rnnWindowForwardWith(done, steps, B, H, V, ids, idsOff, wih, bias, whh, whhT, xw, hs);
  }
  if (typeof kernels.rnnWindowBackward !== 'function') {
    done.rnnWindowBackward = (steps, B, H, V, dOut, hs, whh, whhT, dh, dXw, ids, idsOff, wihG, bihG, bhhG) =>
      rnnWindowBackwardWith(done, steps, B, H, V, dOut, hs, whh, whhT, dh, dXw, ids, idsOff, wihG, bihG, bhhG);
  }
  resolved.set(kernels, done);
  return done;
}
