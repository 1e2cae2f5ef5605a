import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeDocuments } from './corpus-encoder.js';
import { splitTrainVal } from './split.js';
import { WindowStream } from './window-stream.js';

const range = (n: number): Uint16Array => Uint16Array.from({ length: n }, (_, i) => i);

function pull(stream: WindowStream): { inputs: number[]; reset: number[] } {
  const n = stream.seqLength * stream.batchSize;
  const inputs = new Int32Array(n);
  const targets = new Int32Array(n);
  const reset = Array.from(stream.next(inputs, targets));
  return { inputs: Array.from(inputs), reset };
}

describe('WindowStream over several documents', () => {
  it('jumps to the next document with a reset instead of crossing its start', () => {
    // Documents [0, 10) and [10, 20), T 4: windows at 0 and 4 (4 + 5 ≤ 10), then document 2 from 10.
    const stream = new WindowStream(range(20), { seqLength: 4, documentStarts: [0, 10] });
    expect(pull(stream)).toEqual({ inputs: [0, 1, 2, 3], reset: [1] });
    expect(pull(stream)).toEqual({ inputs: [4, 5, 6, 7], reset: [0] });
    expect(pull(stream)).toEqual({ inputs: [10, 11, 12, 13], reset: [1] });
    expect(pull(stream)).toEqual({ inputs: [14, 15, 16, 17], reset: [0] });
    expect(pull(stream)).toEqual({ inputs: [0, 1, 2, 3], reset: [1] });
  });

  it('skips a document shorter than a window', () => {
    const stream = new WindowStream(range(30), { seqLength: 4, documentStarts: [0, 10, 13] });
    pull(stream);
    pull(stream);
    expect(pull(stream)).toEqual({ inputs: [13, 14, 15, 16], reset: [1] });
  });

  it('refuses documents too short for any window, in one line', () => {
    expect(() => new WindowStream(range(12), { seqLength: 4, documentStarts: [0, 3, 6, 9] })).toThrow(
      'WindowStream: the text has no document piece of at least 5 characters (seq-length + 1); use longer documents, a smaller --seq-length',
    );
    expect(() => new WindowStream(range(12), { seqLength: 4, documentStarts: [0, 12] })).toThrow(
      'documentStarts[1] must be an integer above the previous start and below 12, got 12',
    );
  });

  it('property: no window crosses a document start, and every jump is a reset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 8 }),
        (T, B, lengths) => {
          const starts = [0];
          for (const l of lengths.slice(0, -1)) starts.push(starts.at(-1)! + l);
          const n = lengths.reduce((a, b) => a + b, 0);
          let stream: WindowStream;
          try {
            stream = new WindowStream(range(n), { seqLength: T, batchSize: B, documentStarts: starts });
          } catch (error) {
            expect((error as Error).message).toMatch(/needs at least|has no document piece/);
            return;
          }
          const previous: (number | undefined)[] = new Array(B).fill(undefined);
          for (let w = 0; w < 40; w++) {
            const { inputs, reset } = pull(stream);
            for (let b = 0; b < B; b++) {
              const p = inputs[b]!;
              // Inputs p … p+T−1 and targets up to p+T lie in one document and one segment.
              expect(starts.some((s) => s > p && s <= p + T)).toBe(false);
              expect(Math.floor(p / stream.segmentLength)).toBe(b);
              expect(p + T).toBeLessThan((b + 1) * stream.segmentLength);
              if (starts.includes(p)) expect(reset[b]).toBe(1);
              if (previous[b] === undefined || p !== previous[b]! + T) expect(reset[b]).toBe(1);
              else expect(reset[b]).toBe(0);
              previous[b] = p;
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('resumes exactly, and refuses a state taken over another number of documents', () => {
    const a = new WindowStream(range(40), { seqLength: 3, batchSize: 2, documentStarts: [0, 7, 25] });
    for (let i = 0; i < 5; i++) pull(a);
    const state = a.getState();
    expect(state.documents).toBe(3);
    const b = new WindowStream(range(40), { seqLength: 3, batchSize: 2, documentStarts: [0, 7, 25] });
    b.setState(JSON.parse(JSON.stringify(state)));
    for (let i = 0; i < 10; i++) expect(pull(b)).toEqual(pull(a));
    const single = new WindowStream(range(40), { seqLength: 3, batchSize: 2 });
    expect(single.getState().documents).toBeUndefined();
    expect(() => single.setState(state)).toThrow("state.documents must match this stream's 1, got 3");
  });
});

describe('splitTrainVal over several documents (the tail of the concatenation is held out)', () => {
  it('keeps the starts before the cut for train and restarts validation at the cut and each later start', () => {
    const corpus = encodeDocuments(
      ['abcdefgh', 'ijklmn', 'opqrst'].map((s) => new TextEncoder().encode(s)),
      'char',
    );
    expect(corpus.documentStarts).toEqual([0, 8, 14]);
    const split = splitTrainVal(corpus.ids, 0.5, corpus.documentStarts);
    expect(split.train).toBeInstanceOf(Uint16Array);
    expect(split.train.length).toBe(10);
    expect(split.trainStarts).toEqual([0, 8]);
    expect(split.valStarts).toEqual([0, 4]);
  });
});
