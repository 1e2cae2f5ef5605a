import { describe, expect, it } from 'vitest';
import { encodeDocuments, Vocabulary } from '@charrnn/corpus';
import { evaluateText } from '@charrnn/model';
import type { StepEvent } from '@charrnn/report';
import { decodeCheckpoint, modelFromCheckpoint } from './checkpoint.js';
import { resolveTrainConfig } from './config.js';
import { DataError, prepareCorpus, prepareData } from './data.js';
import { evaluateDocuments } from './evaluate-documents.js';
import { Trainer } from './trainer.js';
import { collect, fakeClock } from './test-helpers.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const T = 8;
// Document 1 holds exactly 3 windows (3·T + 1 characters), so the 4th window is document 2's first.
const DOC1 = 'abcdefghijklmnopqrstuvwxy';
const DOC2 = 'the lazy dog sleeps on and on.';

/** Losses of each step and the checkpoint after each step, for a run over `starts`-split text. */
async function runOver(documentStarts: number[]): Promise<{ losses: number[]; after: Uint8Array[] }> {
  const corpus = encodeDocuments([enc(DOC1 + DOC2)], 'char');
  const config = resolveTrainConfig({
    hidden: 12,
    seqLength: T,
    steps: 4,
    valFraction: 0,
    evalEvery: 0,
    sampleEvery: 0,
    logEvery: 1,
    saveEvery: 1,
    dtype: 'f64',
    optimizer: 'adam',
    lr: 0.01,
  });
  const data = prepareCorpus({ ...corpus, documentStarts }, 0, T, 1);
  const trainer = new Trainer({ config, data, clock: fakeClock(), checkpointPeriodic: true });
  const after: Uint8Array[] = [];
  const events = await collect(trainer, (bytes) => after.push(bytes));
  const losses = events.filter((e): e is StepEvent => e.type === 'step').map((e) => e.loss);
  return { losses, after };
}

describe('training over several documents', () => {
  it("starts document 2's first window from a zero state: its loss is a fresh start's with the same weights", async () => {
    const { losses, after } = await runOver([0, DOC1.length]);
    const model = modelFromCheckpoint(decodeCheckpoint(after[2]!)); // the weights before step 4
    const vocab = Vocabulary.fromText(DOC1 + DOC2);
    const ids = vocab.encode(DOC2.slice(0, T + 1));
    const fresh = model.forward(ids.subarray(0, T), ids.subarray(1, T + 1), T, 1, model.createState(1)) / T;
    expect(Math.abs(losses[3]! - fresh)).toBeLessThanOrEqual(1e-12 + 1e-10 * fresh);
  });

  it('(control) as one document the same stream carries its state on, and the loss differs', async () => {
    const { losses, after } = await runOver([0]);
    const model = modelFromCheckpoint(decodeCheckpoint(after[2]!));
    const vocab = Vocabulary.fromText(DOC1 + DOC2);
    const ids = vocab.encode((DOC1 + DOC2).slice(3 * T, 4 * T + 1));
    const fresh = model.forward(ids.subarray(0, T), ids.subarray(1, T + 1), T, 1, model.createState(1)) / T;
    expect(Math.abs(losses[3]! - fresh)).toBeGreaterThan(1e-6);
  });
});

describe('evaluateDocuments', () => {
  it('scores each document from a zero state and pools per prediction', async () => {
    const corpus = encodeDocuments([enc(DOC1), enc(DOC2)], 'char');
    const config = resolveTrainConfig({ hidden: 12, seqLength: T, steps: 0, valFraction: 0, dtype: 'f64' });
    const trainer = new Trainer({ config, data: prepareCorpus(corpus, 0, T, 1), clock: fakeClock() });
    const a = evaluateText(trainer.model, corpus.vocab.encode(DOC1));
    const b = evaluateText(trainer.model, corpus.vocab.encode(DOC2));
    const pooled = evaluateDocuments(trainer.model, corpus.ids, corpus.documentStarts);
    expect(pooled.count).toBe(DOC1.length - 1 + DOC2.length - 1);
    const expected = (a.loss * a.count + b.loss * b.count) / (a.count + b.count);
    expect(Math.abs(pooled.loss - expected)).toBeLessThanOrEqual(1e-12 + 1e-10 * expected);
    // 16-bit ids score exactly as 32-bit ones.
    expect(evaluateText(trainer.model, corpus.ids.subarray(0, DOC1.length)).loss).toBe(a.loss);
  });
});

describe('prepareData and prepareCorpus', () => {
  it('byte mode takes the UTF-8 bytes of a string as symbols', () => {
    const data = prepareData('héé', 0, 1, 1, undefined, 'byte');
    expect(Array.from(data.vocab.codePoints)).toEqual([0x68, 0xa9, 0xc3]);
    expect(data.train.length).toBe(5);
  });

  it('refuses documents too short for a window in one line', () => {
    const corpus = encodeDocuments([enc('abcd'), enc('efgh'), enc('ijkl')], 'char');
    expect(() => prepareCorpus(corpus, 0, 8, 1)).toThrow(
      new DataError(
        'the text has no document piece of at least 9 characters (seq-length + 1); use longer documents, a smaller --seq-length',
      ),
    );
  });
});
