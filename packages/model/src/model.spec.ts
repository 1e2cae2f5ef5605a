import { describe, expect, it } from 'vitest';
import { Prng } from '@charrnn/tensor';
import { CharRnnModel } from './model.js';
import { initializeParams } from './init.js';
import { gradientError, maxError, numericGradient, randomCase, windowGradients, windowLoss } from './test-helpers.js';

describe.each(['rnn', 'lstm', 'gru'] as const)(
  'CharRnnModel (%s) gradients against float64 centered differences',
  (cell) => {
    for (const [layers, B] of [
      [1, 1],
      [1, 3],
      [2, 2],
      [3, 1],
    ] as const) {
      it(`layers=${layers} batch=${B}: every parameter and the incoming state`, () => {
        const c = randomCase(cell, layers, B);
        const dState = c.model.createState(B);
        const loss = windowGradients(c, { initialStateGrad: dState });
        expect(loss).toBe(windowLoss(c));
        for (const p of c.model.params.list) expect(gradientError(c, p), p.name).toBeLessThanOrEqual(1);
        c.state.h.forEach((h, k) => {
          expect(maxError(dState.h[k]!, numericGradient(c, h), 1e-8, 1e-6), `h0 l${k}`).toBeLessThanOrEqual(1);
        });
        c.state.c?.forEach((cIn, k) => {
          expect(maxError(dState.c![k]!, numericGradient(c, cIn), 1e-8, 1e-6), `c0 l${k}`).toBeLessThanOrEqual(1);
        });
      });
    }

    it('a wrong gradient is caught by the same comparison (the check can fail)', () => {
      // This cell's own case (it was an rnn case in every cell's block, so lstm and gru never ran it).
      const c = randomCase(cell, 1, 1);
      expect(c.model.config.cell).toBe(cell);
      windowGradients(c);
      const p = c.model.params.get('rnn.weight_hh_l0');
      const grad = Float64Array.from(p.grad);
      // Flip the largest entry, so the error cannot hide under the absolute tolerance.
      const largest = grad.reduce((best, g, i) => (Math.abs(g) > Math.abs(grad[best]!) ? i : best), 0);
      grad[largest]! *= -1;
      expect(maxError(grad, numericGradient(c, p.value), 1e-8, 1e-6)).toBeGreaterThan(1);
    });
  },
);

describe('CharRnnModel state and batching', () => {
  it('carries the hidden state: two windows of T equal one window of 2T', () => {
    const rng = new Prng(3);
    const model = new CharRnnModel({ cell: 'rnn', vocabSize: 6, hiddenSize: 4, layers: 2, dropout: 0, dtype: 'f64' });
    initializeParams(model.params, 'pytorch', 4, rng);
    const ids = Int32Array.from({ length: 9 }, () => rng.int(6));
    const once = model.createState(1);
    const whole = model.forward(ids.subarray(0, 8), ids.subarray(1, 9), 8, 1, once);
    const twice = model.createState(1);
    const first = model.forward(ids.subarray(0, 4), ids.subarray(1, 5), 4, 1, twice);
    const second = model.forward(ids.subarray(4, 8), ids.subarray(5, 9), 4, 1, twice);
    expect(Math.abs(first + second - whole)).toBeLessThanOrEqual(1e-12 + 1e-12 * whole);
    expect(Array.from(twice.h[1]!)).toEqual(Array.from(once.h[1]!));
  });

  it('a batch gives the mean of its streams run one at a time (loss and gradients)', () => {
    const B = 3;
    const c = randomCase('rnn', 2, B, 5);
    const batchLoss = windowGradients(c);
    const batchGrads = c.model.params.list.map((p) => Float64Array.from(p.grad));
    const sums = c.model.params.list.map((p) => new Float64Array(p.grad.length));
    let lossSum = 0;
    for (let b = 0; b < B; b++) {
      const pick = (ids: Int32Array): Int32Array => Int32Array.from({ length: c.T }, (_, t) => ids[t * B + b]!);
      const single = c.model.createState(1);
      c.state.h.forEach((h, k) => single.h[k]!.set(h.subarray(b * 5, (b + 1) * 5)));
      lossSum += c.model.lossAndGradients(pick(c.inputs), pick(c.targets), c.T, 1, single);
      c.model.params.list.forEach((p, i) => p.grad.forEach((g, j) => (sums[i]![j]! += g / B)));
    }
    expect(Math.abs(batchLoss - lossSum / B)).toBeLessThanOrEqual(1e-12 * Math.abs(batchLoss));
    batchGrads.forEach((g, i) => expect(maxError(g, sums[i]!, 1e-12, 1e-12)).toBeLessThanOrEqual(1));
  });

  it('refuses inputs outside the vocabulary and mis-sized states', () => {
    const model = new CharRnnModel({ cell: 'rnn', vocabSize: 4, hiddenSize: 3, layers: 1, dropout: 0, dtype: 'f32' });
    expect(() => model.forward(Int32Array.of(4), null, 1, 1, model.createState(1))).toThrow(
      /input ids must be in \[0, 4\), got 4/,
    );
    expect(() => model.forward(Int32Array.of(1, 2), null, 1, 2, model.createState(1))).toThrow(
      /state must have batch 2/,
    );
  });
});
