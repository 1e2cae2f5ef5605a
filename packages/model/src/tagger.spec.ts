import { describe, expect, it } from 'vitest';
import { Prng } from '@charrnn/tensor';
import { CharRnnModel } from './model.js';
import { initializeParams } from './init.js';
import { StreamTagger, argmaxRows } from './tagger.js';

function tagger(bidirectional: boolean): CharRnnModel {
  const model = new CharRnnModel({
    cell: 'lstm',
    vocabSize: 5,
    hiddenSize: 4,
    layers: 1,
    dropout: 0,
    dtype: 'f64',
    outputSize: 3,
    bidirectional,
  });
  initializeParams(model.params, 'pytorch', 4, new Prng(2));
  return model;
}

/** Every row the tagger emits for `ids` pushed in pieces of `piece`, concatenated. */
function tagAll(t: StreamTagger, ids: Int32Array, piece: number): number[] {
  const rows: number[] = [];
  const sink = (logits: ArrayLike<number>, count: number): void => {
    for (let i = 0; i < count * 3; i++) rows.push(logits[i]!);
  };
  for (let i = 0; i < ids.length; i += piece) t.push(ids.subarray(i, i + piece), sink);
  t.finish(sink);
  return rows;
}

describe('StreamTagger', () => {
  const ids = Int32Array.from({ length: 23 }, (_, i) => (i * 7) % 5);

  it('a unidirectional tagger gives the rows of one long forward pass, however the stream is cut', () => {
    const model = tagger(false);
    model.forward(ids, null, ids.length, 1, model.createState(1));
    const whole = Array.from(model.lastLogits());
    for (const piece of [1, 5, 23]) {
      const rows = tagAll(new StreamTagger(model, { window: 6 }), ids, piece);
      expect(rows).toHaveLength(whole.length);
      rows.forEach((x, i) => expect(Math.abs(x - whole[i]!)).toBeLessThanOrEqual(1e-12));
    }
  });

  it('a bidirectional tagger emits each symbol once, with the same rows for any cut of the stream', () => {
    const model = tagger(true);
    const t = new StreamTagger(model, { window: 8 });
    expect(t.lookahead).toBe(4);
    const a = tagAll(t, ids, 1);
    const b = tagAll(new StreamTagger(model, { window: 8 }), ids, 9);
    expect(a).toHaveLength(ids.length * 3);
    expect(b).toEqual(a);
  });

  it('the first rows of a bidirectional tagger are those of its first window (they saw its lookahead)', () => {
    const model = tagger(true);
    model.forward(ids.subarray(0, 8), null, 8, 1, model.createState(1));
    const first = Array.from(model.lastLogits().subarray(0, 4 * 3));
    expect(tagAll(new StreamTagger(model, { window: 8 }), ids, 23).slice(0, 12)).toEqual(first);
  });

  it('refuses a lookahead that leaves nothing to emit', () => {
    expect(() => new StreamTagger(tagger(true), { window: 4, lookahead: 4 })).toThrow(
      /StreamTagger: lookahead must be an integer in \[0, 4\), got 4/,
    );
  });

  it('argmaxRows picks the best label of each row', () => {
    const out = new Int32Array(2);
    argmaxRows([0, 2, 1, 5, -1, 3], 2, 3, out);
    expect(Array.from(out)).toEqual([1, 0]);
  });
});
