// Shared by this package's specs: small models as gradient targets, and deliberately broken cells
// (each a copy of a real cell with one bug) that the checker must catch. Not exported.
// Dimension letters: T time, B batch, H hidden, V vocabulary, G gates.

import { Prng, type Kernels } from '@charrnn/tensor';
import { CharRnnModel, cellFor, type Cell, type CellName } from '@charrnn/model';
import { modelTarget, randomState } from './model-target.js';
import type { GradTarget } from './target.js';

export interface SmallCase {
  readonly model: CharRnnModel;
  readonly target: GradTarget;
}

/** V 8, H 6, T 5; weights uniform(±scale) — far from linear, so wrong gradients show. */
export function smallCase(
  cell: CellName,
  layers: number,
  B: number,
  options: { seed?: number; scale?: number; impl?: Cell; kernels?: Kernels } = {},
): SmallCase {
  const V = 8;
  const H = 6;
  const T = 5;
  const rng = new Prng(options.seed ?? 100 + 10 * layers + B);
  const model = new CharRnnModel(
    { cell, vocabSize: V, hiddenSize: H, layers, dropout: 0, dtype: 'f64' },
    options.kernels,
    options.impl ? { cell: options.impl } : {},
  );
  const scale = options.scale ?? 1;
  for (const p of model.params.list) rng.fillUniform(p.value, -scale, scale);
  const inputs = Int32Array.from({ length: T * B }, () => rng.int(V));
  const targets = Int32Array.from({ length: T * B }, () => rng.int(V));
  return { model, target: modelTarget(model, { inputs, targets, T, B }, randomState(model, B, rng)) };
}

const rnn = cellFor('rnn');
const lstm = cellFor('lstm');
const gru = cellFor('gru');

/** The tanh RNN without its whole-window path, so every layer runs `backward` (which the copies below break). */
const { forwardFromIds: _forward, backwardToIds: _backward, ...rnnPerStep } = rnn;

/** The tanh RNN whose backward forgets the gradient arriving from later steps: dz_t = dOut_t·(1 − h_t²). */
export const rnnDroppedCarry: Cell = {
  ...rnnPerStep,
  backward(kernels, weights, buf) {
    const { T, B, H, hs, dOut, dXw, dh } = buf;
    const block = B * H;
    for (let t = T - 1; t >= 0; t--) {
      const row = t * block;
      for (let i = 0; i < block; i++) {
        const h = hs[row + block + i]!;
        dXw[row + i] = dOut[row + i]! * (1 - h * h); // BUG: + dh[i] missing
      }
      kernels.gemm(false, false, B, H, H, 1, dXw, row, H, weights.weightHh, 0, H, 0, dh, 0, H);
    }
  },
};

/** The LSTM with a sign error in the forget-gate derivative. */
export const lstmForgetSign: Cell = {
  ...lstm,
  backward(kernels, weights, buf) {
    const { T, B, H, cs, gates, aux, dOut, dXw, dh, dc } = buf;
    const G = 4 * H;
    dh.fill(0);
    dc.fill(0);
    for (let t = T - 1; t >= 0; t--) {
      for (let b = 0; b < B; b++) {
        const g0 = (t * B + b) * G;
        const row = (t * B + b) * H;
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
          dXw[g0 + H + j] = -dcTotal * cs[row + j]! * f * (1 - f); // BUG: sign
          dXw[g0 + 2 * H + j] = dcTotal * i * (1 - g * g);
          dXw[g0 + 3 * H + j] = dhTotal * tanhC * o * (1 - o);
          dc[carry + j] = dcTotal * f;
        }
      }
      kernels.gemm(false, false, B, H, G, 1, dXw, t * B * G, G, weights.weightHh, 0, H, 0, dh, 0, H);
    }
  },
};

/** The GRU with a sign error in the input-side candidate gradient only (dXw_n; dHw_n stays right). */
export const gruInputCandidateSign: Cell = {
  ...gru,
  backward(kernels, weights, buf) {
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
          const dhTotal = dOut[row + j]! + dh[carry + j]!;
          const dnPre = dhTotal * (1 - z) * (1 - n * n);
          const dzPre = dhTotal * (hs[row + j]! - n) * z * (1 - z);
          const drPre = dnPre * aux[row + j]! * r * (1 - r);
          dXw[g0 + j] = drPre;
          dXw[g0 + H + j] = dzPre;
          dXw[g0 + 2 * H + j] = -dnPre; // BUG: sign
          dHw[g0 + j] = drPre;
          dHw[g0 + H + j] = dzPre;
          dHw[g0 + 2 * H + j] = dnPre * r;
          dh[carry + j] = dhTotal * z;
        }
      }
      kernels.gemm(false, false, B, H, G, 1, dHw, t * B * G, G, weights.weightHh, 0, H, 1, dh, 0, H);
    }
  },
};

/** The tanh RNN whose first-layer whole-window backward leaves W_ih's gradient at zero (a scatter never run). */
export const rnnWindowWithoutScatter: Cell = {
  ...rnn,
  backwardToIds(kernels, weights, input, buf, ids) {
    rnn.backwardToIds!(kernels, weights, input, buf, ids);
    input.weightIhGrad.fill(0); // BUG
  },
};

/** Any cell, correct inside the window, that reports a zero gradient for the incoming state. */
export function forgetsIncomingStateGrad(cell: Cell): Cell {
  const backwardToIds = cell.backwardToIds;
  return {
    ...cell,
    backward(kernels, weights, buf) {
      cell.backward(kernels, weights, buf);
      buf.dh.fill(0);
      buf.dc.fill(0);
    },
    ...(backwardToIds
      ? {
          backwardToIds(kernels, weights, input, buf, ids) {
            backwardToIds(kernels, weights, input, buf, ids);
            buf.dh.fill(0);
            buf.dc.fill(0);
          },
        }
      : {}),
  };
}
