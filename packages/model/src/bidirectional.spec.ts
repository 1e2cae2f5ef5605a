import { describe, expect, it } from 'vitest';
import { Prng } from '@charrnn/tensor';
import { CharRnnModel } from './model.js';
import { initializeParams } from './init.js';
import { layerParamNames } from './config.js';
import { gradientError, maxError, numericGradient, randomCase, windowGradients, windowLoss } from './test-helpers.js';

const TAGGER = { bidirectional: true, outputSize: 3 } as const;

describe.each(['rnn', 'lstm', 'gru'] as const)(
  'bidirectional %s tagger: gradients against float64 centered differences',
  (cell) => {
    for (const [layers, B] of [
      [1, 1],
      [2, 2],
    ] as const) {
      it(`layers=${layers} batch=${B}: every parameter (both directions) and the forward direction's incoming state`, () => {
        const c = randomCase(cell, layers, B, 11, 0, TAGGER);
        const dState = c.model.createState(B);
        const loss = windowGradients(c, { initialStateGrad: dState });
        expect(loss).toBe(windowLoss(c));
        const names = c.model.params.list.map((p) => p.name);
        expect(names).toContain(layerParamNames(layers - 1, true).weightIh);
        for (const p of c.model.params.list) expect(gradientError(c, p), p.name).toBeLessThanOrEqual(1);
        c.state.h.forEach((h, k) =>
          expect(maxError(dState.h[k]!, numericGradient(c, h), 1e-8, 1e-6), `h0 l${k}`).toBeLessThanOrEqual(1),
        );
      });
    }

    it('with dropout between layers and on the output (same masks both ways)', () => {
      const c = randomCase(cell, 2, 2, 12, 0.3, { ...TAGGER, outputDropout: 0.2, weightDrop: 0.25 });
      const options = () => ({ train: true, rng: new Prng(99) });
      windowGradients(c, options());
      for (const p of c.model.params.list) expect(gradientError(c, p, options), p.name).toBeLessThanOrEqual(1);
    });
  },
);

describe('bidirectional layers', () => {
  it('the reverse direction is the same cell run over the reversed window (an independent unidirectional model)', () => {
    const T = 6;
    const V = 5;
    const H = 4;
    const O = 3;
    const rng = new Prng(4);
    const bi = new CharRnnModel({
      cell: 'lstm',
      vocabSize: V,
      hiddenSize: H,
      layers: 1,
      dropout: 0,
      dtype: 'f64',
      ...TAGGER,
    });
    initializeParams(bi.params, 'pytorch', H, rng);
    const uni = new CharRnnModel({
      cell: 'lstm',
      vocabSize: V,
      hiddenSize: H,
      layers: 1,
      dropout: 0,
      dtype: 'f64',
      outputSize: O,
    });
    // uni = bi's reverse direction and the reverse half of its decoder; bi's forward half of the decoder is zeroed.
    const forward = layerParamNames(0);
    const reverse = layerParamNames(0, true);
    for (const key of ['weightIh', 'weightHh', 'biasIh', 'biasHh'] as const)
      uni.params.get(forward[key]).value.set(bi.params.get(reverse[key]).value);
    const decoder = bi.params.get('decoder.weight').value;
    const uniDecoder = uni.params.get('decoder.weight').value;
    for (let o = 0; o < O; o++)
      for (let j = 0; j < H; j++) {
        uniDecoder[o * H + j] = decoder[o * 2 * H + H + j]!;
        decoder[o * 2 * H + j] = 0;
      }
    uni.params.get('decoder.bias').value.set(bi.params.get('decoder.bias').value);
    const ids = Int32Array.from({ length: T }, () => rng.int(V));
    bi.forward(ids, null, T, 1, bi.createState(1));
    const reversed = Int32Array.from(ids).reverse();
    uni.forward(reversed, null, T, 1, uni.createState(1));
    const biLogits = bi.lastLogits();
    const uniLogits = uni.lastLogits();
    for (let t = 0; t < T; t++)
      for (let o = 0; o < O; o++)
        expect(Math.abs(biLogits[t * O + o]! - uniLogits[(T - 1 - t) * O + o]!)).toBeLessThanOrEqual(1e-12);
  });

  it.each([false, true])(
    'stateAfter carries the state after that many steps, as a window of that length would (bidirectional %s)',
    (bidirectional) => {
      const rng = new Prng(8);
      const config = { cell: 'gru', vocabSize: 6, hiddenSize: 3, layers: 2, dropout: 0, dtype: 'f64' } as const;
      const model = new CharRnnModel({ ...config, bidirectional, outputSize: 3 });
      initializeParams(model.params, 'pytorch', 3, rng);
      const ids = Int32Array.from({ length: 7 }, () => rng.int(6));
      const carried = model.createState(1);
      model.forward(ids, null, 7, 1, carried, { stateAfter: 4 });
      const short = model.createState(1);
      model.forward(ids.subarray(0, 4), null, 4, 1, short);
      // Above layer 0 a bidirectional model's forward direction reads reverse outputs, which saw the lookahead.
      const exactLayers = bidirectional ? 1 : 2;
      for (let k = 0; k < exactLayers; k++) expect(Array.from(carried.h[k]!)).toEqual(Array.from(short.h[k]!));
      expect(() => model.forward(ids, null, 7, 1, carried, { stateAfter: 8 })).toThrow(
        /options.stateAfter must be an integer in \[0, 7\], got 8/,
      );
    },
  );

  it('a tagger scores O labels: its decoder is [O, D·H] and its loss needs label targets', () => {
    const model = new CharRnnModel({
      cell: 'rnn',
      vocabSize: 9,
      hiddenSize: 4,
      layers: 1,
      dropout: 0,
      dtype: 'f32',
      ...TAGGER,
    });
    expect(model.params.get('decoder.weight').shape).toEqual([3, 8]);
    expect(model.params.get('rnn.weight_ih_l0_reverse').shape).toEqual([4, 9]);
  });
});
