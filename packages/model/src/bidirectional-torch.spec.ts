// Bidirectional taggers against PyTorch (tools/reference/torch_bidirectional.py, fixtures committed as
// JSON): torch.nn.RNN/LSTM/GRU(bidirectional=True)'s state_dict loads by name into CharRnnModel and
// gives the same logits, loss, gradients (both directions), incoming-state gradient and outgoing state.

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CharRnnModel } from './model.js';

interface Tensor {
  shape: number[];
  data: number[];
}
interface Fixture {
  cell: string;
  layers: number;
  hidden: number;
  vocab: number;
  labels: number;
  batch: number;
  seq_length: number;
  params: Record<string, Tensor>;
  inputs: number[][];
  targets: number[][];
  h0: number[][][];
  c0?: number[][][];
  logits: number[][][];
  loss: number;
  grads: Record<string, Tensor>;
  dh0: number[][][];
  dc0?: number[][][];
  h_final: number[][][];
  c_final?: number[][][];
}

const dir = new URL('./fixtures/torch/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

/** float64 against PyTorch's float64: |a − e| ≤ 1e-11 + 1e-9·|e| (summation order differs). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const allowed = 1e-11 + 1e-9 * Math.abs(expected[i]!);
    if (!(Math.abs(actual[i]! - expected[i]!) <= allowed))
      expect.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}

it('the PyTorch fixtures are there (three cells)', () => {
  expect(files.sort()).toEqual([
    'gru-bidirectional-2layer-b2.json',
    'lstm-bidirectional-2layer-b2.json',
    'rnn-bidirectional-2layer-b2.json',
  ]);
});

describe.each(files)('PyTorch bidirectional fixture %s', (file) => {
  const fx = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Fixture;
  const T = fx.seq_length;
  const B = fx.batch;

  it("loads torch's state_dict by name; logits, loss, every gradient, dh0 and the final state match", () => {
    const model = new CharRnnModel({
      cell: fx.cell,
      vocabSize: fx.vocab,
      hiddenSize: fx.hidden,
      layers: fx.layers,
      dropout: 0,
      dtype: 'f64',
      outputSize: fx.labels,
      bidirectional: true,
    });
    expect(model.params.list.map((p) => p.name).sort()).toEqual(Object.keys(fx.params).sort());
    for (const p of model.params.list) {
      expect(p.shape, p.name).toEqual(fx.params[p.name]!.shape);
      p.value.set(fx.params[p.name]!.data);
    }
    const time = (rows: number[][]): Int32Array => Int32Array.from(rows.flat());
    const state = model.createState(B);
    fx.h0.forEach((h, k) => state.h[k]!.set(h.flat()));
    fx.c0?.forEach((c, k) => state.c![k]!.set(c.flat()));
    model.forward(time(fx.inputs), null, T, B, state);
    expectClose(model.lastLogits(), fx.logits.flat(2), 'logits');

    const again = model.createState(B);
    fx.h0.forEach((h, k) => again.h[k]!.set(h.flat()));
    fx.c0?.forEach((c, k) => again.c![k]!.set(c.flat()));
    const dState = model.createState(B);
    const loss = model.lossAndGradients(time(fx.inputs), time(fx.targets), T, B, again, { initialStateGrad: dState });
    expectClose([loss], [fx.loss], 'loss');
    for (const p of model.params.list) expectClose(p.grad, fx.grads[p.name]!.data, `grad ${p.name}`);
    fx.dh0.forEach((d, k) => expectClose(dState.h[k]!, d.flat(), `dh0 l${k}`));
    fx.dc0?.forEach((d, k) => expectClose(dState.c![k]!, d.flat(), `dc0 l${k}`));
    fx.h_final.forEach((h, k) => expectClose(again.h[k]!, h.flat(), `h_final l${k}`));
    fx.c_final?.forEach((c, k) => expectClose(again.c![k]!, c.flat(), `c_final l${k}`));
  });
});
