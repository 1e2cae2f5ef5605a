// Shared by this package's specs: a deterministic fake clock and a run-to-completion helper.

import type { TrainingEvent } from '@charrnn/report';
import type { Trainer } from './trainer.js';

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
