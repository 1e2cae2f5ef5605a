// One and two threads train to the same bits: the trainer's whole loop (forward, backward, clipping,
// Adagrad) with the kernels a run gets from chooseKernels, on the seed's shape (f32, batch 1: the
// whole-window path) and on a batched one whose products and elementwise work are split.

import { describe, expect, it } from 'vitest';
import type { Kernels } from '@charrnn/tensor';
import { Trainer, prepareData, resolveTrainConfig } from '@charrnn/train';
import { chooseKernels } from './kernels.js';

async function untilThreads(kernels: Kernels, threads: number): Promise<void> {
  for (let i = 0; i < 500 && (kernels.threads ?? 1) !== threads; i++) await new Promise((r) => setTimeout(r, 10));
  expect(kernels.threads ?? 1).toBe(threads);
}

const TEXT = 'the quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. '.repeat(40);

/** The parameters and Adagrad memories after `steps` steps with the given kernels. */
async function train(
  shape: { hidden: number; seqLength: number; batchSize: number },
  threads: 1 | 2,
  native: boolean,
): Promise<Map<string, number[]>> {
  const kernels = chooseKernels('wasm', () => undefined, { threads, native });
  if (threads === 2) await untilThreads(kernels, 2);
  const config = resolveTrainConfig({
    ...shape,
    cell: 'rnn',
    dtype: 'f32',
    steps: 12,
    logEvery: 100,
    evalEvery: 0,
    sampleEvery: 0,
    valFraction: 0,
    saveEvery: 0,
  });
  const trainer = new Trainer({
    config,
    data: prepareData(TEXT, 0, shape.seqLength, shape.batchSize),
    clock: () => 0,
    kernels,
  });
  for await (const event of trainer.run()) if (event.type === 'done') expect(event.reason).toBe('completed');
  const out = new Map<string, number[]>();
  for (const p of trainer.model.params.list) out.set(p.name, Array.from(p.value));
  // Proof the wasm worker took part (with the native gemm, the addon's own thread takes the products).
  const counts = kernels as Kernels & { splits?: number; elementwiseSplits?: number };
  if (threads === 2 && shape.batchSize > 1 && !native) {
    expect(counts.splits ?? 0).toBeGreaterThan(0);
    expect(counts.elementwiseSplits ?? 0).toBeGreaterThan(0);
  }
  kernels.close?.();
  return out;
}

describe('two threads train to the bits of one', () => {
  for (const native of [false, true]) {
    it.each([
      ['the seed shape (H=100 T=25 B=1, the whole-window path)', { hidden: 100, seqLength: 25, batchSize: 1 }],
      [
        'a batched shape whose products, tanh steps and Adagrad are split (H=256 T=8 B=32)',
        { hidden: 256, seqLength: 8, batchSize: 32 },
      ],
    ])(`%s, native gemm ${native ? 'on' : 'off'}`, async (_, shape) => {
      const one = await train(shape, 1, native);
      const two = await train(shape, 2, native);
      expect([...two.keys()]).toEqual([...one.keys()]);
      for (const [name, values] of one) expect(two.get(name), name).toEqual(values);
    });
  }
});
