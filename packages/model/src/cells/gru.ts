// The GRU cell, with PyTorch's equations and gate order (r, z, n stacked in G·H = 3H rows):
//   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz),
//   n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)),  h' = (1 − z)⊙n + z⊙h.
// b_hh cannot be folded into xw (the reset gate multiplies it), so the hidden side keeps its own
// gradient dHw. Dimension letters: T time, B batch, H hidden; rows hold [r | z | n].

import type { Kernels } from '@charrnn/tensor';
import type { Cell, LayerBuffers, LayerWeights } from './cell.js';

export const gruCell: Cell = {
  name: 'gru',
  gates: 3,
  foldsHiddenBias: false,
  separateHiddenGrad: true,

  forward(kernels: Kernels, weights: LayerWeights, buf: LayerBuffers): void {
    const { T, B, H, xw, hs, gates, aux, scratch } = buf;
    const G = 3 * H;
    for (let t = 0; t < T; t++) {
      // scratch = h_{t−1} · W_hhᵀ + b_hh   ([B,H]·[H,3H])
      for (let b = 0; b < B; b++) scratch.set(weights.biasHh, b * G);
      kernels.gemm(false, false, B, G, H, 1, hs, t * B * H, H, weights.weightHhT, 0, G, 1, scratch, 0, G);
      for (let b = 0; b < B; b++) {
        const g0 = (t * B + b) * G;
        const s0 = b * G;
        const row = (t * B + b) * H;
        const prev = row;
        const out = row + B * H;
        for (let j = 0; j < H; j++) {
          const r = sigmoid(xw[g0 + j]! + scratch[s0 + j]!);
          const z = sigmoid(xw[g0 + H + j]! + scratch[s0 + H + j]!);
          const hn = scratch[s0 + 2 * H + j]!;
          const n = Math.tanh(xw[g0 + 2 * H + j]! + r * hn);
          gates[g0 + j] = r;
          gates[g0 + H + j] = z;
          gates[g0 + 2 * H + j] = n;
          aux[row + j] = hn;
          hs[out + j] = (1 - z) * n + z * hs[prev + j]!;
        }
      }
    }
  },

  backward(kernels: Kernels, weights: LayerWeights, buf: LayerBuffers): void {
    const { T, B, H, hs, gates, aux, dOut, dXw, dHw, dh } = buf;
    const G = 3 * H;
    dh.fill(0);
    for (let t = T - 1; t >= 0; t--) {
      for (let b = 0; b < B; b++) {
        const g0 = (t * B + b) * G;
        const row = (t * B + b) * H;
        const carry = b * H;
        for (let j = 0; j < H; j++) {
          const r = gates[g0 + j]!;
          const z = gates[g0 + H + j]!;
          const n = gates[g0 + 2 * H + j]!;
          const hPrev = hs[row + j]!;
          const dhTotal = dOut[row + j]! + dh[carry + j]!;
          const dnPre = dhTotal * (1 - z) * (1 - n * n);
          const dzPre = dhTotal * (hPrev - n) * z * (1 - z);
          const drPre = dnPre * aux[row + j]! * r * (1 - r);
          dXw[g0 + j] = drPre;
          dXw[g0 + H + j] = dzPre;
          dXw[g0 + 2 * H + j] = dnPre;
          dHw[g0 + j] = drPre;
          dHw[g0 + H + j] = dzPre;
          dHw[g0 + 2 * H + j] = dnPre * r;
          // the direct path h' = … + z⊙h; the path through the gates is added by the product below
          dh[carry + j] = dhTotal * z;
        }
      }
      // dh_{t−1} += dHw_t · W_hh   ([B,3H]·[3H,H])
      kernels.gemm(false, false, B, H, G, 1, dHw, t * B * G, G, weights.weightHh, 0, H, 1, dh, 0, H);
    }
  },
};

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
