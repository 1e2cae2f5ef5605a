import { describe, expect, it } from 'vitest';
import { Prng } from '@charrnn/tensor';
import { Vocabulary } from '@charrnn/corpus';
import { CharRnnModel, evaluateText, initializeParams } from '@charrnn/model';
import { dynamicEvaluate } from './dynamic-eval.js';
import { gradientStatistics, type GradientStatistics } from './dynamic-statistics.js';

function model(vocab: number): CharRnnModel {
  const m = new CharRnnModel({ cell: 'lstm', vocabSize: vocab, hiddenSize: 16, layers: 1, dropout: 0, dtype: 'f64' });
  initializeParams(m.params, 'pytorch', 16, new Prng(5));
  return m;
}

const TEXT = 'abcabcabdabcabcabd'.repeat(20);
const vocab = Vocabulary.fromText(TEXT);
const ids = vocab.encode(TEXT);

describe('dynamicEvaluate', () => {
  it('with lr 0 equals plain evaluation', () => {
    const a = evaluateText(model(vocab.size), ids);
    const b = dynamicEvaluate(model(vocab.size), ids, { lr: 0, segmentLength: 7 });
    expect(b.count).toBe(a.count);
    expect(Math.abs(b.loss - a.loss)).toBeLessThanOrEqual(1e-12 + 1e-10 * a.loss);
  });

  it('adapts to a repetitive text: a lower code length than the static model', () => {
    const fixed = evaluateText(model(vocab.size), ids);
    const dynamic = dynamicEvaluate(model(vocab.size), ids, { lr: 1, segmentLength: 10 });
    expect(dynamic.loss).toBeLessThan(fixed.loss * 0.8);
  });

  it('scores each segment before learning from it (the first segment scores as the static model)', () => {
    const first = ids.subarray(0, 11);
    const fixed = evaluateText(model(vocab.size), first, 10);
    const dynamic = dynamicEvaluate(model(vocab.size), first, { lr: 100, segmentLength: 10 });
    expect(Math.abs(dynamic.loss - fixed.loss)).toBeLessThanOrEqual(1e-12 + 1e-10 * fixed.loss);
  });

  it('refuses bad options', () => {
    expect(() => dynamicEvaluate(model(vocab.size), ids, { segmentLength: 0 })).toThrow(
      'dynamicEvaluate: segmentLength must be a positive integer, got 0',
    );
    expect(() => dynamicEvaluate(model(vocab.size), ids, { lr: -1 })).toThrow(
      'dynamicEvaluate: lr must be a finite number >= 0, got -1',
    );
  });
});

/** Statistics with the given sqrt(MS) per element (in parameter order, flattened), for `segmentLength`. */
function givenRms(m: CharRnnModel, segmentLength: number, rmsAt: (flatIndex: number) => number): GradientStatistics {
  let at = 0;
  return {
    names: m.params.list.map((p) => p.name),
    meanSquare: m.params.list.map((p) => Float64Array.from(p.value, () => rmsAt(at++) ** 2)),
    segmentLength,
    segments: 1,
  };
}

