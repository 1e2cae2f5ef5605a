// Socher's recursive neural network node: h = tanh(W_ih x + W_hh [h_l; h_r] + b), where x is the
// node's one-hot token (a leaf's digit or an inner node's operator) and leaves have h_l = h_r = 0,
// so a leaf is its embedded token, tanh(W_ih[:, token] + b). The model adds the products; this
// file is the tanh and its derivative. Dimension letters: H hidden; rows as in tree-cell.ts.

import type { TreeBuffers, TreeCell } from './tree-cell.js';

export const treeRnnCell: TreeCell = {
  name: 'tree-rnn',
  gates: 1,
  carriesCellState: false,

  forward(buf: TreeBuffers, r0: number, r1: number): void {
    const { H, gates, h } = buf;
    // h[r] = tanh(z[r]); gates keeps h too (backward reads it from either)
    for (let i = r0 * H; i < r1 * H; i++) {
      const y = Math.tanh(gates[i]!);
      gates[i] = y;
      h[i] = y;
    }
  },

  backward(buf: TreeBuffers, r0: number, r1: number): void {
    const { H, h, dh, dz } = buf;
    // dz[r] = dh[r]·(1 − h[r]²)
    for (let i = r0 * H; i < r1 * H; i++) {
      const y = h[i]!;
      dz[i] = dh[i]! * (1 - y * y);
    }
  },
};
