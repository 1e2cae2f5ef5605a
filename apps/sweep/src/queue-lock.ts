// How soon a dead worker's trial moves to another worker, and what a short lock risks. A worker holds
// a lock on each job it runs and renews it every third of its duration; when a worker dies, its locks
// run out and another worker's stalled-job check moves the job back to the queue. From a kill -9 to the
// trial resuming elsewhere therefore takes the lock's remaining time (⅔ to all of it) plus at most one
// check interval: 7–11 s with the default 10 s lock. Shorter is quicker to recover but riskier: a
// worker that cannot reach Redis, or whose event loop is stuck, for longer than two renewals (⅔ of the
// lock) loses its trial to another worker — correct still (the zombie's writes cannot undo newer ones,
// see queue-redis.ts), but the trial's work since its last checkpoint is done twice.

/** --lock-seconds' default, for charrnn-worker and for the workers charrnn-sweep --queue starts. */
export const DEFAULT_LOCK_SECONDS = 10;

/** --lock-seconds as both commands take it (each adds its own help): one flag name, bounds and default. */
export const LOCK_SECONDS_FLAG = {
  flag: 'lock-seconds',
  kind: 'number',
  min: 1,
  max: 3600,
  default: DEFAULT_LOCK_SECONDS,
} as const;

/** A stalled check moves only jobs whose lock is gone, so checking often never takes a live trial. */
const STALLED_CHECK_MS = 1000;

/** BullMQ Worker options for a lock of `lockMs` milliseconds. */
export function lockOptions(lockMs: number): { lockDuration: number; lockRenewTime: number; stalledInterval: number } {
  return {
    lockDuration: lockMs,
    // Two renewals may be missed (a Redis restart, a long pause) before the lock is lost.
    lockRenewTime: Math.round(lockMs / 3),
    // Each worker runs the check this often; BullMQ lets one run per interval across all of them.
    stalledInterval: Math.min(STALLED_CHECK_MS, lockMs),
  };
}
