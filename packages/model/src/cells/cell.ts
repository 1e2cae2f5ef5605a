// The contract between the model and a recurrent cell. The model hoists everything that does not
// depend on the recurrence — the input projection of the whole window (xw) and the weight
// gradients of both projections — and leaves each cell only its time loop.
//
// Every decision that depends on the kind of cell lives in the cell's own file, as a field below:
// nothing outside cells/ asks for a cell by name.
//
// Dimension letters: T time steps, B batch (streams), H hidden units, G gates (rnn 1, gru 3, lstm 4).
// Rows are time-major: row r = t·B + b.

import type { CompleteKernels, FloatArray, PackedOperand } from '@charrnn/tensor';
import type { CellName, InitName } from '../config.js';

export interface LayerWeights {
  readonly weightHh: FloatArray; // [G·H, H]
  /** W_hhᵀ, refreshed by the model before each forward pass, so a time step is a plain [B,H]·[H,G·H] product. */
  readonly weightHhT: FloatArray; // [H, G·H]
  readonly biasHh: FloatArray; // [G·H]
}

/** Work buffers of one layer for one (T, B) shape, allocated once and reused every window. */
export interface LayerBuffers {
  readonly T: number;
  readonly B: number;
  readonly H: number;
  /** Input-side pre-activations of the whole window, [T·B, G·H]; the cell decides which biases are folded in. */
  readonly xw: FloatArray;
  /** Hidden states, [(T+1)·B, H]: block 0 is the incoming state, block t+1 the output at time t. */
  readonly hs: FloatArray;
  /** LSTM cell states, [(T+1)·B, H], laid out like hs; empty for other cells. */
  readonly cs: FloatArray;
  /** Post-activation gates saved for backward, [T·B, G·H]. */
  readonly gates: FloatArray;
  /** One more saved [T·B, H] value: tanh(c) for the LSTM, W_hn·h + b_hn for the GRU. */
  readonly aux: FloatArray;
  /** Gradient of the loss with respect to the layer's outputs hs[1..T], [T·B, H]. Filled by the model. */
  readonly dOut: FloatArray;
  /** Gradient with respect to xw, [T·B, G·H]. Filled by the cell. */
  readonly dXw: FloatArray;
  /** Gradient with respect to the hidden-side pre-activations W_hh·h + b_hh, [T·B, G·H]. Same array as dXw unless the cell needs them apart (GRU). */
  readonly dHw: FloatArray;
  /** Carried gradients, [B, H]: on return from backward, dh holds ∂loss/∂h_in and dc ∂loss/∂c_in. */
  readonly dh: FloatArray;
  readonly dc: FloatArray;
  /** Scratch, [B, G·H]. */
  readonly scratch: FloatArray;
  /**
   * W_hhᵀ [H, G·H] and W_hh [G·H, H] as packed operands for the T recurrent products of a window
   * ([B,H]·[H,G·H] forward, [B,G·H]·[G·H,H] backward): a cell packs them at the start of each forward
   * and backward call (after the model's transpose and weight drop), never across windows.
   */
  readonly packedHhT: PackedOperand;
  readonly packedHh: PackedOperand;
}

/** The first layer's input-side parameters, for a cell that runs its whole window from character ids. */
export interface FirstLayerInput {
  readonly V: number;
  readonly weightIh: FloatArray; // [G·H, V]
  /** b_ih (+ b_hh when folded), [G·H]. */
  readonly inputBias: FloatArray;
  readonly weightIhGrad: FloatArray; // [G·H, V]
  readonly biasIhGrad: FloatArray; // [G·H]
  readonly biasHhGrad: FloatArray; // [G·H]
}

export interface Cell {
  /** The name in configs, flags and checkpoint metadata ("cell"). */
  readonly name: CellName;
  /** Gates per hidden unit: weight_ih/weight_hh have G·H rows (PyTorch stacks them). A checkpoint without metadata is read as the one registered cell with its G. */
  readonly gates: number;
  /** State shape: true when each layer carries a cell state c beside h (LSTM). */
  readonly carriesCellState: boolean;
  /** True when the cell saves a second [T·B, H] value for backward in LayerBuffers.aux. */
  readonly savesAux: boolean;
  /** The initialization a fresh model of this cell gets unless the config names one. */
  readonly defaultInit: InitName;
  /** True when b_hh can be added to xw with b_ih (rnn, lstm); the GRU keeps it inside the reset gate. */
  readonly foldsHiddenBias: boolean;
  /** True when dHw differs from dXw (GRU). */
  readonly separateHiddenGrad: boolean;
  /** Runs the recurrence: reads xw and block 0 of hs (and cs), writes hs[1..T], cs, gates, aux. */
  forward(kernels: CompleteKernels, weights: LayerWeights, buffers: LayerBuffers): void;
  /** Backpropagates dOut through time: writes dXw, dHw, and leaves ∂loss/∂h_in in dh (∂loss/∂c_in in dc). */
  backward(kernels: CompleteKernels, weights: LayerWeights, buffers: LayerBuffers): void;
  /**
   * Optional, for the first layer: the input projection (W_ih's columns gathered by character id,
   * biases added), W_hhᵀ and forward in one kernel call. Writes xw, weights.weightHhT and what forward writes.
   */
  forwardFromIds?(
    kernels: CompleteKernels,
    weights: LayerWeights,
    input: FirstLayerInput,
    buffers: LayerBuffers,
    ids: Int32Array,
  ): void;
  /**
   * Its backward in one kernel call: what backward writes, plus the gradients of W_ih and both biases
   * (the caller still computes W_hh's, a plain product over the window).
   */
  backwardToIds?(
    kernels: CompleteKernels,
    weights: LayerWeights,
    input: FirstLayerInput,
    buffers: LayerBuffers,
    ids: Int32Array,
  ): void;
}
