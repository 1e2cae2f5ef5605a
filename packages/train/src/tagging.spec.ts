import { describe, expect, it } from 'vitest';
import { taskFor, type TaggingTask } from '@charrnn/corpus';
import type { CharRnnModel } from '@charrnn/model';
import { createCsvLogSink, type EvalEvent, type StepEvent } from '@charrnn/report';
import { decodeCheckpoint, encodeCheckpoint, modelFromCheckpoint } from './checkpoint.js';
import { resolveTrainConfig, type TrainConfig } from './config.js';
import { prepareTaskData } from './data.js';
import { TagCounts, labelLoss } from './tagging.js';
import { Trainer, type TrainerOptions } from './trainer.js';
import { SMALL_TEXT, collect, fakeClock } from './test-helpers.js';

const spaces = taskFor('restore-spaces')!;

/** A small f64 tagging run on SMALL_TEXT (task restore-spaces unless told). */
function tagTrainer(overrides: Partial<TrainConfig>, extra: Partial<TrainerOptions> = {}, text = SMALL_TEXT): Trainer {
  const config = resolveTrainConfig({
    task: 'restore-spaces',
    cell: 'lstm',
    bidirectional: true,
    hidden: 8,
    seqLength: 8,
    evalEvery: 0,
    logEvery: 1,
    dtype: 'f64',
    valFraction: 0.2,
    ...overrides,
  });
  const task = taskFor(config.task)!;
  return new Trainer({ config, data: prepareTaskData(task, text, config), clock: fakeClock(), ...extra });
}

describe('TagCounts', () => {
  it('gives accuracy and the positive class precision, recall and F1 (closed form)', () => {
    const counts = new TagCounts();
    // predicted, actual: 2 true positives, 1 false positive, 1 false negative, 4 true negatives
    for (const [p, a] of [
      [1, 1],
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ])
      counts.add(p!, a!);
    const m = counts.metrics(spaces);
    expect(m.accuracy).toBe(6 / 8);
    expect(m.precision).toBe(2 / 3);
    expect(m.recall).toBe(2 / 3);
    expect(Math.abs(m.f1! - 2 / 3)).toBeLessThanOrEqual(1e-15);
    expect(counts.metrics(taskFor('binary-addition') as TaggingTask)).toEqual({ accuracy: 6 / 8 });
  });

  it('labelLoss is −ln softmax (closed form)', () => {
    const e = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(4)) - 2;
    expect(Math.abs(labelLoss([9, 1, 2, 4], 1, 3, 1) - e)).toBeLessThanOrEqual(1e-12);
  });
});

