// The prepacked recurrent products (packB once per forward/backward call, gemmPacked per step) change
// no bits: two training windows with an update of every weight between them (as Adam makes), with
// weight drop and dropout, give exactly the loss and gradients of the same backend without the
// packed path — lstm and gru, f32 and f64. On the wasm backend with the native gemm the products run
// on the native gemm's own panels; the second window fails if panels outlive the weights they hold.
import { loadNativeGemm, type NativeGemm } from '@charrnn/native';
import { loadWasmKernels } from '@charrnn/kernels-wasm';
import { type Dtype, type Kernels, Prng } from '@charrnn/tensor';
import { describe, expect, it } from 'vitest';
import type { Cell } from './cells/cell.js';
import { cellFor } from './cells/registry.js';
import { initializeParams } from './init.js';
import { CharRnnModel } from './model.js';

const native = loadNativeGemm();
let packedProducts = 0;
// The native gemm, counting the products that read packed panels.
const countingNative: NativeGemm | null = native && {
  isa: native.isa,
  registerMemory: (view, handle) => native.registerMemory(view, handle),
  gemm: (...args) => native.gemm(...args),
  packedLength: (...args) => native.packedLength!(...args),
  packB: (...args) => native.packB!(...args),
  gemmPacked: (...args) => {
    packedProducts++;
    native.gemmPacked!(...args);
  },
};
const kernels = countingNative ? loadWasmKernels({ nativeGemm: countingNative }) : loadWasmKernels();

/** The same backend without the packed trio: completeKernels gives 'source' operands on its gemm, today's calls. */
function withoutPacking(backend: Kernels): Kernels {
  // Every method bound to the backend itself (its allocator's state stays in one object).
  const plain: Record<string, unknown> = { name: backend.name };
  for (let o: object | null = backend; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      const value = (backend as unknown as Record<string, unknown>)[key];
      if (key !== 'constructor' && !(key in plain) && typeof value === 'function') plain[key] = value.bind(backend);
    }
  }
  for (const key of ['allocPacked', 'packB', 'gemmPacked']) delete plain[key];
  return plain as unknown as Kernels;
}

/** Two training windows with an SGD update between them; the loss and every gradient of each. */
function twoWindows(backend: Kernels, cellName: 'lstm' | 'gru', dtype: Dtype, cell?: Cell): number[][] {
  const [V, H, L, T, B] = [13, 32, 2, 5, 8];
  const model = new CharRnnModel(
    { cell: cellName, vocabSize: V, hiddenSize: H, layers: L, dropout: 0.2, weightDrop: 0.3, dtype },
    backend,
    cell ? { cell } : {},
  );
  const rng = new Prng(7);
  initializeParams(model.params, 'pytorch', 1, rng);
  const state = model.createState(B);
  const out: number[][] = [];
  for (let window = 0; window < 2; window++) {
    const inputs = Int32Array.from({ length: T * B }, () => rng.int(V));
    const targets = Int32Array.from({ length: T * B }, () => rng.int(V));
    const loss = model.lossAndGradients(inputs, targets, T, B, state, { train: true, rng });
    out.push([loss, ...model.params.list.flatMap((p) => Array.from(p.grad))]);
    for (const p of model.params.list) for (let i = 0; i < p.value.length; i++) p.value[i]! -= 0.5 * p.grad[i]!;
  }
  return out;
}

describe.skipIf('unavailable' in kernels)('prepacked recurrent products', () => {
  const backend = kernels as Kernels;

  for (const cell of ['lstm', 'gru'] as const) {
    for (const dtype of ['f32', 'f64'] as const) {
      it(`${cell}, ${dtype}: two windows' losses and gradients are identical with and without packing`, () => {
        const before = packedProducts;
        const packed = twoWindows(backend, cell, dtype);
        const used = packedProducts - before;
        const plain = twoWindows(withoutPacking(backend), cell, dtype);
        expect(packedProducts - before - used).toBe(0);
        // 2 windows × 2 layers × T = 5 steps × (forward + backward)
        if (native?.gemmPacked) expect(used).toBe(40);
        expect(packed[0]![0]).toBeGreaterThan(0);
        expect(packed).toEqual(plain);
      });
    }
  }

  it.skipIf(!native?.gemmPacked)(
    "a cell that keeps the first window's panels gives other results (the check above can fail)",
    () => {
      const lstm = cellFor('lstm');
      let forwards = 0;
      const stale: Cell = {
        ...lstm,
        forward(ops, weights, buf) {
          // Packs only in the first window (two layers: the first two calls), then reuses the panels.
          const ops1 = forwards++ < 2 ? ops : { ...ops, packB: () => {} };
          lstm.forward(ops1, weights, buf);
        },
      };
      expect(twoWindows(backend, 'lstm', 'f32', stale)).not.toEqual(twoWindows(backend, 'lstm', 'f32'));
    },
  );
});
