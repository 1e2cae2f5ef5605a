import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Vocabulary } from '@charrnn/corpus';
import type { StepEvent } from '@charrnn/report';
import { decodeCheckpoint } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import type { Trainer } from './trainer.js';
import { collect, SMALL_TEXT, smallTrainer } from './test-helpers.js';

/** The specs' trainer: H=16, T=8 on SMALL_TEXT unless told. */
function trainer(
  overrides: Partial<TrainConfig>,
  text = SMALL_TEXT,
  extra: Partial<ConstructorParameters<typeof Trainer>[0]> = {},
): Trainer {
  return smallTrainer({ hidden: 16, seqLength: 8, ...overrides }, extra, text);
}

describe('Trainer against the seed (numpy reference, 3 Adagrad steps with ±5 clipping)', () => {
  const fx = JSON.parse(
    readFileSync(new URL('../../model/src/fixtures/rnn-seed-training.json', import.meta.url), 'utf8'),
  );

  it('gives the same window losses and final weights', async () => {
    const t = trainer(
      { hidden: fx.hidden, seqLength: fx.seq_length, steps: fx.steps, lr: fx.lr, clip: fx.clip, valFraction: 0 },
      fx.text,
    );
    expect(t.vocab.toJSON()).toEqual(fx.vocab);
    for (const p of t.model.params.list) p.value.set(fx.params[p.name].data);
    const steps = (await collect(t)).filter((e): e is StepEvent => e.type === 'step');
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3]);
    steps.forEach((s, i) => {
      const expected = fx.losses[i] as number;
      expect(Math.abs(s.loss * fx.seq_length - expected)).toBeLessThanOrEqual(1e-12 + 1e-10 * expected);
    });
    for (const p of t.model.params.list) {
      const expected = fx.params_after[p.name].data as number[];
      p.value.forEach((v, i) =>
        expect(Math.abs(v - expected[i]!), `${p.name}[${i}]`).toBeLessThanOrEqual(
          1e-12 + 1e-10 * Math.abs(expected[i]!),
        ),
      );
    }
  });
});

describe('Trainer', () => {
  it('lowers the validation loss on a small text', async () => {
    const events = await collect(trainer({ steps: 300, evalEvery: 100, valFraction: 0.2, dtype: 'f32' }));
    const evals = events.filter((e) => e.type === 'eval');
    expect(evals.length).toBe(3);
    const first = events.find((e) => e.type === 'start');
    expect(first).toBeDefined();
    const uniform = Math.log(Vocabulary.fromText(SMALL_TEXT).size);
    const last = evals[evals.length - 1]!;
    if (last.type !== 'eval') throw new Error('unreachable');
    expect(last.valLoss).toBeLessThan(uniform * 0.8);
  });

  it('is deterministic: the same config gives the same losses to the last bit', async () => {
    const losses = async (): Promise<number[]> =>
      (await collect(trainer({ steps: 30, cell: 'lstm', dropout: 0.3, layers: 2 }))).flatMap((e) =>
        e.type === 'step' ? [e.loss] : [],
      );
    expect(await losses()).toEqual(await losses());
  });

  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    it(`resume equals an uninterrupted run bit for bit (${cell}, batch 3, dropout, adam)`, async () => {
      const overrides: Partial<TrainConfig> = {
        cell,
        layers: 2,
        dropout: 0.25,
        batchSize: 3,
        optimizer: 'adam',
        lr: 0.01,
        seqLength: 5,
        sampleEvery: 7,
        sampleLength: 10,
        evalEvery: 10,
        valFraction: 0.1,
      };
      const straight = trainer({ ...overrides, steps: 40 });
      await collect(straight);

      const first = trainer({ ...overrides, steps: 23 }, SMALL_TEXT, { checkpointPeriodic: true });
      let saved: Uint8Array | undefined;
      await collect(first, (bytes) => (saved = bytes));
      const checkpoint = decodeCheckpoint(saved!);
      expect(checkpoint.training?.step).toBe(23);
      const resumed = trainer({ ...overrides, steps: 40 }, SMALL_TEXT, { resume: checkpoint });
      const events = await collect(resumed);
      expect(events.find((e) => e.type === 'step')?.step).toBe(24);
      straight.model.params.list.forEach((p, i) => {
        expect(Array.from(resumed.model.params.list[i]!.value), p.name).toEqual(Array.from(p.value));
      });
    });
  }

  it('stops with "diverged" and a message naming the step when the loss becomes NaN', async () => {
    const t = trainer({ steps: 10 });
    t.model.params.get('decoder.bias').value[0] = Number.NaN;
    const events = await collect(t);
    const done = events[events.length - 1]!;
    expect(done).toMatchObject({ type: 'done', reason: 'diverged', message: 'loss became NaN at step 1', step: 0 });
  });

  it('reports trainLoss: the mean per-character loss of the steps since the previous step event', async () => {
    const every = (await collect(trainer({ steps: 12, logEvery: 1 }))).filter((e): e is StepEvent => e.type === 'step');
    const fours = (await collect(trainer({ steps: 12, logEvery: 4 }))).filter((e): e is StepEvent => e.type === 'step');
    expect(fours.map((e) => e.step)).toEqual([4, 8, 12]);
    for (const e of fours) {
      const window = every.slice(e.step - 4, e.step).map((s) => s.loss);
      const mean = window.reduce((a, b) => a + b, 0) / window.length;
      expect(Math.abs(e.trainLoss! - mean)).toBeLessThanOrEqual(1e-12 * mean);
    }
    // A step event per step: the mean of one step is its own loss.
    for (const e of every) expect(e.trainLoss).toBe(e.loss);
  });

  it('a run stopped by its time limit completes and says so in its done event', async () => {
    // The fake clock advances 1 ms per read: 0.05 s is reached after a handful of steps.
    const events = await collect(trainer({ steps: 100_000, maxSeconds: 0.05 }));
    const done = events.at(-1)!;
    expect(done).toMatchObject({ type: 'done', reason: 'completed' });
    if (done.type !== 'done') throw new Error('unreachable');
    expect(done.step).toBeLessThan(100_000);
    expect(done.message).toBe(`stopped at the time limit: 0.05 s (max-seconds), step ${done.step} of 100000`);
  });

  it('stop() ends the run after the current step with reason "interrupted"', async () => {
    const t = trainer({ steps: 1000 });
    const events = [];
    for await (const e of t.run()) {
      events.push(e);
      if (e.type === 'step' && e.step === 5) t.stop();
    }
    expect(events[events.length - 1]).toMatchObject({ type: 'done', reason: 'interrupted', step: 5 });
  });

  it('writes a checkpoint that round-trips weights, vocabulary and cell', async () => {
    const t = trainer({ steps: 5, cell: 'gru', layers: 2 });
    await collect(t);
    const checkpoint = decodeCheckpoint(t.checkpointBytes());
    expect(checkpoint.model).toMatchObject({
      cell: 'gru',
      layers: 2,
      hiddenSize: 16,
      vocabSize: t.vocab.size,
      dtype: 'f64',
    });
    expect(checkpoint.vocab.toJSON()).toEqual(t.vocab.toJSON());
    for (const p of t.model.params.list)
      expect(Array.from(checkpoint.tensors.get(p.name)!.data as Float64Array)).toEqual(Array.from(p.value));
  });
});
