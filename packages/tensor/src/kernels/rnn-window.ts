// The whole-window operations of a first-layer tanh RNN (rnnWindowForward, rnnWindowBackward)
// written as the calls they fuse: the one-hot input gather read down W_ih's columns, W_hh's
// transpose and the recurrence; and back, the recurrence, both bias gradients and the gather's
// scatter. It is the reference, the fallback of a backend without the fused version, and what a
// fused version must equal exactly.
//
// Dimension letters: B batch, H hidden, V vocabulary; rows are time-major (t·B + b), T·B of them.

import type { FloatArray } from '../dtype.js';
import type { RnnWindowBackwardArgs, RnnWindowForwardArgs } from './kernels.generated.js';
import type { CompleteKernels } from './kernels.js';

/** The operations the window is made of. */
export type WindowPrimitives = Pick<
  CompleteKernels,
  'transpose' | 'rnnForwardSteps' | 'rnnBackwardSteps' | 'columnSums'
>;

function checkedId(fn: string, ids: Int32Array, idsOff: number, r: number, V: number): number {
  const id = ids[idsOff + r]!;
  if (!(id >= 0 && id < V)) throw new RangeError(`${fn}: ids must be in [0, ${V}), got ${id} at row ${r}`);
  return id;
}

/** xw[r, :] = W_ih[:, ids[r]] + bias (W_ih [H, V] row-major, xw [rows, H] dense). */
export function gatherColumns(
  rows: number,
  H: number,
  V: number,
  weightIh: FloatArray,
  ids: Int32Array,
  idsOff: number,
  bias: FloatArray,
  xw: FloatArray,
): void {
  for (let r = 0; r < rows; r++) {
    const id = checkedId('rnnWindowForward', ids, idsOff, r, V);
    for (let j = 0; j < H; j++) xw[r * H + j] = weightIh[j * V + id]! + bias[j]!;
  }
}

/** W_ih.grad = 0, then W_ih.grad[:, ids[r]] += dXw[r, :] for r = 0, 1, … in that order. */
export function scatterColumns(
  rows: number,
  H: number,
  V: number,
  dXw: FloatArray,
  ids: Int32Array,
  idsOff: number,
  weightIhGrad: FloatArray,
): void {
  weightIhGrad.fill(0, 0, H * V);
  for (let r = 0; r < rows; r++) {
    const id = checkedId('rnnWindowBackward', ids, idsOff, r, V);
    for (let j = 0; j < H; j++) weightIhGrad[j * V + id]! += dXw[r * H + j]!;
  }
}

export function rnnWindowForwardWith(k: WindowPrimitives, args: RnnWindowForwardArgs): void {
  const { steps, B, H, V, ids, idsOff, weightIh, bias, weightHh, weightHhT, xw, hs } = args;
  if (steps <= 0 || B === 0 || H === 0) return; // an empty window changes nothing, W_hhᵀ included
  gatherColumns(steps * B, H, V, weightIh, ids, idsOff, bias, xw);
  k.transpose(H, H, weightHh, 0, H, weightHhT, 0);
  // One object per window (not per step): the recurrence's arguments.
  k.rnnForwardSteps({ steps, B, H, xw, xwOff: 0, weightHh, weightHhT, hs, hsOff: 0 });
}

export function rnnWindowBackwardWith(k: WindowPrimitives, args: RnnWindowBackwardArgs): void {
  const { steps, B, H, V, dOut, hs, weightHh, weightHhT, dh, dXw, ids, idsOff, weightIhGrad, biasIhGrad, biasHhGrad } =
    args;
  if (steps <= 0 || B === 0 || H === 0) return;
  dh.fill(0, 0, B * H); // the loss does not depend on the state after the window
  k.rnnBackwardSteps({ steps, B, H, dOut, dOutOff: 0, hs, hsOff: 0, weightHh, weightHhT, dh, dXw, dXwOff: 0 });
  k.columnSums(steps * B, H, dXw, 0, biasHhGrad);
  k.columnSums(steps * B, H, dXw, 0, biasIhGrad);
  scatterColumns(steps * B, H, V, dXw, ids, idsOff, weightIhGrad);
}
