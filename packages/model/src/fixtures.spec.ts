// The model against the independent numpy reference (tools/reference/, fixtures committed as JSON):
// loss, every parameter gradient, the incoming-state gradients and the outgoing state, in float64.

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadWasmKernels } from '@charrnn/kernels-wasm';
import type { FloatArray, Kernels } from '@charrnn/tensor';
import { isCellName } from './cells/registry.js';
import { CharRnnModel } from './model.js';

interface Fixture {
  cell: string;
  layers: number;
  hidden: number;
  vocab: number;
  batch: number;
  seq_length: number;
  params: Record<string, { shape: number[]; data: number[] }>;
  inputs: number[][];
  targets: number[][];
  h0: number[][][];
  c0?: number[][][];
  loss: number;
  grads: Record<string, { shape: number[]; data: number[] }>;
  dh0: number[][][];
  dc0?: number[][][];
  h_final: number[][][];
  c_final?: number[][][];
}

const dir = new URL('./fixtures/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.includes('training'));

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const allowed = 1e-12 + 1e-10 * Math.abs(expected[i]!);
    if (!(Math.abs(actual[i]! - expected[i]!) <= allowed)) {
      expect.fail(
        `${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (|diff| ${Math.abs(actual[i]! - expected[i]!)} > ${allowed})`,
      );
    }
  }
}

describe.each(files)('numpy reference fixture %s', (file) => {
  const fx = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Fixture;
  if (!isCellName(fx.cell)) throw new Error(`fixture ${file} has unknown cell ${fx.cell}`);
  const T = fx.seq_length;
  const B = fx.batch;

  // The reference kernels, then the wasm kernels (their fused paths: the RNN's whole first-layer window).
  const wasm = loadWasmKernels();
  const backends: [string, Kernels | undefined][] = [['reference kernels', undefined]];
  if (!('unavailable' in wasm)) backends.push(['wasm kernels', wasm]);

  it.each(backends)(
    'loss, every gradient, the incoming-state gradient and the outgoing state match (%s)',
    (_, kernels) => {
      const model = new CharRnnModel(
        {
          cell: fx.cell as 'rnn',
          vocabSize: fx.vocab,
          hiddenSize: fx.hidden,
          layers: fx.layers,
          dropout: 0,
          dtype: 'f64',
        },
        kernels,
      );
      expect(model.params.names().sort()).toEqual(Object.keys(fx.params).sort());
      for (const p of model.params.list) {
        expect(p.shape).toEqual(fx.params[p.name]!.shape);
        p.value.set(fx.params[p.name]!.data);
      }
      const state = model.createState(B);
      const flat = (x: number[][]): number[] => x.flat();
      state.h.forEach((h, k) => h.set(flat(fx.h0[k]!)));
      state.c?.forEach((c, k) => c.set(flat(fx.c0![k]!)));
      const dState = model.createState(B);
      const loss = model.lossAndGradients(
        Int32Array.from(fx.inputs.flat()),
        Int32Array.from(fx.targets.flat()),
        T,
        B,
        state,
        { initialStateGrad: dState },
      );

      expectClose([loss], [fx.loss], 'loss');
      for (const p of model.params.list) expectClose(p.grad, fx.grads[p.name]!.data, `grad ${p.name}`);
      dState.h.forEach((g: FloatArray, k) => expectClose(g, flat(fx.dh0[k]!), `dh0 l${k}`));
      dState.c?.forEach((g: FloatArray, k) => expectClose(g, flat(fx.dc0![k]!), `dc0 l${k}`));
      state.h.forEach((h, k) => expectClose(h, flat(fx.h_final[k]!), `h_final l${k}`));
      state.c?.forEach((c, k) => expectClose(c, flat(fx.c_final![k]!), `c_final l${k}`));
    },
  );
});
