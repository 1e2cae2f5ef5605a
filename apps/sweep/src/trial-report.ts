// What a queue worker writes to Redis while one session of a trial runs: its training events (in
// batches, event-batch.ts), its checkpoints (at most every --checkpoint-seconds, checkpoint-uploads.ts)
// and its rung questions, in the order the coordinator needs — a checkpoint's marker after the events it
// covers, a rung question after the evaluation it is about. Every write is issued at once on the
// worker's one connection (so Redis applies them in that order) and handed to `track`, which the job
// waits on before it reports its outcome.

import type { TrainingEvent } from '@charrnn/report';
import { createCheckpointUploads } from './checkpoint-uploads.js';
import { createEventBatch } from './event-batch.js';
import { entryFields, type StreamEntry } from './queue-protocol.js';
import {
  storeCheckpoint,
  sweepKeys,
  type CheckpointKind,
  type CheckpointLock,
  type CheckpointWriter,
} from './queue-redis.js';
import type { Redis } from 'ioredis';

export interface TrialReport {
  event(event: TrainingEvent): void;
  checkpoint(kind: CheckpointKind, step: number, bytes: Uint8Array): void;
  rung(rung: number, step: number, value: number): void;
  /** Writes what is held back: the last events, the final and best checkpoints. */
  end(): void;
}

export interface TrialReportOptions {
  readonly redis: Redis & CheckpointWriter;
  readonly sweep: string;
  readonly trial: string;
  readonly session: number;
  /** Least time between checkpoint uploads (0: each one). */
  readonly checkpointMs: number;
  /** The job's lock: checkpoints are stored only while this worker holds it. */
  readonly lock: CheckpointLock;
  /** Said once when a checkpoint was not stored because the lock had gone to another worker. */
  readonly notice: (line: string) => void;
  readonly track: (write: Promise<unknown>) => void;
}

export function createTrialReport(options: TrialReportOptions): TrialReport {
  const { redis, sweep, trial, session, track } = options;
  const keys = sweepKeys(sweep);
  const base = { trial, session } as const;
  let fenced = false;
  const append = (entry: StreamEntry): Promise<unknown> => redis.xadd(keys.events, '*', ...entryFields(entry));

  // Events in batches, with the newest step for --status.
  const events = createEventBatch<TrainingEvent>((batch) => {
    const pipeline = redis.pipeline();
    for (const event of batch) pipeline.xadd(keys.events, '*', ...entryFields({ kind: 'event', ...base, event }));
    const step = batch.findLast((event) => event.type === 'step')?.step;
    if (step !== undefined) pipeline.hset(keys.trial(trial), { step, updated: Date.now() });
    track(pipeline.exec().then(firstError));
  });
  const uploads = createCheckpointUploads(
    options.checkpointMs,
    () => performance.now(),
    (kind, step, bytes) => {
      events.flush(); // the marker follows the events it covers
      const marker = entryFields({ kind: 'checkpoint', ...base, checkpoint: kind, step });
      track(
        storeCheckpoint(redis, sweep, trial, kind, step, bytes, marker, options.lock).then((result) => {
          if (result === 'lock lost' && !fenced)
            options.notice(
              `notice: ${trial} of sweep ${sweep}: checkpoints are no longer stored, another worker has taken the trial over (this one lost its lock)`,
            );
          fenced ||= result === 'lock lost';
        }),
      );
    },
  );

  return {
    event(event) {
      events.add(event);
      // The coordinator times the trial from its start event (wall_s): that one goes at once.
      if (event.type === 'start') events.flush();
    },
    checkpoint: (kind, step, bytes) => uploads.offer(kind, step, bytes),
    rung(rung, step, value) {
      events.flush(); // the coordinator records the evaluation before it answers
      track(append({ kind: 'rung', ...base, rung, step, value }));
    },
    end() {
      events.flush();
      uploads.flush();
    },
  };
}

/** A pipeline's replies carry each command's error; a failed write is reported like any other. */
function firstError(replies: [Error | null, unknown][] | null): void {
  const failed = replies?.find(([error]) => error !== null);
  if (failed) throw failed[0];
}
