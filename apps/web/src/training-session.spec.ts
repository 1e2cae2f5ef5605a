// The worker's logic without a browser: commands in, messages out, against the packages it drives.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { selectKernels } from '@charrnn/kernels-wasm';
import { referenceKernels } from '@charrnn/tensor';
import { evaluateText } from '@charrnn/model';
import { Trainer, decodeCheckpoint, modelFromCheckpoint, prepareData, resolveTrainConfig } from '@charrnn/train';
import type { FromWorker, PageConfig } from './protocol.js';
import { TrainingSession } from './training-session.js';

const TEXT = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../assets/alice.txt'), 'utf8').slice(0, 3000);
const CONFIG: PageConfig = {
  cell: 'rnn',
  layers: 1,
  hidden: 16,
  seqLength: 25,
  batchSize: 1,
  optimizer: 'adagrad',
  lr: 0.1,
  steps: 60,
  evalEvery: 30,
  sampleEvery: 30,
  temperature: 1,
  seed: 3,
};

function session(kernels = () => selectKernels('wasm').kernels) {
  const messages: FromWorker[] = [];
  const s = new TrainingSession({
    createKernels: kernels,
    post: (m) => messages.push(m),
    clock: () => performance.now(),
  });
  const of = <T extends FromWorker['type']>(type: T) =>
    messages.filter((m): m is Extract<FromWorker, { type: T }> => m.type === type);
  return { s, messages, of };
}

describe('TrainingSession', () => {
  it('trains through the Trainer and reports its events, then finishes', async () => {
    const { s, of } = session();
    await s.handle({ type: 'start', text: TEXT, config: CONFIG, fromLoaded: false });
    const events = of('events').flatMap((m) => m.events);
    expect(events[0]!.type).toBe('start');
    expect(events.filter((e) => e.type === 'eval')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'sample')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'completed', step: 60 });
    expect(of('status').map((m) => m.status)).toEqual(['running', 'finished']);
  });

  it('gives the same numbers as the trainer run directly (one pipeline)', async () => {
    const { s, of } = session(() => referenceKernels);
    await s.handle({ type: 'start', text: TEXT, config: CONFIG, fromLoaded: false });
    const config = resolveTrainConfig({ ...CONFIG, logEvery: 10, sampleLength: 200 });
    const trainer = new Trainer({
      config,
      data: prepareData(TEXT, config.valFraction, config.seqLength, config.batchSize),
      clock: () => 0,
    });
    const direct = [];
    for await (const event of trainer.run()) if (event.type === 'eval') direct.push(event.valLoss);
    expect(
      of('events')
        .flatMap((m) => m.events)
        .flatMap((e) => (e.type === 'eval' ? [e.valLoss] : [])),
    ).toEqual(direct);
  });

  it('pauses between steps and resumes where it stopped', async () => {
    const { s, of } = session();
    const run = s.handle({
      type: 'start',
      text: TEXT,
      config: { ...CONFIG, steps: 200, evalEvery: 0, sampleEvery: 0 },
      fromLoaded: false,
    });
    await s.handle({ type: 'pause' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(of('status').at(-1)!.status).toBe('paused');
    const batches = of('events').length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(of('events').length).toBe(batches);
    await s.handle({ type: 'resume' });
    await run;
    expect(of('events').at(-1)!.events.at(-1)).toMatchObject({ type: 'done', step: 200 });
    const steps = of('events')
      .flatMap((m) => m.events)
      .filter((e) => e.type === 'step')
      .map((e) => e.step);
    expect(steps).toEqual(Array.from({ length: 20 }, (_, i) => 10 * (i + 1)));
  });

  it('samples, evaluates like charrnn-eval, and writes a checkpoint that loads back', async () => {
    const { s, of } = session();
    await s.handle({ type: 'start', text: TEXT, config: CONFIG, fromLoaded: false });
    await s.handle({ type: 'sample', id: 7, prime: 'Alice', temperature: 0.5, length: 30, seed: 1 });
    expect(of('sample')[0]).toMatchObject({ id: 7, prime: 'Alice' });
    expect(of('sample')[0]!.text).toHaveLength(30);

    await s.handle({ type: 'checkpoint', purpose: 'download' });
    const saved = of('checkpoint')[0]!;
    expect(saved.step).toBe(60);
    expect(saved.config).toMatchObject({ hidden: 16, seed: 3 });
    const checkpoint = decodeCheckpoint(new Uint8Array(saved.bytes));
    const expected = evaluateText(modelFromCheckpoint(checkpoint), checkpoint.vocab.encode(TEXT)).loss;
    await s.handle({ type: 'evaluate', text: TEXT });
    expect(of('evaluation')[0]!.loss).toBe(expected);

    await s.handle({ type: 'load', bytes: saved.bytes.slice(0), name: 'again.safetensors' });
    expect(of('loaded')[0]).toMatchObject({
      name: 'again.safetensors',
      model: { hidden: 16, step: 60, source: 'again.safetensors' },
    });
    await s.handle({ type: 'evaluate', text: TEXT });
    expect(of('evaluation')[1]!.loss).toBe(expected);
  });

  it('continues training from a loaded checkpoint with its architecture and vocabulary', async () => {
    const { s, of } = session();
    await s.handle({ type: 'start', text: TEXT, config: { ...CONFIG, cell: 'gru', hidden: 12 }, fromLoaded: false });
    await s.handle({ type: 'checkpoint', purpose: 'download' });
    await s.handle({ type: 'load', bytes: of('checkpoint')[0]!.bytes, name: 'gru.safetensors' });
    await s.handle({
      type: 'start',
      text: TEXT.slice(0, 2000),
      config: { ...CONFIG, steps: 10, evalEvery: 0, sampleEvery: 0 },
      fromLoaded: true,
    });
    expect(of('status').at(-1)).toMatchObject({ status: 'finished', model: { cell: 'gru', hidden: 12 } });
  });

  it('answers a command it cannot carry out with one error line', async () => {
    const { s, of } = session();
    await s.handle({ type: 'sample', id: 1, prime: 'x', temperature: 1, length: 5, seed: 1 });
    await s.handle({ type: 'load', bytes: new Uint8Array([1, 2, 3]).buffer, name: 'junk' });
    await s.handle({ type: 'start', text: 'ab', config: CONFIG, fromLoaded: false });
    const errors = of('error').map((m) => m.message);
    expect(errors[0]).toBe('there is no model yet: start training or load a checkpoint');
    expect(errors[1]).toMatch(/safetensors|header|bytes/i);
    expect(errors[2]).toMatch(/the training text must have at least/);
    expect(errors.every((e) => !e.includes('\n'))).toBe(true);
  });
});

