// The binary Tree-LSTM node of Tai, Socher & Manning (2015), §3.2 "N-ary Tree-LSTM" with N = 2:
// one forget gate per child, each reading both children's h, so a node can keep one child's
// memory and drop the other's. Gate blocks in this order (G = 5):
//   i   = σ(W_i  x + U_i  [h_l; h_r] + b_i)        input gate
//   f_l = σ(W_fl x + U_fl [h_l; h_r] + b_fl)       forget gate of the left child
//   f_r = σ(W_fr x + U_fr [h_l; h_r] + b_fr)       forget gate of the right child
//   u   = tanh(W_u x + U_u [h_l; h_r] + b_u)       candidate
//   o   = σ(W_o  x + U_o  [h_l; h_r] + b_o)        output gate
//   c = i⊙u + f_l⊙c_l + f_r⊙c_r,   h = o⊙tanh(c)
// One difference from the paper: the two forget gates have their own input weights W_fl, W_fr and
// biases (Tai et al. tie W^(f) and b^(f) across children); the untied form contains the tied one.
// A leaf has h_l = h_r = c_l = c_r = 0 (so c = i⊙u). The model adds the products; this file is
// the elementwise step and its derivative. Dimension letters: H hidden; rows as in tree-cell.ts.

import type { TreeBuffers, TreeCell } from './tree-cell.js';

const GATES = 5;

export const treeLstmCell: TreeCell = {
  name: 'tree-lstm',
  gates: GATES,
  carriesCellState: true,

  forward(buf: TreeBuffers, r0: number, r1: number): void {
    const { H, left, right, gates, h, c, tanhC } = buf;
    for (let r = r0; r < r1; r++) {
      const g = r * GATES * H;
      const l = left[r]!;
      const rr = right[r]!;
      for (let j = 0; j < H; j++) {
        const i = sigmoid(gates[g + j]!);
        const fl = sigmoid(gates[g + H + j]!);
        const fr = sigmoid(gates[g + 2 * H + j]!);
        const u = Math.tanh(gates[g + 3 * H + j]!);
        const o = sigmoid(gates[g + 4 * H + j]!);
        gates[g + j] = i;
        gates[g + H + j] = fl;
        gates[g + 2 * H + j] = fr;
        gates[g + 3 * H + j] = u;
        gates[g + 4 * H + j] = o;
        // c = i⊙u + f_l⊙c_l + f_r⊙c_r (no children at a leaf)
        const cell = l < 0 ? i * u : i * u + fl * c[l * H + j]! + fr * c[rr * H + j]!;
        c[r * H + j] = cell;
        const t = Math.tanh(cell);
        tanhC[r * H + j] = t;
        h[r * H + j] = o * t;
      }
    }
  },

  backward(buf: TreeBuffers, r0: number, r1: number): void {
    const { H, left, right, gates, c, tanhC, dh, dc, dz } = buf;
    for (let r = r0; r < r1; r++) {
      const g = r * GATES * H;
      const l = left[r]!;
      const rr = right[r]!;
      for (let j = 0; j < H; j++) {
        const i = gates[g + j]!;
        const fl = gates[g + H + j]!;
        const fr = gates[g + 2 * H + j]!;
        const u = gates[g + 3 * H + j]!;
        const o = gates[g + 4 * H + j]!;
        const t = tanhC[r * H + j]!;
        const dH = dh[r * H + j]!;
        // through h = o⊙tanh(c), plus the parent's direct path into c
        const dC = dc[r * H + j]! + dH * o * (1 - t * t);
        const cl = l < 0 ? 0 : c[l * H + j]!;
        const cr = l < 0 ? 0 : c[rr * H + j]!;
        dz[g + j] = dC * u * i * (1 - i);
        dz[g + H + j] = dC * cl * fl * (1 - fl);
        dz[g + 2 * H + j] = dC * cr * fr * (1 - fr);
        dz[g + 3 * H + j] = dC * i * (1 - u * u);
        dz[g + 4 * H + j] = dH * t * o * (1 - o);
        if (l >= 0) {
          // c_l and c_r reach c through their forget gates
          dc[l * H + j] = dc[l * H + j]! + dC * fl;
          dc[rr * H + j] = dc[rr * H + j]! + dC * fr;
        }
      }
    }
  },
};

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
