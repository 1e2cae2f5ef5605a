// A running trial's events go to the sweep's Redis stream in batches, not one by one. A 2,000-step
// trial reports 30–40 events in half a second; written one by one, each is a socket write in the
// worker, a command in Redis and a wake-up of the coordinator, all competing with training for the
// cores. Batched every quarter second they are a few pipelines per trial. Nothing waits on them but
// --status (a quarter second later) and the coordinator's log rows (which wait for a checkpoint anyway).
// Anything whose order matters — a checkpoint's marker, a rung question, the outcome — flushes first.

/** How long an event may wait for others before its batch is written. */
export const EVENT_BATCH_MS = 250;

export interface EventBatch<E> {
  add(entry: E): void;
  /** Writes what waits now (before a write that must follow these events). */
  flush(): void;
}

export function createEventBatch<E>(write: (entries: readonly E[]) => void, waitMs = EVENT_BATCH_MS): EventBatch<E> {
  let waiting: E[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (waiting.length === 0) return;
    const entries = waiting;
    waiting = [];
    write(entries);
  };
  return {
    add(entry) {
      waiting.push(entry);
      timer ??= setTimeout(flush, waitMs);
    },
    flush,
  };
}
