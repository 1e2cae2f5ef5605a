// evaluateText runs the text as one continuous sequence in chunks, carrying the state. Its result
// must not depend on the chunk length, and must equal the cross-entropy read off one step at a
// time from the logits (softmax worked out here, independently of the model's loss kernel).

import { Prng } from '@charrnn/tensor';
import { describe, expect, it } from 'vitest';
import { evaluateText } from './evaluate.js';
import { initializeParams } from './init.js';
import { CharRnnModel } from './model.js';

const V = 6;

function model(cell: 'rnn' | 'lstm' | 'gru'): CharRnnModel {
  const m = new CharRnnModel({ cell, vocabSize: V, hiddenSize: 5, layers: 2, dropout: 0, dtype: 'f64' });
  initializeParams(m.params, 'pytorch', 1, new Prng(5));
  return m;
}

/** Σ −ln softmax(logits)[next] over the text, one character per forward pass, divided by the count. */
function stepwiseLoss(m: CharRnnModel, ids: Int32Array): number {
  const state = m.createState(1);
  let total = 0;
  for (let t = 0; t + 1 < ids.length; t++) {
    m.forward(ids.subarray(t, t + 1), null, 1, 1, state);
    const logits = Array.from(m.lastLogits());
    const max = Math.max(...logits);
    const logSum = Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0)) + max;
    total += logSum - logits[ids[t + 1]!]!;
  }
  return total / (ids.length - 1);
}

const close = (a: number, e: number) => Math.abs(a - e) <= 1e-12 + 1e-10 * Math.abs(e);

describe.each(['rnn', 'lstm', 'gru'] as const)('evaluateText (%s)', (cell) => {
  const rng = new Prng(8);
  const ids = Int32Array.from({ length: 41 }, () => rng.int(V));

  it('gives the same loss for every chunk length, equal to the step-by-step cross-entropy', () => {
    const m = model(cell);
    const expected = stepwiseLoss(m, ids);
    for (const chunk of [1, 3, 7, 40, 256]) {
      const result = evaluateText(m, ids, chunk);
      expect(result.count).toBe(40);
      expect(close(result.loss, expected), `chunk ${chunk}: ${result.loss} vs ${expected}`).toBe(true);
      expect(close(result.bpc, expected / Math.LN2)).toBe(true);
    }
  });

  it('notices a dropped state between chunks (negative test)', () => {
    const m = model(cell);
    // Evaluating the two halves separately restarts the state at the cut; the loss must differ.
    const a = evaluateText(m, ids.subarray(0, 21), 256);
    const b = evaluateText(m, ids.subarray(20), 256);
    const restarted = (a.loss * a.count + b.loss * b.count) / (a.count + b.count);
    expect(close(restarted, stepwiseLoss(m, ids))).toBe(false);
  });
});
