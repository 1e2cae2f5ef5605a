// The GRU cell, with PyTorch's equations and gate order (r, z, n stacked in G·H = 3H rows):
//   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz),
//   n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)),  h' = (1 − z)⊙n + z⊙h.
// b_hh cannot be folded into xw (the reset gate multiplies it), so the hidden side keeps its own
// gradient dHw. Dimension letters: T time, B batch, H hidden; rows hold [r | z | n].

import type { CompleteKernels } from '@charrnn/tensor';
import type { Cell, LayerBuffers, LayerWeights } from './cell.js';

export const gruCell: Cell = {
  name: 'gru',
  gates: 3,
  carriesCellState: false,
  savesAux: true, // W_hn·h + b_hn
  defaultInit: 'pytorch',
  foldsHiddenBias: false,
  separateHiddenGrad: true,

  forward(kernels: CompleteKernels, weights: LayerWeights, buf: LayerBuffers): void {
    const { T, B, H, xw, hs, gates, aux, scratch, packedHhT } = buf;
    const G = 3 * H;
    // W_hhᵀ laid out once for the window's T products (a backend may skip its per-call packing).
    kernels.packB(false, H, G, weights.weightHhT, 0, G, packedHhT);
    // One argument object for the window; each step moves its offsets (no allocation per step).
    const args = {
      rows: B,
      H,
      xw,
      xwOff: 0,
      hProj: scratch,
      gates,
      gatesOff: 0,
      hn: aux,
      hnOff: 0,
      hPrev: hs,
      hPrevOff: 0,
      h: hs,
      hOff: 0,
    };
    for (let t = 0; t < T; t++) {
      // scratch = h_{t−1} · W_hhᵀ + b_hh   ([B,H]·[H,3H])
      for (let b = 0; b < B; b++) scratch.set(weights.biasHh, b * G);
      kernels.gemmPacked(false, B, G, H, 1, hs, t * B * H, H, packedHhT, 1, scratch, 0, G);
      // [r z n] gates, hn = W_hn·h + b_hn saved for backward, h_t = (1 − z)⊙n + z⊙h_{t−1}
      const g0 = t * B * G;
      const row = t * B * H;
      const out = row + B * H;
      args.xwOff = args.gatesOff = g0;
      args.hnOff = args.hPrevOff = row;
      args.hOff = out;
      kernels.gruForward(args);
    }
  },

  backward(kernels: CompleteKernels, weights: LayerWeights, buf: LayerBuffers): void {
    const { T, B, H, hs, gates, aux, dOut, dXw, dHw, dh, packedHh } = buf;
    const G = 3 * H;
    kernels.packB(false, G, H, weights.weightHh, 0, H, packedHh);
    dh.fill(0);
    // One argument object for the window; each step moves its offsets (no allocation per step).
    const grads = {
      rows: B,
      H,
      gates,
      gatesOff: 0,
      hPrev: hs,
      hPrevOff: 0,
      hn: aux,
      hnOff: 0,
      dOut,
      dOutOff: 0,
      dhCarry: dh,
      dXw,
      dXwOff: 0,
      dHw,
      dHwOff: 0,
    };
    for (let t = T - 1; t >= 0; t--) {
      // the direct path h' = … + z⊙h is left in dh; the path through the gates is added by the product below
      const g0 = t * B * G;
      const row = t * B * H;
      grads.gatesOff = grads.dXwOff = grads.dHwOff = g0;
      grads.hPrevOff = grads.hnOff = grads.dOutOff = row;
      kernels.gruBackward(grads);
      // dh_{t−1} += dHw_t · W_hh   ([B,3H]·[3H,H])
      kernels.gemmPacked(false, B, H, G, 1, dHw, t * B * G, G, packedHh, 1, dh, 0, H);
    }
  },
};
