// The vanilla tanh RNN of the seed: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh).
// Forward and backward side by side; both biases are folded into xw by the model.
// Dimension letters: T time, B batch, H hidden.

import type { CompleteKernels } from '@charrnn/tensor';
import type { Cell, FirstLayerInput, LayerBuffers, LayerWeights } from './cell.js';

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
    kernels.rnnForwardSteps({
      steps: T,
      B,
      H,
      xw,
      xwOff: 0,
      weightHh: weights.weightHh,
      weightHhT: weights.weightHhT,
      hs,
      hsOff: 0,
    });
  },

  backward(kernels: CompleteKernels, weights: LayerWeights, buf: LayerBuffers): void {
    const { T, B, H, hs, dOut, dXw, dh } = buf;
    dh.fill(0); // the loss does not depend on the state after the window
    // for t = T−1 … 0: dz_t = (dOut_t + dh)·(1 − h_t²) through tanh, then dh = dz_t · W_hh   ([B,H]·[H,H])
    kernels.rnnBackwardSteps({
      steps: T,
      B,
      H,
      dOut,
      dOutOff: 0,
      hs,
      hsOff: 0,
      weightHh: weights.weightHh,
      weightHhT: weights.weightHhT,
      dh,
      dXw,
      dXwOff: 0,
    });
  },

  // The first layer's whole window in one call each way (at batch 1 the separate calls, two transposes
  // of W_ih and the JS between them cost as much as the recurrence); bit-identical to the general path.
  forwardFromIds(
    kernels: CompleteKernels,
    w: LayerWeights,
    input: FirstLayerInput,
    buf: LayerBuffers,
    ids: Int32Array,
  ) {
    const { T, B, H, xw, hs } = buf;
    // xw[t] = W_ih[:, ids[t]] + b_ih + b_hh;  hs[t+1] = tanh(xw[t] + hs[t] · W_hhᵀ)
    kernels.rnnWindowForward({
      steps: T,
      B,
      H,
      V: input.V,
      ids,
      idsOff: 0,
      weightIh: input.weightIh,
      bias: input.inputBias,
      weightHh: w.weightHh,
      weightHhT: w.weightHhT,
      xw,
      hs,
    });
  },

  backwardToIds(kernels: CompleteKernels, w: LayerWeights, input: FirstLayerInput, buf: LayerBuffers, ids: Int32Array) {
    const { T, B, H, hs, dOut, dXw, dh } = buf;
    // back through time, then db_ih = db_hh = Σ dXw and dW_ih[:, ids[r]] += dXw[r]
    kernels.rnnWindowBackward({
      steps: T,
      B,
      H,
      V: input.V,
      dOut,
      hs,
      weightHh: w.weightHh,
      weightHhT: w.weightHhT,
      dh,
      dXw,
      ids,
      idsOff: 0,
      weightIhGrad: input.weightIhGrad,
      biasIhGrad: input.biasIhGrad,
      biasHhGrad: input.biasHhGrad,
    });
  },
};
