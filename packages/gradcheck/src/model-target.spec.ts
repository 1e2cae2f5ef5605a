import { describe, expect, it } from 'vitest';
import { loadWasmKernels } from '@charrnn/kernels-wasm';
import { Prng } from '@charrnn/tensor';
import { CharRnnModel } from '@charrnn/model';
import { checkGradients } from './check.js';
import { modelTarget, randomState } from './model-target.js';
import { smallCase } from './test-fixtures.js';

describe.each(['rnn', 'lstm', 'gru'] as const)('modelTarget (%s) passes at the defaults, every entry', (cell) => {
  for (const layers of [1, 2, 3]) {
    for (const B of [1, 2]) {
      it(`layers=${layers} batch=${B}: every tensor passes with median relative error ≤ 1e-7; the five-point stencil does better`, () => {
        const { target } = smallCase(cell, layers, B);
        const three = checkGradients(target);
        const five = checkGradients(target, { stencil: 5 });
        for (const report of [three, five]) {
          expect(report.failingTensors).toEqual([]);
          expect(report.pass).toBe(true);
          expect(report.checked).toBe(target.tensors.reduce((n, t) => n + t.value.length, 0));
        }
        for (const t of three.tensors) expect(t.medianRelErr, t.name).toBeLessThanOrEqual(1e-7);
        // Strictly lower, except where over half the entries are exact zeros in both (weight_ih_l0 columns of unseen characters).
        five.tensors.forEach((t, i) => {
          const m3 = three.tensors[i]!.medianRelErr;
          expect(
            t.medianRelErr < m3 || (m3 === 0 && t.medianRelErr === 0),
            `${t.name}: ${t.medianRelErr} vs ${m3}`,
          ).toBe(true);
        });
      });
    }
  }
});

// The wasm kernels' fused paths (the RNN's whole first-layer window in one call each way, the LSTM
// and GRU steps) under the same check, in float64.
const wasm = loadWasmKernels();
describe.skipIf('unavailable' in wasm)('modelTarget with the wasm kernels passes, every entry', () => {
  it.each(['rnn', 'lstm', 'gru'] as const)('%s, layers 1 and 2, batch 1 and 2', (cell) => {
    if ('unavailable' in wasm) return;
    for (const layers of [1, 2]) {
      for (const B of [1, 2]) {
        const { target } = smallCase(cell, layers, B, { kernels: wasm });
        const report = checkGradients(target);
        expect(report.failingTensors, `layers=${layers} B=${B}`).toEqual([]);
        expect(report.pass).toBe(true);
      }
    }
  });
});

describe('modelTarget', () => {
  it('exposes every parameter by its PyTorch name, then the incoming state per layer', () => {
    const { target } = smallCase('lstm', 2, 3);
    expect(target.tensors.map((t) => `${t.name}${JSON.stringify(t.shape)}`)).toEqual([
      'rnn.weight_ih_l0[24,8]',
      'rnn.weight_hh_l0[24,6]',
      'rnn.bias_ih_l0[24]',
      'rnn.bias_hh_l0[24]',
      'rnn.weight_ih_l1[24,6]',
      'rnn.weight_hh_l1[24,6]',
      'rnn.bias_ih_l1[24]',
      'rnn.bias_hh_l1[24]',
      'decoder.weight[8,6]',
      'decoder.bias[8]',
      'state.h_l0[3,6]',
      'state.h_l1[3,6]',
      'state.c_l0[3,6]',
      'state.c_l1[3,6]',
    ]);
  });

  it('starts every evaluation from its own copy of the initial state, leaving the caller’s alone', () => {
    const rng = new Prng(4);
    const model = new CharRnnModel({ cell: 'gru', vocabSize: 5, hiddenSize: 4, layers: 2, dropout: 0, dtype: 'f64' });
    for (const p of model.params.list) rng.fillUniform(p.value, -1, 1);
    const state = randomState(model, 1, rng);
    const before = state.h.map((h) => Array.from(h));
    const target = modelTarget(
      model,
      { inputs: Int32Array.of(0, 1, 2), targets: Int32Array.of(1, 2, 3), T: 3, B: 1 },
      state,
    );
    const first = target.evaluate(true);
    expect(target.evaluate(false)).toBe(first);
    expect(target.evaluate(true)).toBe(first);
    expect(state.h.map((h) => Array.from(h))).toEqual(before);
    // The target's state tensor is a copy: perturbing it changes the loss, not the caller's array.
    target.tensors.find((t) => t.name === 'state.h_l1')!.value[2]! += 0.1;
    expect(target.evaluate(false)).not.toBe(first);
    expect(state.h.map((h) => Array.from(h))).toEqual(before);
  });

  it('checks with dropout off even when the model is configured with dropout', () => {
    const rng = new Prng(8);
    const model = new CharRnnModel({ cell: 'rnn', vocabSize: 6, hiddenSize: 5, layers: 2, dropout: 0.5, dtype: 'f64' });
    for (const p of model.params.list) rng.fillUniform(p.value, -1, 1);
    const target = modelTarget(
      model,
      { inputs: Int32Array.of(0, 1, 2, 3), targets: Int32Array.of(1, 2, 3, 4), T: 4, B: 1 },
      randomState(model, 1, rng),
    );
    expect(checkGradients(target).pass).toBe(true);
  });

  it('refuses float32 models and mismatched states', () => {
    const f32 = new CharRnnModel({ cell: 'rnn', vocabSize: 4, hiddenSize: 3, layers: 1, dropout: 0, dtype: 'f32' });
    const window = { inputs: Int32Array.of(0, 1), targets: Int32Array.of(1, 2), T: 2, B: 1 };
    expect(() => modelTarget(f32, window, f32.createState(1))).toThrow(
      new RangeError(
        "modelTarget: model dtype must be f64 (finite differences need float64; build the model with dtype: 'f64'), got f32",
      ),
    );
    const f64 = new CharRnnModel({ cell: 'rnn', vocabSize: 4, hiddenSize: 3, layers: 1, dropout: 0, dtype: 'f64' });
    expect(() => modelTarget(f64, window, f64.createState(2))).toThrow(
      /initialState must match batch 1 and the model's 1 rnn layers, got batch 2 and 1 layers/,
    );
    expect(() => modelTarget(f64, { ...window, inputs: [0, 1] as unknown as Int32Array }, f64.createState(1))).toThrow(
      TypeError,
    );
  });
});