describe("dynamicEvaluate, rule 'rms' (Krause et al.'s RMS with decay)", () => {
  it('with MS ≡ 1, ε = 0 and λ = 0 is the SGD rule, bit for bit', () => {
    const sgd = model(vocab.size);
    const rms = model(vocab.size);
    const a = dynamicEvaluate(sgd, ids, { lr: 0.7, segmentLength: 7 });
    const b = dynamicEvaluate(rms, ids, {
      rule: 'rms',
      lr: 0.7,
      segmentLength: 7,
      epsilon: 0,
      decay: 0,
      statistics: givenRms(rms, 7, () => 1),
    });
    expect(b).toEqual(a);
    rms.params.list.forEach((p, k) => expect(p.value).toEqual(sgd.params.list[k]!.value));
    // The weights did move: the comparison is between two adapted models.
    expect(a.loss).toBeLessThan(evaluateText(model(vocab.size), ids).loss);
  });

  it('steps by lr·g/(sqrt(MS)+ε) and pulls by min(1, λ·RMS/mean RMS)·(θ₀ − θ), clipped at 1', () => {
    const text = ids.subarray(0, 3); // two segments of one character: the second update pulls back
    const m = model(vocab.size);
    const theta0 = m.params.list.map((p) => Float64Array.from(p.value));
    const count = m.params.list.reduce((n, p) => n + p.value.length, 0);
    // sqrt(MS) = 1, 2, …, 10, 1, 2, …: mean RMS ≈ 5.5, so the pull 0.9·r/5.5 is clipped at 1 for r ≥ 7.
    const rmsAt = (i: number): number => 1 + (i % 10);
    let rmsSum = 0;
    for (let i = 0; i < count; i++) rmsSum += rmsAt(i);
    const meanRms = rmsSum / count;
    const lr = 0.5;
    const epsilon = 0.25;
    const lambda = 0.9;
    dynamicEvaluate(m, text, {
      rule: 'rms',
      lr,
      epsilon,
      decay: lambda,
      segmentLength: 1,
      statistics: givenRms(m, 1, rmsAt),
    });

    // The same by hand: the gradients of each segment at the weights it was scored with (the state carried).
    const probe = model(vocab.size);
    const state = probe.createState(1);
    const gradientAt = (weights: Float64Array[], t: number): Float64Array[] => {
      probe.params.list.forEach((p, k) => p.value.set(weights[k]!));
      probe.lossAndGradients(Int32Array.of(text[t]!), Int32Array.of(text[t + 1]!), 1, 1, state);
      return probe.params.list.map((p) => Float64Array.from(p.grad));
    };
    let flat = 0;
    const indexOf = theta0.map((w) => {
      const start = flat;
      flat += w.length;
      return start;
    });
    const g0 = gradientAt(theta0, 0);
    const theta1 = theta0.map((w, k) => w.map((x, i) => x - (lr * g0[k]![i]!) / (rmsAt(indexOf[k]! + i) + epsilon)));
    const g1 = gradientAt(theta1, 1);
    let clipped = 0;
    const theta2 = theta1.map((w, k) =>
      w.map((x, i) => {
        const r = rmsAt(indexOf[k]! + i);
        const pull = Math.min(1, (lambda * r) / meanRms);
        if (pull === 1) clipped++;
        return x - (lr * g1[k]![i]!) / (r + epsilon) + pull * (theta0[k]![i]! - x);
      }),
    );
    expect(clipped).toBeGreaterThan(0);
    m.params.list.forEach((p, k) =>
      p.value.forEach((a, i) => {
        const e = theta2[k]![i]!;
        expect(Math.abs(a - e)).toBeLessThanOrEqual(1e-12 + 1e-10 * Math.abs(e));
      }),
    );
  });

  it('with statistics from the text itself adapts: a lower code length than the static model', () => {
    const m = model(vocab.size);
    const statistics = gradientStatistics(model(vocab.size), [ids], 10);
    const fixed = evaluateText(model(vocab.size), ids);
    const dynamic = dynamicEvaluate(m, ids, { rule: 'rms', lr: 0.01, decay: 0.01, segmentLength: 10, statistics });
    expect(dynamic.loss).toBeLessThan(fixed.loss * 0.8);
  });

  it('refuses missing or mismatched statistics, a bad ε and an unknown rule', () => {
    const m = model(vocab.size);
    const statistics = givenRms(m, 10, () => 1);
    expect(() => dynamicEvaluate(m, ids, { rule: 'rms', segmentLength: 10 })).toThrow(
      "dynamicEvaluate: statistics must be given for rule 'rms' (gradientStatistics), got none",
    );
    expect(() => dynamicEvaluate(m, ids, { rule: 'rms', segmentLength: 5, statistics })).toThrow(
      'dynamicEvaluate: statistics must be gathered with segmentLength 5, got 10',
    );
    const other = new CharRnnModel({
      cell: 'gru',
      vocabSize: vocab.size,
      hiddenSize: 4,
      layers: 1,
      dropout: 0,
      dtype: 'f64',
    });
    expect(() => dynamicEvaluate(other, ids, { rule: 'rms', segmentLength: 10, statistics })).toThrow(
      /^dynamicEvaluate: statistics must match the model's parameters \[rnn\.weight_ih_l0, .*\] of sizes \[48, 48, 12, 12, .*\], got \[rnn\.weight_ih_l0, /,
    );
    expect(() => dynamicEvaluate(m, ids, { rule: 'rms', segmentLength: 10, statistics, epsilon: -1 })).toThrow(
      'dynamicEvaluate: epsilon must be a finite number >= 0, got -1',
    );
    expect(() =>
      dynamicEvaluate(m, ids, { rule: 'rms', segmentLength: 10, statistics: givenRms(m, 10, () => 0) }),
    ).toThrow('dynamicEvaluate: statistics must have a positive finite mean RMS, got 0');
    expect(() => dynamicEvaluate(m, ids, { rule: 'adam' as 'sgd' })).toThrow(
      `dynamicEvaluate: rule must be 'sgd' or 'rms', got "adam"`,
    );
  });
});
