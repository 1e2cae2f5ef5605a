// The trainer's schedules, weight decay and early stopping: rates as the schedule says, and a
// resumed run that equals an uninterrupted one bit for bit, plateau memory and patience included.

import { describe, expect, it } from 'vitest';
import type { DoneEvent, StepEvent, TrainingEvent } from '@charrnn/report';
import { decodeCheckpoint } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import type { Trainer } from './trainer.js';
import { collect, smallTrainer as trainer } from './test-helpers.js';

const steps = (events: TrainingEvent[]): StepEvent[] => events.filter((e): e is StepEvent => e.type === 'step');

describe('Trainer with schedules', () => {
  it('uses the scheduled rate at every step (cosine after warmup)', async () => {
    const events = await collect(
      trainer({ steps: 20, optimizer: 'adam', lr: 0.01, lrSchedule: 'cosine', warmup: 4, lrMinFactor: 0.1 }),
    );
    const lrs = steps(events).map((s) => s.lr);
    expect(lrs[0]).toBeCloseTo(0.0025, 15);
    expect(lrs[3]).toBeCloseTo(0.01, 15);
    expect(lrs[19]).toBeCloseTo(0.001, 15);
    for (let i = 4; i < 19; i++) expect(lrs[i + 1]!).toBeLessThan(lrs[i]!);
  });

  it('weight decay changes the weights of a run', async () => {
    const plain = trainer({ steps: 5, optimizer: 'adam', lr: 0.01 });
    const decayed = trainer({ steps: 5, optimizer: 'adam', lr: 0.01, weightDecay: 0.5 });
    await collect(plain);
    await collect(decayed);
    const norm = (t: Trainer): number =>
      Array.from(t.model.params.get('rnn.weight_hh_l0').value).reduce((s, v) => s + v * v, 0);
    expect(norm(decayed)).toBeLessThan(norm(plain));
  });

  it('stops early after `patience` evaluations without a new best, and says so', async () => {
    // A tiny text with a big model overfits within a few hundred steps.
    const events = await collect(
      trainer({ steps: 2000, hidden: 32, optimizer: 'adam', lr: 0.02, evalEvery: 20, patience: 3, valFraction: 0.2 }),
    );
    const done = events[events.length - 1] as DoneEvent;
    expect(done.reason).toBe('completed');
    expect(done.step).toBeLessThan(2000);
    expect(done.message).toMatch(/^stopped early: no better validation loss in 3 evaluations \(best \d\.\d{4} bpc\)$/);
    const evals = events.flatMap((e) => (e.type === 'eval' ? [e.valLoss] : []));
    const best = Math.min(...evals);
    expect(done.bestValLoss).toBe(best);
    expect(evals.indexOf(best)).toBe(evals.length - 4);
  });

  for (const lrSchedule of ['cosine', 'linear', 'step', 'plateau'] as const) {
    it(`resume equals an uninterrupted run bit for bit (${lrSchedule}, warmup, weight decay, patience, weight drop, weight average)`, async () => {
      const overrides: Partial<TrainConfig> = {
        cell: 'lstm',
        dropout: 0.2,
        batchSize: 2,
        optimizer: 'adam',
        lr: 0.02,
        lrSchedule,
        warmup: 5,
        lrMinFactor: 0.05,
        lrDecay: 0.5,
        lrDecayEvery: 7,
        lrPatience: 1,
        weightDecay: 0.1,
        weightDrop: 0.3,
        emaDecay: 0.9,
        patience: 50,
        evalEvery: 3,
        valFraction: 0.15,
      };
      const straight = trainer({ ...overrides, steps: 36 });
      const straightEvents = await collect(straight);
      const first = trainer({ ...overrides, steps: 36 }, { checkpointPeriodic: true });
      let saved: Uint8Array | undefined;
      for await (const event of first.run()) {
        if (event.type === 'step' && event.step === 19) first.stop();
        if (event.type === 'checkpoint' && event.reason === 'final') saved = first.checkpointBytes();
      }
      const checkpoint = decodeCheckpoint(saved!);
      expect(checkpoint.training?.step).toBe(19);
      const resumed = trainer({ ...overrides, steps: 36 }, { resume: checkpoint });
      const resumedEvents = await collect(resumed);
      expect(steps(resumedEvents).map((s) => [s.step, s.lr, s.loss])).toEqual(
        steps(straightEvents)
          .slice(19)
          .map((s) => [s.step, s.lr, s.loss]),
      );
      straight.model.params.list.forEach((p, i) =>
        expect(Array.from(resumed.model.params.list[i]!.value), p.name).toEqual(Array.from(p.value)),
      );
      straight.servedModel.params.list.forEach((p, i) =>
        expect(Array.from(resumed.servedModel.params.list[i]!.value), `average ${p.name}`).toEqual(Array.from(p.value)),
      );
    });
  }
});
