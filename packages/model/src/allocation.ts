// How many floats a model takes from its kernels' allocator, and for what — read from the same
// facts the model allocates by (the cell's gates and buffers, weight drop, dropout, output
// dropout), so a caller can size a run before building it (train's kernel-memory estimate).
// allocation.spec.ts counts what CharRnnModel really allocates and must agree to the float.
//
// Dimension letters: T time, B batch, V vocabulary, H hidden, G gates, L layers, D directions (2 for a
// bidirectional model: every layer's cell twice), O decoder outputs (V, or a tagging task's labels).

import { cellFor } from './cells/registry.js';
import { directionCount, type ModelConfig, outputCount } from './config.js';

/** Entries of every parameter (weights and biases of each layer and direction, the decoder); each has a value and a gradient. */
export function parameterCount(config: ModelConfig): number {
  const { vocabSize: V, hiddenSize: H, layers: L } = config;
  const D = directionCount(config);
  const O = outputCount(config);
  const GH = cellFor(config.cell).gates * H;
  let count = O * D * H + O; // decoder [O, D·H] and its bias
  for (let k = 0; k < L; k++) count += D * (GH * (k === 0 ? V : D * H) + GH * H + 2 * GH);
  return count;
}

/**
 * Floats a CharRnnModel allocates when built: each parameter's value and gradient, each layer's (and
 * direction's) W_hhᵀ, layer 0's W_ihᵀ and its gradient, and with weight drop each one's mask and masked W_hh.
 */
export function modelFloats(config: ModelConfig): number {
  const { vocabSize: V, hiddenSize: H, layers: L } = config;
  const D = directionCount(config);
  const GH = cellFor(config.cell).gates * H;
  const weightDrop = (config.weightDrop ?? 0) > 0 ? 2 * L * D * GH * H : 0;
  return 2 * parameterCount(config) + D * (L * GH * H + 2 * V * GH) + weightDrop;
}

/** Floats of the work buffers of one (T, B) shape, allocated by the first window of that shape and kept. */
export function workspaceFloats(config: ModelConfig, T: number, B: number): number {
  const { hiddenSize: H, layers: L } = config;
  const D = directionCount(config);
  const cell = cellFor(config.cell);
  const GH = cell.gates * H;
  const n = T * B;
  const states = (T + 1) * B * H;
  const perLayer =
    3 * n * GH + // xw, gates, dXw
    (cell.separateHiddenGrad ? n * GH : 0) + // dHw
    states + // hs
    (cell.carriesCellState ? states : 0) + // cs
    (cell.savesAux ? n * H : 0) + // aux
    n * H + // dOut
    2 * B * H + // dh, dc
    B * GH; // scratch
  const dropout = config.dropout > 0 ? 2 * (L - 1) * n * D * H : 0; // masks and masked outputs between layers
  const outputDropout = (config.outputDropout ?? 0) > 0 ? 2 * n * D * H : 0;
  const joined = D === 2 ? 2 * L * n * D * H : 0; // each layer's [T·B, 2H] outputs and their gradient
  return L * D * perLayer + GH + dropout + outputDropout + joined + n * outputCount(config); // + input bias, logits
}

/**
 * Floats of a recurrent state of B streams (createState): h per layer, and c for a cell that carries
 * one; forward direction only (a bidirectional model's reverse direction starts each window from zero).
 */
export function stateFloats(config: ModelConfig, B: number): number {
  return (cellFor(config.cell).carriesCellState ? 2 : 1) * config.layers * B * config.hiddenSize;
}

/** Floats of the ForwardStepper that sampling keeps per model (one step of one stream, every buffer a cell may use); next-symbol, one-way models only. */
export function stepperFloats(config: ModelConfig): number {
  const { vocabSize: V, hiddenSize: H, layers: L } = config;
  const GH = cellFor(config.cell).gates * H;
  // Per layer: W_hhᵀ, input bias, xw, gates, scratch, hs and cs (2 rows each), aux; layer 0 also W_ihᵀ.
  return L * (GH * H + 4 * GH + 5 * H) + V * GH + V; // + logits
}
