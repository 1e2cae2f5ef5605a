// Shared by this package's specs: a deterministic fake clock and a run-to-completion helper.

import type { TrainingEvent } from '@charrnn/report';
import { resolveTrainConfig, type TrainConfig } from './config.js';
import { prepareData } from './data.js';
import { Trainer, type TrainerOptions } from './trainer.js';

export function fakeClock(stepMs = 1): () => number {
  let now = 0;
  return () => (now += stepMs);
}

/** Runs the trainer to the end, collecting its events; checkpoint events capture the bytes. */
export async function collect(
  trainer: Trainer,
  onCheckpoint?: (bytes: Uint8Array, step: number) => void,
): Promise<TrainingEvent[]> {
  const events: TrainingEvent[] = [];
  for await (const event of trainer.run()) {
    events.push(event);
    if (event.type === 'checkpoint' && onCheckpoint) onCheckpoint(trainer.checkpointBytes(), event.step);
  }
  return events;
}

export const SMALL_TEXT =
  'the quick brown fox jumps over the lazy dog. a stitch in time saves nine. ' +
  'all that glitters is not gold. the early bird catches the worm. ' +
  'the quick brown fox jumps over the lazy dog again and again and again. ';

/** A small, fast f64 run on SMALL_TEXT: H=12, T=6, a step event every step, no evaluation or samples unless asked. */
export function smallTrainer(
  overrides: Partial<TrainConfig>,
  extra: Partial<TrainerOptions> = {},
  text = SMALL_TEXT,
): Trainer {
  const config = resolveTrainConfig({
    hidden: 12,
    seqLength: 6,
    evalEvery: 0,
    sampleEvery: 0,
    logEvery: 1,
    dtype: 'f64',
    ...overrides,
  });
  return new Trainer({
    config,
    data: prepareData(text, config.valFraction, config.seqLength, config.batchSize),
    clock: fakeClock(),
    ...extra,
  });
}
