// The vanilla tanh RNN of the seed: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh).
// Forward and backward side by side; both biases are folded into xw by the model.
// Dimension letters: T time, B batch, H hidden.

import type { CompleteKernels } from '@charrnn/tensor';
import type { Cell, LayerBuffers, LayerWeights } from './cell.js';

export const rnnCell: Cell = {
  name: 'rnn',
  gates: 1,
  carriesCellState: false,
  savesAux: false,
  defaultInit: 'seed', // the seed's randn·0.01
  foldsHiddenBias: true,
  separateHiddenGrad: false,

  forward(kernels: CompleteKernels, weights: LayerWeights, buf: LayerBuffers): void {
    const { T, B, H, xw, hs } = buf;
    // for each t: hs[t+1] = tanh(xw[t] + hs[t] · W_hhᵀ)   ([B,H]·[H,H]), the T dependent steps in one call
    kernels.rnnForwardSteps(T, B, H, xw, 0, weights.weightHh, weights.weightHhT, hs, 0);
  },

  backward(kernels: CompleteKernels, weights: LayerWeights, buf: LayerBuffers): void {
    const { T, B, H, hs, dOut, dXw, dh } = buf;
    dh.fill(0); // the loss does not depend on the state after the window
    // for t = T−1 … 0: dz_t = (dOut_t + dh)·(1 − h_t²) through tanh, then dh = dz_t · W_hh   ([B,H]·[H,H])
    kernels.rnnBackwardSteps(T, B, H, dOut, 0, hs, 0, weights.weightHh, weights.weightHhT, dh, dXw, 0);
  },
};
