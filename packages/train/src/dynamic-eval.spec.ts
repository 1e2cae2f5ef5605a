import { describe, expect, it } from 'vitest';
import { Prng } from '@charrnn/tensor';
import { Vocabulary } from '@charrnn/corpus';
import { CharRnnModel, evaluateText, initializeParams } from '@charrnn/model';
import { dynamicEvaluate } from './dynamic-eval.js';

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
