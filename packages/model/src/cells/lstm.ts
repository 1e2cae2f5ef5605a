// The LSTM cell, with PyTorch's equations and gate order (i, f, g, o stacked in G·H = 4H rows):
//   [i f g o] = [σ σ tanh σ](W_ih x + b_ih + W_hh h + b_hh),  c' = f⊙c + i⊙g,  h' = o⊙tanh(c').
// Both biases are folded into xw by the model. Forward and backward side by side.
// Dimension letters: T time, B batch, H hidden; each row of gates holds [i | f | g | o].

import type { Kernels } from '@charrnn/tensor';
import type { Cell, LayerBuffers, LayerWeights } from './cell.js';

export const lstmCell: Cell = {
  name: 'lstm',
  gates: 4,
  foldsHiddenBias: true,
  separateHiddenGrad: false,

  forward(kernels: Kernels, weights: LayerWeights, buf: LayerBuffers): void {
    const { T, B, H, xw, hs, cs, gates, aux } = buf;
    const G = 4 * H;
    for (let t = 0; t < T; t++) {
      const gateBase = t * B * G;
      gates.set(xw.subarray(gateBase, gateBase + B * G), gateBase);
      // gates_t += h_{t−1} · W_hhᵀ   ([B,H]·[H,4H])
      kernels.gemm(false, false, B, G, H, 1, hs, t * B * H, H, weights.weightHhT, 0, G, 1, gates, gateBase, G);
      for (let b = 0; b < B; b++) {
        const g0 = gateBase + b * G;
        const prev = (t * B + b) * H;
        const out = prev + B * H;
        for (let j = 0; j < H; j++) {
          const i = sigmoid(gates[g0 + j]!);
          const f = sigmoid(gates[g0 + H + j]!);
          const g = Math.tanh(gates[g0 + 2 * H + j]!);
          const o = sigmoid(gates[g0 + 3 * H + j]!);
          gates[g0 + j] = i;
          gates[g0 + H + j] = f;
          gates[g0 + 2 * H + j] = g;
          gates[g0 + 3 * H + j] = o;
          const c = f * cs[prev + j]! + i * g;
          const tanhC = Math.tanh(c);
          cs[out + j] = c;
          aux[(t * B + b) * H + j] = tanhC;
          hs[out + j] = o * tanhC;
        }
      }
    }
  },

  backward(kernels: Kernels, weights: LayerWeights, buf: LayerBuffers): void {
    const { T, B, H, cs, gates, aux, dOut, dXw, dh, dc } = buf;
    const G = 4 * H;
    dh.fill(0);
    dc.fill(0);
    for (let t = T - 1; t >= 0; t--) {
      for (let b = 0; b < B; b++) {
        const g0 = (t * B + b) * G;
        const row = (t * B + b) * H;
        const prev = row; // cs block t holds c_{t−1}
        const carry = b * H;
        for (let j = 0; j < H; j++) {
          const i = gates[g0 + j]!;
          const f = gates[g0 + H + j]!;
          const g = gates[g0 + 2 * H + j]!;
          const o = gates[g0 + 3 * H + j]!;
          const tanhC = aux[row + j]!;
          const dhTotal = dOut[row + j]! + dh[carry + j]!;
          const dcTotal = dc[carry + j]! + dhTotal * o * (1 - tanhC * tanhC);
          dXw[g0 + j] = dcTotal * g * i * (1 - i);
          dXw[g0 + H + j] = dcTotal * cs[prev + j]! * f * (1 - f);
          dXw[g0 + 2 * H + j] = dcTotal * i * (1 - g * g);
          dXw[g0 + 3 * H + j] = dhTotal * tanhC * o * (1 - o);
          dc[carry + j] = dcTotal * f;
        }
      }
      // dh_{t−1} = dgates_t · W_hh   ([B,4H]·[4H,H])
      kernels.gemm(false, false, B, H, G, 1, dXw, t * B * G, G, weights.weightHh, 0, H, 0, dh, 0, H);
    }
  },
};

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