describe('Trainer on a tagging task', () => {
  it('learns restore-spaces on a small text and logs accuracy, precision, recall and F1 (in the CSV too)', async () => {
    let csv = '';
    const sink = createCsvLogSink({ write: (chunk) => (csv += chunk), tagging: true });
    // Three copies: the held-out tail holds words training saw, in other places.
    const t = tagTrainer(
      { steps: 400, evalEvery: 200, hidden: 16, optimizer: 'adam', lr: 0.02, dtype: 'f32' },
      {},
      SMALL_TEXT.repeat(3),
    );
    const events = await collect(t);
    for (const e of events) sink.handle(e);
    const evals = events.filter((e): e is EvalEvent => e.type === 'eval');
    expect(evals).toHaveLength(2);
    const last = evals[1]!;
    // Better than always answering "no space" (the majority label), and most spaces found.
    const valLabels = t['data'].valLabels!;
    const majority = valLabels.filter((l) => l === 0).length / valLabels.length;
    expect(last.valAccuracy!).toBeGreaterThan(majority);
    expect(last.valF1).toBeGreaterThan(0.8);
    expect(last.count).toBe(t['data'].val.length);
    // The decoder scores the two labels over both directions' outputs.
    expect(t.model.params.get('decoder.weight').shape).toEqual([2, 32]);
    // The log's cells are numbers or empty: a plain split reads it.
    const [header, ...lines] = csv
      .trim()
      .split('\n')
      .map((line) => line.split(','));
    const rows = lines.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? ''])));
    const evalRow = rows.find((r) => r['val_f1'] !== '')!;
    expect(Number(evalRow['val_f1'])).toBe(evals[0]!.valF1);
    expect(Number(evalRow['val_accuracy'])).toBe(evals[0]!.valAccuracy);
    expect(events.some((e) => e.type === 'sample')).toBe(false);
  });

  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    it(`resume equals an uninterrupted run bit for bit (bidirectional ${cell}, 2 layers, batch 2, dropout)`, async () => {
      const overrides: Partial<TrainConfig> = {
        cell,
        layers: 2,
        dropout: 0.2,
        batchSize: 2,
        optimizer: 'adam',
        lr: 0.01,
        seqLength: 5,
        evalEvery: 10,
      };
      const straight = tagTrainer({ ...overrides, steps: 30 });
      const straightEvents = await collect(straight);
      const first = tagTrainer({ ...overrides, steps: 17 }, { checkpointPeriodic: true });
      let saved: Uint8Array | undefined;
      await collect(first, (bytes) => (saved = bytes));
      const checkpoint = decodeCheckpoint(saved!);
      expect(checkpoint.task).toBe('restore-spaces');
      expect(checkpoint.model.bidirectional).toBe(true);
      const resumed = tagTrainer({ ...overrides, steps: 30 }, { resume: checkpoint });
      const events = await collect(resumed);
      const f1 = (list: typeof events): number[] =>
        list.flatMap((e) => (e.type === 'step' && e.valF1 !== undefined ? [e.valF1] : []));
      expect(f1(events)).toEqual(f1(straightEvents).slice(-2));
      straight.model.params.list.forEach((p, i) =>
        expect(Array.from(resumed.model.params.list[i]!.value), p.name).toEqual(Array.from(p.value)),
      );
    });
  }

  it('binary addition trains on generated problems and scores accuracy only', async () => {
    const t = tagTrainer({ task: 'binary-addition', bidirectional: false, steps: 2, evalEvery: 2, seqLength: 16 });
    const steps = (await collect(t)).filter((e): e is StepEvent => e.type === 'step');
    expect(t.vocab.toJSON()).toEqual(['0', '1', '2', '3', '|']);
    expect(steps.at(-1)!.valAccuracy).toBeGreaterThan(0);
    expect(steps.at(-1)!.valF1).toBeUndefined();
  });

  it('refuses data without labels for a tagging task', () => {
    const config = resolveTrainConfig({ task: 'restore-case', seqLength: 4 });
    const data = prepareTaskData(spaces, SMALL_TEXT, config);
    const { trainLabels: _t, valLabels: _v, ...unlabelled } = data;
    expect(() => new Trainer({ config, data: unlabelled, clock: fakeClock() })).toThrow(
      /Trainer: data must have labels exactly when the task is a tagging task, got task restore-case and none/,
    );
  });
});

describe('tagging config and checkpoints', () => {
  it('refuses a bidirectional next-symbol model in one line saying why', () => {
    expect(() => resolveTrainConfig({ bidirectional: true })).toThrow(
      /TrainConfig: bidirectional needs a tagging task, got task next-symbol \(a model reading the window backwards would see the symbol it must predict\)/,
    );
    expect(() => resolveTrainConfig({ task: 'restore-case', unit: 'byte' })).toThrow(
      /task restore-case needs unit char/,
    );
  });

  it('a bidirectional tagger checkpoint carries its task and loads back with the same outputs', () => {
    const t = tagTrainer({ task: 'restore-punctuation', cell: 'gru' });
    const bytes = t.checkpointBytes();
    const checkpoint = decodeCheckpoint(bytes);
    expect(checkpoint.metadata['task']).toBe('restore-punctuation');
    expect(checkpoint.model.outputSize).toBe(7);
    const loaded = modelFromCheckpoint(checkpoint);
    const ids = Int32Array.from([1, 2, 3, 4, 5]);
    const run = (m: CharRnnModel): number[] => {
      m.forward(ids, null, 5, 1, m.createState(1));
      return Array.from(m.lastLogits());
    };
    expect(run(loaded)).toEqual(run(t.model));
  });

  it('refuses a tagger checkpoint whose decoder does not match its task', () => {
    const t = tagTrainer({ task: 'restore-punctuation' });
    const bytes = encodeCheckpoint({ model: t.model, vocab: t.vocab, task: 'restore-case' });
    expect(() => decodeCheckpoint(bytes)).toThrow(
      /decoder.weight must have one row per label of task restore-case \(2\)/,
    );
  });
});
