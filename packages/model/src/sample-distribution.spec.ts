// sampleIds draws from the distribution it claims. The decoder's weight is zeroed, so every step's
// logits are exactly the decoder bias whatever the hidden state: N draws are then N independent
// draws from softmax(bias / temperature) (restricted to the top k), and each character's frequency
// must lie within z = 5 binomial standard deviations of its probability. With V = 5 characters the
// chance that a correct sampler fails is below 5·5.7e-7 ≈ 3e-6 (two-sided normal tail, Bonferroni).

import { Prng } from '@charrnn/tensor';
import { describe, expect, it } from 'vitest';
import { DECODER_BIAS, DECODER_WEIGHT } from './config.js';
import { initializeParams } from './init.js';
import { CharRnnModel } from './model.js';
import { sampleIds, type SampleOptions } from './sample.js';

const LOGITS = [1.0, 0.2, -0.5, 2.0, 0.0];
const V = LOGITS.length;
const N = 20_000;
const Z = 5;

function biasOnlyModel(): CharRnnModel {
  const model = new CharRnnModel({ cell: 'lstm', vocabSize: V, hiddenSize: 3, layers: 1, dropout: 0, dtype: 'f64' });
  initializeParams(model.params, 'pytorch', 1, new Prng(3));
  model.params.get(DECODER_WEIGHT).value.fill(0);
  model.params.get(DECODER_BIAS).value.set(LOGITS);
  return model;
}

/** softmax(logits / temperature) over the k largest logits (all when k = 0), zero elsewhere. */
function expectedProbabilities(temperature: number, topK = 0): number[] {
  const kept = [...LOGITS.keys()].sort((a, b) => LOGITS[b]! - LOGITS[a]!).slice(0, topK || V);
  const weights = LOGITS.map((l, j) => (kept.includes(j) ? Math.exp(l / temperature) : 0));
  const sum = weights.reduce((s, w) => s + w, 0);
  return weights.map((w) => w / sum);
}

function frequencies(ids: Int32Array): number[] {
  const counts = new Array<number>(V).fill(0);
  for (const id of ids) counts[id]!++;
  return counts.map((c) => c / ids.length);
}

/** The characters whose frequency lies outside p ± z·√(p(1−p)/N), with both numbers. */
function outliers(freq: number[], p: number[], n: number): string[] {
  return p.flatMap((pj, j) => {
    const bound = Z * Math.sqrt((pj * (1 - pj)) / n);
    return Math.abs(freq[j]! - pj) > bound ? [`id ${j}: frequency ${freq[j]} vs p ${pj} (bound ${bound})`] : [];
  });
}

function draw(options: Omit<SampleOptions, 'prime' | 'length'>, seed = 11): Int32Array {
  return sampleIds(biasOnlyModel(), { prime: [0], length: N, ...options }, new Prng(seed));
}

describe('sampleIds draws from softmax(logits / temperature)', () => {
  for (const temperature of [1, 0.5, 2]) {
    it(`temperature ${temperature}: frequencies within 5σ of the softmax probabilities`, () => {
      expect(outliers(frequencies(draw({ temperature })), expectedProbabilities(temperature), N)).toEqual([]);
    });
  }

  it('top-k 2: only the two most likely characters, in their renormalized proportion', () => {
    const freq = frequencies(draw({ topK: 2 }));
    const p = expectedProbabilities(1, 2);
    expect(freq.filter((_, j) => p[j] === 0)).toEqual([0, 0, 0]);
    expect(outliers(freq, p, N)).toEqual([]);
  });

  it('argmax: always the most likely character, whatever the seed', () => {
    for (const seed of [1, 2]) expect(new Set(draw({ argmax: true }, seed))).toEqual(new Set([3]));
  });

  it('the bound has power: temperature 1 draws fail against the temperature 0.5 probabilities (negative test)', () => {
    expect(outliers(frequencies(draw({ temperature: 1 })), expectedProbabilities(0.5), N).length).toBeGreaterThan(0);
    expect(outliers(frequencies(draw({ topK: 3 })), expectedProbabilities(1, 2), N).length).toBeGreaterThan(0);
  });
});