describe('TrainingSession: texts', () => {
  it('decodes a text file strictly and answers with its facts, or with the refusal', async () => {
    const { s, of } = session();
    const bytes = new TextEncoder().encode('héllo\n');
    await s.handle({ type: 'decode', id: 7, bytes: bytes.buffer, name: 'ok.txt' });
    expect(of('text')).toEqual([
      { type: 'text', id: 7, name: 'ok.txt', text: 'héllo\n', facts: { chars: 6, distinct: 5, utf8Bytes: 7 } },
    ]);
    await s.handle({ type: 'decode', id: 8, bytes: new Uint8Array([0x41, 0xff]).buffer, name: 'bad.bin' });
    expect(of('text-refused')).toEqual([
      {
        type: 'text-refused',
        id: 8,
        message:
          'the file "bad.bin" is not valid UTF-8: text must be valid UTF-8, got invalid byte 0xff at byte 1 (line 1, column 2)',
        hint: 'convert it (e.g. iconv -f latin1 -t utf-8), or train on its bytes with charrnn-train --unit byte',
      },
    ]);
  });

  it('refuses to train on a text with more distinct characters than 16-bit ids name, with the hint', async () => {
    const { s, of } = session();
    let text = '';
    for (let i = 0; i < 65_537; i++) text += String.fromCodePoint(0x10000 + i);
    await s.handle({ type: 'start', text, config: CONFIG, fromLoaded: false });
    expect(of('error')).toEqual([
      {
        type: 'error',
        message: "the text has 65537 distinct characters, more than the 65536 charrnn's 16-bit ids can name",
        hint: 'train on its bytes instead with charrnn-train --unit byte (at most 256 symbols)',
      },
    ]);
    expect(of('status')).toEqual([]);
  });
});
