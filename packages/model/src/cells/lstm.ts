// The LSTM cell, with PyTorch's equations and gate order (i, f, g, o stacked in G·H = 4H rows):
//   [i f g o] = [σ σ tanh σ](W_ih x + b_ih + W_hh h + b_hh),  c' = f⊙c + i⊙g,  h' = o⊙tanh(c').
// Both biases are folded into xw by the model. Forward and backward side by side.
// Dimension letters: T time, B batch, H hidden; each row of gates holds [i | f | g | o].

import type { CompleteKernels } from '@charrnn/tensor';
import type { Cell, LayerBuffers, LayerWeights } from './cell.js';

export const lstmCell: Cell = {
  name: 'lstm',
  gates: 4,
  carriesCellState: true,
  savesAux: true, // tanh(c)
  defaultInit: 'pytorch',
  foldsHiddenBias: true,
  separateHiddenGrad: false,

  forward(kernels: CompleteKernels, weights: LayerWeights, buf: LayerBuffers): void {
    const { T, B, H, xw, hs, cs, gates, aux, packedHhT } = buf;
    const G = 4 * H;
    // W_hhᵀ laid out once for the window's T products (a backend may skip its per-call packing).
    kernels.packB(false, H, G, weights.weightHhT, 0, G, packedHhT);
    // One argument object for the window; each step moves its offsets (no allocation per step).
    const args = {
      rows: B,
      H,
      gates,
      gatesOff: 0,
      c: cs,
      cPrevOff: 0,
      cOff: 0,
      tanhC: aux,
      tanhCOff: 0,
      h: hs,
      hOff: 0,
    };
    for (let t = 0; t < T; t++) {
      const gateBase = t * B * G;
      gates.set(xw.subarray(gateBase, gateBase + B * G), gateBase);
      // gates_t += h_{t−1} · W_hhᵀ   ([B,H]·[H,4H])
      kernels.gemmPacked(false, B, G, H, 1, hs, t * B * H, H, packedHhT, 1, gates, gateBase, G);
      // [i f g o] = activations; c_t = f⊙c_{t−1} + i⊙g; h_t = o⊙tanh(c_t)
      const prev = t * B * H;
      const out = prev + B * H;
      args.gatesOff = gateBase;
      args.cPrevOff = args.tanhCOff = prev;
      args.cOff = args.hOff = out;
      kernels.lstmForward(args);
    }
  },

  backward(kernels: CompleteKernels, weights: LayerWeights, buf: LayerBuffers): void {
    const { T, B, H, cs, gates, aux, dOut, dXw, dh, dc, packedHh } = buf;
    const G = 4 * H;
    kernels.packB(false, G, H, weights.weightHh, 0, H, packedHh);
    dh.fill(0);
    dc.fill(0);
    const grads = {
      rows: B,
      H,
      gates,
      gatesOff: 0,
      cPrev: cs,
      cPrevOff: 0,
      tanhC: aux,
      tanhCOff: 0,
      dOut,
      dOutOff: 0,
      dhCarry: dh,
      dcCarry: dc,
      dGates: dXw,
      dGatesOff: 0,
    };
    for (let t = T - 1; t >= 0; t--) {
      // cs block t holds c_{t−1}; dh and dc carry [B, H] from step t+1 (dc is replaced by dc_t⊙f)
      const g0 = t * B * G;
      const row = t * B * H;
      grads.gatesOff = grads.dGatesOff = g0;
      grads.cPrevOff = grads.tanhCOff = grads.dOutOff = row;
      kernels.lstmBackward(grads);
      // dh_{t−1} = dgates_t · W_hh   ([B,4H]·[4H,H])
      kernels.gemmPacked(false, B, H, G, 1, dXw, t * B * G, G, packedHh, 0, dh, 0, H);
    }
  },
};
