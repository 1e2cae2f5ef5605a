// How often a queue worker sends a trial's checkpoints to Redis. A trial makes one at every saveEvery
// steps (and a "best" one at every new best evaluation); locally each becomes a file, but on the queue
// each is a transfer to Redis, a copy in Redis's memory and append-only file, and a download by the
// coordinator. Short trials with a short saveEvery make several per second: measured on this machine
// (`npm run bench:sweep`), uploading every one of them cost 4–5 % of the training speed; uploading
// none, 0 %. So a worker sends the newest "last" checkpoint at most once per interval, with the newest
// "best" before it, and whatever it holds when the trial ends (its final checkpoint, its best).
//
// What that trades: a worker killed mid-trial has its trial resumed from the last checkpoint it sent,
// up to one interval older than the last one it made; the trial's numbers are the same either way
// (resuming is exact), only that much work is done again.

import type { CheckpointKind } from './queue-redis.js';

/** --checkpoint-seconds' default: below the lock's 10 s, so a takeover costs at most about twice the lock. */
export const DEFAULT_CHECKPOINT_SECONDS = 5;

/** --checkpoint-seconds as charrnn-worker and charrnn-sweep --queue take it (each adds its own help). */
export const CHECKPOINT_SECONDS_FLAG = {
  flag: 'checkpoint-seconds',
  kind: 'number',
  min: 0,
  max: 3600,
  default: DEFAULT_CHECKPOINT_SECONDS,
} as const;

export interface CheckpointUploads {
  /** A checkpoint the trial made: sent now when due (or when the interval is 0), else kept until then. */
  offer(kind: CheckpointKind, step: number, bytes: Uint8Array): void;
  /** Sends what is kept (the trial has ended or is handed back). */
  flush(): void;
}

/**
 * `send` is called in the order checkpoints must reach Redis: a kept "best" before the "last" it
 * travels with. `clock` is in milliseconds; the interval starts with the trial.
 */
export function createCheckpointUploads(
  intervalMs: number,
  clock: () => number,
  send: (kind: CheckpointKind, step: number, bytes: Uint8Array) => void,
): CheckpointUploads {
  const kept = new Map<CheckpointKind, { step: number; bytes: Uint8Array }>();
  let lastSent = clock();
  const flush = (): void => {
    for (const kind of ['best', 'last'] as const) {
      const checkpoint = kept.get(kind);
      if (checkpoint) send(kind, checkpoint.step, checkpoint.bytes);
    }
    kept.clear();
    lastSent = clock();
  };
  return {
    offer(kind, step, bytes) {
      // Only the newest of a kind matters: an older one is never resumed from or reported.
      kept.set(kind, { step, bytes });
      if (intervalMs === 0 || (kind === 'last' && clock() - lastSent >= intervalMs)) flush();
    },
    flush,
  };
}
