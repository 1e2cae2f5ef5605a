import { describe, expect, it } from 'vitest';
import { Prng } from '@charrnn/tensor';
import { Vocabulary } from '@charrnn/corpus';
import { CharRnnModel, initializeParams } from '@charrnn/model';
import { dynamicEvaluate } from './dynamic-eval.js';
import { gradientStatistics } from './dynamic-statistics.js';
import { dynamicGrid, tuneDynamicEvaluation } from './dynamic-tune.js';

function model(vocab: number): CharRnnModel {
  const m = new CharRnnModel({ cell: 'lstm', vocabSize: vocab, hiddenSize: 16, layers: 1, dropout: 0, dtype: 'f64' });
  initializeParams(m.params, 'pytorch', 16, new Prng(5));
  return m;
}

const TEXT = 'abcabcabdabcabcabd'.repeat(10);
const vocab = Vocabulary.fromText(TEXT);
const ids = vocab.encode(TEXT);

describe('dynamicGrid', () => {
  it('pairs every step size with every segment length, step sizes outermost', () => {
    expect(dynamicGrid([0.1, 0.2], [10, 20])).toEqual([
      { lr: 0.1, segmentLength: 10 },
      { lr: 0.1, segmentLength: 20 },
      { lr: 0.2, segmentLength: 10 },
      { lr: 0.2, segmentLength: 20 },
    ]);
  });

  it('with decays, tries each one innermost', () => {
    expect(dynamicGrid([0.1], [10, 20], [0, 0.5])).toEqual([
      { lr: 0.1, segmentLength: 10, decay: 0 },
      { lr: 0.1, segmentLength: 10, decay: 0.5 },
      { lr: 0.1, segmentLength: 20, decay: 0 },
      { lr: 0.1, segmentLength: 20, decay: 0.5 },
    ]);
  });
});

describe('tuneDynamicEvaluation', () => {
  it('picks the candidate with the lowest code length, each scored from the trained weights', () => {
    const candidates = dynamicGrid([0, 0.3, 1, 3], [5, 10]);
    const tuning = tuneDynamicEvaluation(() => model(vocab.size), [ids], candidates);
    // The expected scores, each computed on its own fresh model: the tuner must not carry adapted weights over.
    const expected = candidates.map((c) => dynamicEvaluate(model(vocab.size), ids, c).bpc);
    expect(tuning.tried.map((t) => t.bpc)).toEqual(expected);
    const argmin = expected.indexOf(Math.min(...expected));
    expect(tuning.best).toEqual({ ...candidates[argmin], bpc: expected[argmin] });
    // On this repetitive text adapting helps: lr 0 (the static model) must lose.
    expect(tuning.best.lr).toBeGreaterThan(0);
  });

  it('pools several documents, each from a zero state, with one model adapting through them', () => {
    const a = ids.subarray(0, 60);
    const b = ids.subarray(60);
    const tuning = tuneDynamicEvaluation(() => model(vocab.size), [a, b], [{ lr: 0.5, segmentLength: 10 }]);
    const m = model(vocab.size);
    const ra = dynamicEvaluate(m, a, { lr: 0.5, segmentLength: 10 });
    const rb = dynamicEvaluate(m, b, { lr: 0.5, segmentLength: 10 });
    const pooled = (ra.loss * ra.count + rb.loss * rb.count) / (ra.count + rb.count) / Math.LN2;
    expect(Math.abs(tuning.best.bpc - pooled)).toBeLessThanOrEqual(1e-12 + 1e-10 * pooled);
  });

  it('counts a diverging step size as lost, and refuses when every candidate diverges or there is nothing to try', () => {
    // A model whose weights are already NaN stands for one that a too large step blew up.
    const broken = (): CharRnnModel => {
      const m = model(vocab.size);
      m.params.list[0]!.value.fill(Number.NaN);
      return m;
    };
    let calls = 0;
    const firstBroken = (): CharRnnModel => (calls++ === 0 ? broken() : model(vocab.size));
    const tuning = tuneDynamicEvaluation(firstBroken, [ids], dynamicGrid([0.1, 0.3], [10]));
    expect(tuning.tried[0]!.bpc).toBe(Number.POSITIVE_INFINITY);
    expect(tuning.best.lr).toBe(0.3);
    expect(() => tuneDynamicEvaluation(broken, [ids], dynamicGrid([0.1], [10]))).toThrow(
      'tuneDynamicEvaluation: every candidate diverged; try smaller step sizes',
    );
    expect(() => tuneDynamicEvaluation(() => model(vocab.size), [ids], [])).toThrow(
      'tuneDynamicEvaluation: candidates must not be empty, got 0',
    );
  });

  it("tunes the 'rms' rule's step size, pull and segment length, asking for each length's statistics once", () => {
    const candidates = dynamicGrid([0.001, 0.01], [5, 10], [0, 0.05]);
    const asked: number[] = [];
    const statisticsFor = (n: number) => {
      asked.push(n);
      return gradientStatistics(model(vocab.size), [ids], n);
    };
    const tuning = tuneDynamicEvaluation(() => model(vocab.size), [ids], candidates, {
      rule: 'rms',
      epsilon: 1e-4,
      statistics: statisticsFor,
    });
    expect(asked).toEqual([5, 10]);
    const expected = candidates.map(
      (c) =>
        dynamicEvaluate(model(vocab.size), ids, {
          ...c,
          rule: 'rms',
          epsilon: 1e-4,
          statistics: gradientStatistics(model(vocab.size), [ids], c.segmentLength),
        }).bpc,
    );
    expect(tuning.tried.map((t) => t.bpc)).toEqual(expected);
    expect(tuning.tried.map((t) => t.decay)).toEqual([0, 0.05, 0, 0.05, 0, 0.05, 0, 0.05]);
    expect(tuning.best.bpc).toBe(Math.min(...expected));
  });
});
