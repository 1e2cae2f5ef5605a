import { describe, expect, it } from 'vitest';
import { Vocabulary } from '@charrnn/corpus';
import { decodeCheckpoint } from './checkpoint.js';
import { resolveTrainConfig } from './config.js';
import { prepareData } from './data.js';
import { extendVocabulary } from './extend-vocab.js';
import { Trainer } from './trainer.js';
import { collect, fakeClock, SMALL_TEXT } from './test-helpers.js';

describe('extendVocabulary', () => {
  it('keeps the old ids and appends the new characters sorted', () => {
    const old = Vocabulary.fromText('cab');
    const { vocab, added } = extendVocabulary(old, 'zebra!');
    expect(added).toEqual(['!', 'e', 'r', 'z']);
    expect(vocab.toJSON()).toEqual(['a', 'b', 'c', '!', 'e', 'r', 'z']);
    expect(extendVocabulary(old, 'abc').vocab).toBe(old);
  });
});

describe('Trainer with --init on a larger vocabulary', () => {
  it('copies every old weight to its character and leaves the new ones freshly initialized', async () => {
    const config = resolveTrainConfig({
      cell: 'lstm',
      layers: 2,
      hidden: 8,
      seqLength: 6,
      steps: 5,
      evalEvery: 0,
      sampleEvery: 0,
      dtype: 'f64',
    });
    const first = new Trainer({ config, data: prepareData(SMALL_TEXT, 0.1, 6, 1), clock: fakeClock() });
    await collect(first);
    const init = decodeCheckpoint(first.checkpointBytes());
    const newText = `${SMALL_TEXT}ZQX? `.repeat(2);
    const { vocab, added } = extendVocabulary(init.vocab, newText);
    expect(added).toEqual(['?', 'Q', 'X', 'Z']);
    const fresh = new Trainer({ config, data: prepareData(newText, 0.1, 6, 1, vocab), clock: fakeClock() });
    const extended = new Trainer({ config, data: prepareData(newText, 0.1, 6, 1, vocab), clock: fakeClock(), init });
    const V = init.vocab.size;
    const V2 = vocab.size;
    for (const p of extended.model.params.list) {
      const old = init.tensors.get(p.name)!.data as Float64Array;
      const freshValue = fresh.model.params.get(p.name).value;
      p.value.forEach((v, i) => {
        let expected: number;
        if (p.name === 'rnn.weight_ih_l0') {
          const [row, col] = [Math.floor(i / V2), i % V2];
          expected = col < V ? old[row * V + col]! : freshValue[i]!;
        } else if (p.name.startsWith('decoder.')) {
          expected = i < old.length ? old[i]! : freshValue[i]!;
        } else {
          expected = old[i]!;
        }
        expect(v, `${p.name}[${i}]`).toBe(expected);
      });
    }
    const events = await collect(extended);
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'completed' });
  });
});
