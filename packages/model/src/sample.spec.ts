import { describe, expect, it } from 'vitest';
import { loadWasmKernels } from '@charrnn/kernels-wasm';
import { Prng, referenceKernels, type Kernels } from '@charrnn/tensor';
import type { CellName } from './config.js';
import { ForwardStepper } from './forward-only.js';
import { initializeParams } from './init.js';
import { CharRnnModel } from './model.js';
import { CharacterDraw, sampleChunks, sampleIds } from './sample.js';

const V = 11;
const H = 6;

function model(
  cell: CellName,
  layers: number,
  kernels: Kernels = referenceKernels,
  dtype: 'f32' | 'f64' = 'f64',
): CharRnnModel {
  const m = new CharRnnModel({ cell, vocabSize: V, hiddenSize: H, layers, dropout: 0, dtype }, kernels);
  initializeParams(m.params, 'pytorch', H, new Prng(3));
  return m;
}

const wasm = loadWasmKernels();
const backends: [string, Kernels][] = [
  ['reference', referenceKernels],
  ...('unavailable' in wasm ? [] : [['wasm', wasm] as [string, Kernels]]),
];

describe('ForwardStepper', () => {
  for (const [name, kernels] of backends) {
    for (const cell of ['rnn', 'lstm', 'gru'] as const) {
      it(`steps give the logits of one forward pass over the whole sequence (${cell}, 2 layers, ${name})`, () => {
        for (const dtype of ['f64', 'f32'] as const) {
          const m = model(cell, 2, kernels, dtype);
          const ids = Int32Array.from([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]);
          const T = ids.length;
          m.forward(ids, null, T, 1, m.createState(1));
          const whole = Array.from(m.lastLogits());
          const stepper = new ForwardStepper(m);
          const state = m.createState(1);
          const { atol, rtol } = dtype === 'f64' ? { atol: 1e-12, rtol: 1e-10 } : { atol: 1e-5, rtol: 1e-4 };
          for (let t = 0; t < T; t++) {
            const logits = stepper.step(ids[t]!, state);
            for (let j = 0; j < V; j++) {
              const e = whole[t * V + j]!;
              expect(Math.abs(logits[j]! - e)).toBeLessThanOrEqual(atol + rtol * Math.abs(e));
            }
          }
        }
      });
    }
  }

  it('refuses ids outside the vocabulary and states of the wrong shape', () => {
    const m = model('rnn', 1);
    const stepper = new ForwardStepper(m);
    expect(() => stepper.step(V, m.createState(1))).toThrow(RangeError);
    expect(() => stepper.step(0, m.createState(2))).toThrow(RangeError);
  });
});

describe('CharacterDraw', () => {
  // probabilities ∝ 6, 3, 1 for ids 2, 0, 1 (logits are their logs)
  const logits = [Math.log(3), Math.log(1), Math.log(6)];
  const counts = (options: ConstructorParameters<typeof CharacterDraw>[1], n = 3000): number[] => {
    const draw = new CharacterDraw(3, options);
    const rng = new Prng(5);
    const c = [0, 0, 0];
    for (let i = 0; i < n; i++) c[draw.next(logits, rng)]!++;
    return c;
  };

  it('refuses logits that are not finite instead of drawing the last character every time', () => {
    for (const options of [{}, { topK: 2 }, { topP: 0.9 }, { argmax: true }]) {
      const draw = new CharacterDraw(3, options);
      for (const bad of [
        [Number.NaN, Number.NaN, Number.NaN],
        [0, Number.POSITIVE_INFINITY, 1],
      ])
        expect(() => draw.next(bad, new Prng(1)), JSON.stringify(options)).toThrow(
          /^CharacterDraw\.next: logits must be finite numbers, got (NaN|Infinity) as the largest$/,
        );
    }
  });

  it('top-p keeps the shortest most likely set that reaches p', () => {
    expect(counts({ topP: 0.5 })).toEqual([0, 0, 3000]); // 0.6 ≥ 0.5: the top character alone
    const c = counts({ topP: 0.8 }); // 0.6 + 0.3 ≥ 0.8: ids 2 and 0, renormalised 2 : 1
    expect(c[1]).toBe(0);
    expect(Math.abs(c[2]! / 3000 - 2 / 3)).toBeLessThan(0.04);
    const all = counts({ topP: 1 });
    expect(all[1]).toBeGreaterThan(0);
  });

  it('top-k, argmax and temperature behave as their definitions say', () => {
    expect(counts({ topK: 1 })).toEqual([0, 0, 3000]);
    expect(counts({ argmax: true })).toEqual([0, 0, 3000]);
    const flat = counts({ temperature: 1e6 });
    for (const n of flat) expect(Math.abs(n / 3000 - 1 / 3)).toBeLessThan(0.04);
  });
});

describe('sampleIds and sampleChunks', () => {
  it('chunks concatenate to the same sample, for any chunk length', () => {
    const m = model('lstm', 1);
    const options = { prime: [1, 2, 3], length: 300, topP: 0.9, temperature: 0.8 };
    const whole = Array.from(sampleIds(m, options, new Prng(9)));
    for (const chunkLength of [1, 7, 128, 1000]) {
      const chunks = [...sampleChunks(m, { ...options, chunkLength }, new Prng(9))];
      expect(chunks.every((c) => c.length <= chunkLength)).toBe(true);
      expect(chunks.flatMap((c) => Array.from(c))).toEqual(whole);
    }
  });

  it('a stop sequence ends the sample before it, even across chunk boundaries', () => {
    const m = model('rnn', 1);
    const free = Array.from(sampleIds(m, { prime: [0], length: 2000 }, new Prng(4)));
    // the first pair of ids that occurs after position 50 in the free-running sample
    const stop = free.slice(60, 62);
    const at = free.findIndex((_, i) => free[i] === stop[0] && free[i + 1] === stop[1]);
    for (const chunkLength of [1, 3, 61, 4096]) {
      const ids = [...sampleChunks(m, { prime: [0], length: 2000, stop, chunkLength }, new Prng(4))].flatMap((c) =>
        Array.from(c),
      );
      expect(ids).toEqual(free.slice(0, at));
    }
  });

  it('refuses bad options', () => {
    const m = model('rnn', 1);
    expect(() => sampleIds(m, { prime: [0], length: 5, topP: 0 }, new Prng(1))).toThrow(/topP/);
    expect(() => sampleIds(m, { prime: [0], length: 5, topP: 1.5 }, new Prng(1))).toThrow(/topP/);
    expect(() => sampleIds(m, { prime: [0], length: 5, stop: [V] }, new Prng(1))).toThrow(/ids/);
    expect(() => sampleIds(m, { prime: [0], length: 5, chunkLength: 0 }, new Prng(1))).toThrow(/chunkLength/);
  });
});
