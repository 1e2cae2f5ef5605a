// The model on the wasm kernels gives the reference kernels' loss and gradients (float64, 1e-12),
// for every cell, batch sizes on both sides of the kernels' small-batch paths, and two layers.
import { describe, expect, it } from 'vitest';
import { loadWasmKernels } from '@charrnn/kernels-wasm';
import { Prng, referenceKernels, type Kernels } from '@charrnn/tensor';
import { CELL_NAMES } from './cells/registry.js';
import { initializeParams } from './init.js';
import { CharRnnModel } from './model.js';
import { maxError } from './test-helpers.js';

const wasm = loadWasmKernels();

function lossAndGrads(
  kernels: Kernels,
  cell: (typeof CELL_NAMES)[number],
  B: number,
  layers: number,
): { loss: number; grads: number[] } {
  const V = 11,
    H = 13,
    T = 6;
  const rng = new Prng(5);
  const model = new CharRnnModel({ cell, vocabSize: V, hiddenSize: H, layers, dropout: 0, dtype: 'f64' }, kernels);
  initializeParams(model.params, 'pytorch', 1, rng);
  const inputs = Int32Array.from({ length: T * B }, () => rng.int(V));
  const targets = Int32Array.from({ length: T * B }, () => rng.int(V));
  const state = model.createState(B);
  for (const h of state.h) rng.fillUniform(h, -0.9, 0.9);
  for (const c of state.c ?? []) rng.fillUniform(c, -0.9, 0.9);
  const loss = model.lossAndGradients(inputs, targets, T, B, state);
  return { loss, grads: model.params.list.flatMap((p) => Array.from(p.grad)) };
}

describe.skipIf('unavailable' in wasm)('model on wasm kernels', () => {
  for (const cell of CELL_NAMES) {
    it(`${cell}: loss and gradients equal the reference kernels' (float64, 1e-12)`, () => {
      for (const [B, layers] of [
        [1, 1],
        [3, 1],
        [5, 2],
      ] as const) {
        const ref = lossAndGrads(referenceKernels, cell, B, layers);
        const fast = lossAndGrads(wasm as Kernels, cell, B, layers);
        expect(maxError([fast.loss], [ref.loss], 1e-12, 1e-12)).toBeLessThanOrEqual(1);
        expect(maxError(fast.grads, ref.grads, 1e-12, 1e-12)).toBeLessThanOrEqual(1);
      }
    });
  }
});
