// The recurrent state carried between windows: per layer, h (and c for the LSTM) for each of the
// B streams (its shape is the cell's choice). Streams are reset one by one when their data pointer wraps.

import type { FloatArray, Kernels } from '@charrnn/tensor';
import { cellFor } from './cells/registry.js';
import type { ModelConfig } from './config.js';

export interface RecurrentState {
  readonly batch: number;
  /** Per layer, [B, H]. */
  readonly h: FloatArray[];
  /** Per layer, [B, H]; present for cells that carry a cell state (the LSTM). */
  readonly c: FloatArray[] | null;
}

export function createState(config: ModelConfig, batch: number, kernels: Kernels): RecurrentState {
  if (!Number.isInteger(batch) || batch < 1)
    throw new RangeError(`createState: batch must be a positive integer, got ${batch}`);
  const size = batch * config.hiddenSize;
  const perLayer = (): FloatArray[] => Array.from({ length: config.layers }, () => kernels.alloc(config.dtype, size));
  return { batch, h: perLayer(), c: cellFor(config.cell).carriesCellState ? perLayer() : null };
}

/** Zeroes the state of every stream, or of the streams whose mask entry is non-zero. */
export function resetState(state: RecurrentState, mask?: ArrayLike<number | boolean>): void {
  const arrays = state.c ? [...state.h, ...state.c] : state.h;
  if (!mask) {
    for (const array of arrays) array.fill(0);
    return;
  }
  for (const array of arrays) {
    const width = array.length / state.batch;
    for (let b = 0; b < state.batch; b++) if (mask[b]) array.fill(0, b * width, (b + 1) * width);
  }
}

export function copyState(from: RecurrentState, to: RecurrentState): void {
  if (from.batch !== to.batch || from.h.length !== to.h.length) {
    throw new RangeError(
      `copyState: states must have the same batch and layers, got ${from.batch}×${from.h.length} and ${to.batch}×${to.h.length}`,
    );
  }
  from.h.forEach((h, k) => to.h[k]!.set(h));
  if (from.c && to.c) from.c.forEach((c, k) => to.c![k]!.set(c));
}

export function cloneState(state: RecurrentState, kernels: Kernels, dtype: ModelConfig['dtype']): RecurrentState {
  const copy = (arrays: FloatArray[]): FloatArray[] =>
    arrays.map((a) => {
      const out = kernels.alloc(dtype, a.length);
      out.set(a);
      return out;
    });
  return { batch: state.batch, h: copy(state.h), c: state.c ? copy(state.c) : null };
}
