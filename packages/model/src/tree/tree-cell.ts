// The seam between the tree model and its node cells. The model runs the matrix products (input
// gather, children's states · W_hhᵀ, and their gradients) level by level; a cell owns only the
// elementwise step of a node — activations and state in forward, their gradients in backward.
// Dimension letters: N nodes of the batch (rows, in level order), H hidden, G gates.

import type { FloatArray } from '@charrnn/tensor';

export interface TreeBuffers {
  readonly H: number;
  /** Child rows of each row, −1 at a leaf (children always sit at lower levels). */
  readonly left: Int32Array; // [N]
  readonly right: Int32Array; // [N]
  /** Pre-activations in, activations out (forward); kept for backward. */
  readonly gates: FloatArray; // [N, G·H]
  readonly h: FloatArray; // [N, H]
  /** Cell state and tanh(c): the Tree-LSTM's; empty for cells without one. */
  readonly c: FloatArray; // [N, H]
  readonly tanhC: FloatArray; // [N, H]
  /** ∂loss/∂h of each row, complete once every parent of the row has run backward. */
  readonly dh: FloatArray; // [N, H]
  readonly dc: FloatArray; // [N, H]
  /** ∂loss/∂pre-activations, written by backward. */
  readonly dz: FloatArray; // [N, G·H]
}

export interface TreeCell {
  readonly name: string;
  /** G: gate blocks of H rows in weight_ih, weight_hh and bias. */
  readonly gates: number;
  /** Whether rows carry a cell state c beside h. */
  readonly carriesCellState: boolean;
  /** Rows [r0, r1): gates (pre-activations) → activations, h (and c, tanhC). Children's rows are done. */
  forward(buf: TreeBuffers, r0: number, r1: number): void;
  /** Rows [r0, r1): dh (and dc) → dz; adds the cell-state path into the children's dc. Parents' rows are done. */
  backward(buf: TreeBuffers, r0: number, r1: number): void;
}
