// epsSweep: the same entries checked at a range of steps ε, pooled over all tensors. In float64 the
// error falls with ε while truncation dominates (∝ ε² or ε⁴) and rises again below the optimum as
// round-off of the loss (∝ 1/ε) takes over: the U-curve that justifies the default ε.

import type { Prng } from '@charrnn/tensor';
import { resolveOptions } from './check.js';
import {
  analyticGradients,
  numericDerivative,
  selectEntries,
  type EntrySelection,
  type Stencil,
} from './differences.js';
import { median, relativeError } from './stats.js';
import { validateTarget, type GradTarget } from './target.js';

/** 1e-1, 1e-2, …, 1e-10. */
export const DEFAULT_SWEEP_EPS: readonly number[] = Array.from({ length: 10 }, (_, i) => Number(`1e-${i + 1}`));

export interface SweepOptions {
  readonly stencil?: Stencil;
  readonly epsValues?: readonly number[];
  /** 'all' (default) or K random entries per tensor, the same entries at every ε; needs rng. */
  readonly entries?: EntrySelection;
  readonly rng?: Prng;
  /** Called after each ε, for progress output. */
  readonly onRow?: (row: SweepRow) => void;
}

export interface SweepRow {
  readonly eps: number;
  /** Over every checked entry of every tensor. */
  readonly maxRelErr: number;
  readonly medianRelErr: number;
}

export function epsSweep(target: GradTarget, options: SweepOptions = {}): SweepRow[] {
  const where = 'epsSweep';
  validateTarget(where, target);
  const opts = resolveOptions(where, { stencil: options.stencil, entries: options.entries, rng: options.rng });
  const epsValues = options.epsValues ?? DEFAULT_SWEEP_EPS;
  if (!Array.isArray(epsValues) || epsValues.length === 0)
    throw new RangeError(`${where}: options.epsValues must be a non-empty array, got ${String(epsValues)}`);
  for (const eps of epsValues) resolveOptions(where, { eps });
  const { grads } = analyticGradients(where, target);
  const selection = selectEntries(
    target.tensors.map((t) => t.value.length),
    opts.entries,
    opts.rng,
  );
  const total = selection.reduce((n, s) => n + s.length, 0);

  return epsValues.map((eps) => {
    const relErrs = new Float64Array(total);
    let k = 0;
    target.tensors.forEach((t, ti) => {
      for (const index of selection[ti]!) {
        relErrs[k++] = relativeError(grads[ti]![index]!, numericDerivative(target, t.value, index, eps, opts.stencil));
      }
    });
    const row = { eps, maxRelErr: relErrs.reduce((a, b) => Math.max(a, b), 0), medianRelErr: median(relErrs) };
    options.onRow?.(row);
    return row;
  });
}
