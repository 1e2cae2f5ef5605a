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
    const block = B * H;
    for (let t = 0; t < T; t++) {
      const prev = t * block;
      const out = prev + block;
      hs.set(xw.subarray(t * block, out), out);
      // hs[t+1] += hs[t] · W_hhᵀ   ([B,H]·[H,H])
      kernels.gemm(false, false, B, H, H, 1, hs, prev, H, weights.weightHhT, 0, H, 1, hs, out, H);
      kernels.tanh(block, hs, out, hs, out);
    }
  },

  backward(kernels: CompleteKernels, weights: LayerWeights, buf: LayerBuffers): void {
    const { T, B, H, hs, dOut, dXw, dh } = buf;
    const block = B * H;
    dh.fill(0); // the loss does not depend on the state after the window
    for (let t = T - 1; t >= 0; t--) {
      const row = t * block;
      const out = row + block;
      // through tanh: dz = (dh_from_output + dh_from_future) · (1 − h²)
      kernels.tanhBackward(block, dOut, row, dh, 0, hs, out, dXw, row);
      // dh_{t−1} = dz_t · W_hh   ([B,H]·[H,H])
      kernels.gemm(false, false, B, H, H, 1, dXw, row, H, weights.weightHh, 0, H, 0, dh, 0, H);
    }
  },
};
