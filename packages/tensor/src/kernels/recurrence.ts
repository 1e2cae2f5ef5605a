// The whole-recurrence operations of the seam (rnnForwardSteps, rnnBackwardSteps) written as the
// per-step loop of a backend's own gemm and elementwise calls. It is the reference implementation,
// the fallback of a backend without a fused version, and what a fused version must equal exactly.
//
// Dimension letters: B batch, H hidden; a block is one time step's [B, H] rows, dense.

import type { RnnBackwardStepsArgs, RnnForwardStepsArgs } from './kernels.generated.js';
import type { Kernels } from './kernels.js';

/**
 * Below this many rows a step's product runs as dot products with the rows of the untransposed
 * operand (W_hh forward, W_hhᵀ backward): a few rows of a plain operand need no packing, and at
 * batch 1 dot products run ~2× faster than row updates. Both forms agree within rounding.
 */
export const RECURRENCE_DOT_ROWS = 4;

/** The primitive operations the recurrence is made of. */
export type RecurrencePrimitives = Pick<Kernels, 'gemm' | 'tanh'> & Required<Pick<Kernels, 'tanhBackward'>>;

export function rnnForwardStepsWith(k: RecurrencePrimitives, args: RnnForwardStepsArgs): void {
  const { steps, B, H, xw, xwOff, weightHh, weightHhT, hs, hsOff } = args;
  const block = B * H;
  const dots = B < RECURRENCE_DOT_ROWS;
  for (let t = 0; t < steps; t++) {
    const prev = hsOff + t * block;
    const out = prev + block;
    hs.set(xw.subarray(xwOff + t * block, xwOff + (t + 1) * block), out);
    // hs[t+1] += hs[t] · W_hhᵀ   ([B,H]·[H,H])
    if (dots) k.gemm(false, true, B, H, H, 1, hs, prev, H, weightHh, 0, H, 1, hs, out, H);
    else k.gemm(false, false, B, H, H, 1, hs, prev, H, weightHhT, 0, H, 1, hs, out, H);
    k.tanh(block, hs, out, hs, out);
  }
}

export function rnnBackwardStepsWith(k: RecurrencePrimitives, args: RnnBackwardStepsArgs): void {
  const { steps, B, H, dOut, dOutOff, hs, hsOff, weightHh, weightHhT, dh, dXw, dXwOff } = args;
  const block = B * H;
  const dots = B < RECURRENCE_DOT_ROWS;
  for (let t = steps - 1; t >= 0; t--) {
    const row = t * block;
    // through tanh: dz = (dh_from_output + dh_from_future) · (1 − h²)
    k.tanhBackward(block, dOut, dOutOff + row, dh, 0, hs, hsOff + row + block, dXw, dXwOff + row);
    // dh_{t−1} = dz_t · W_hh   ([B,H]·[H,H])
    if (dots) k.gemm(false, true, B, H, H, 1, dXw, dXwOff + row, H, weightHhT, 0, H, 0, dh, 0, H);
    else k.gemm(false, false, B, H, H, 1, dXw, dXwOff + row, H, weightHh, 0, H, 0, dh, 0, H);
  }
}
