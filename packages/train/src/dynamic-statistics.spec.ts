// gradientStatistics against an independent computation: each segment's gradient by float64
// centered differences of the segment's mean loss, from the hidden state the segments before it
// left (weights fixed), squared and averaged over whole segments.

import { describe, expect, it } from 'vitest';
import { Prng } from '@charrnn/tensor';
import { Vocabulary } from '@charrnn/corpus';
import { CharRnnModel, cloneState, initializeParams, type RecurrentState } from '@charrnn/model';
import { gradientStatistics } from './dynamic-statistics.js';

function model(vocab: number): CharRnnModel {
  const m = new CharRnnModel({ cell: 'lstm', vocabSize: vocab, hiddenSize: 3, layers: 2, dropout: 0, dtype: 'f64' });
  initializeParams(m.params, 'pytorch', 3, new Prng(11));
  return m;
}

const vocab = Vocabulary.fromText('abcd');
// Two documents: 14 characters (13 predictions: 3 whole segments of 4, the last one skipped) and 9 (8: 2 segments).
const documents = [vocab.encode('abcabdacbdabca'), vocab.encode('dcbadcbaa')];

/** Mean loss of one segment from a copy of `state`, the weights as they are. */
function segmentLoss(m: CharRnnModel, ids: Int32Array, start: number, n: number, state: RecurrentState): number {
  const inputs = ids.slice(start, start + n);
  const targets = ids.slice(start + 1, start + n + 1);
  return m.forward(inputs, targets, n, 1, cloneState(state, m.kernels, 'f64')) / n;
}

/** MS by finite differences, in the model's parameter order. */
function numericMeanSquare(m: CharRnnModel, docs: Int32Array[], n: number): { ms: number[][]; segments: number } {
  const params = m.params.list;
  const ms = params.map((p) => new Array<number>(p.value.length).fill(0));
  let segments = 0;
  for (const ids of docs) {
    const state = m.createState(1);
    for (let start = 0; start + n < ids.length; start += n) {
      params.forEach((p, k) => {
        for (let i = 0; i < p.value.length; i++) {
          const keep = p.value[i]!;
          p.value[i] = keep + 1e-6;
          const up = segmentLoss(m, ids, start, n, state);
          p.value[i] = keep - 1e-6;
          const down = segmentLoss(m, ids, start, n, state);
          p.value[i] = keep;
          const g = (up - down) / 2e-6;
          ms[k]![i] = ms[k]![i]! + g * g;
        }
      });
      // Carry the state past this segment with the unperturbed weights.
      m.forward(ids.slice(start, start + n), null, n, 1, state);
      segments++;
    }
  }
  return { ms: ms.map((row) => row.map((x) => x / segments)), segments };
}

describe('gradientStatistics', () => {
  it('equals the mean over whole segments of the squared finite-difference gradient of the mean loss', () => {
    const m = model(vocab.size);
    const before = m.params.list.map((p) => Float64Array.from(p.value));
    const stats = gradientStatistics(m, documents, 4);
    const expected = numericMeanSquare(model(vocab.size), documents, 4);
    expect(stats.segments).toBe(5);
    expect(expected.segments).toBe(5);
    expect(stats.segmentLength).toBe(4);
    expect(stats.names).toEqual(m.params.list.map((p) => p.name));
    let worst = 0;
    stats.meanSquare.forEach((row, k) => {
      expect(row.length).toBe(expected.ms[k]!.length);
      row.forEach((a, i) => {
        const e = expected.ms[k]![i]!;
        worst = Math.max(worst, Math.abs(a - e) / (1e-12 + 1e-6 * Math.abs(e)));
      });
    });
    expect(worst).toBeLessThanOrEqual(1);
    // The weights are left as they were.
    m.params.list.forEach((p, k) => expect(Float64Array.from(p.value)).toEqual(before[k]));
  });

  it('depends on the segment length and on every whole segment of the text', () => {
    const m = model(vocab.size);
    const four = gradientStatistics(m, documents, 4).meanSquare;
    const three = gradientStatistics(m, documents, 3).meanSquare;
    const firstOnly = gradientStatistics(m, documents.slice(0, 1), 4).meanSquare;
    expect(three[0]).not.toEqual(four[0]);
    expect(firstOnly[0]).not.toEqual(four[0]);
  });

  it('refuses a text without one whole segment, and a bad segment length', () => {
    const m = model(vocab.size);
    expect(() => gradientStatistics(m, [vocab.encode('abcd')], 4)).toThrow(
      'gradientStatistics: the text must hold a document of more than segmentLength = 4 characters, got 4',
    );
    expect(() => gradientStatistics(m, documents, 0)).toThrow(
      'gradientStatistics: segmentLength must be a positive integer, got 0',
    );
  });
});
