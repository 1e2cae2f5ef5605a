// The coordinator's side of a distributed sweep: a TrialExecutor that puts each trial on the BullMQ
// queue (job id = sweep key + trial id, so a second coordinator run never enqueues it twice) and
// turns the sweep's event stream back into the callbacks runSweep expects. It reads the stream from
// its start, so a coordinator started again with --resume replays what workers reported meanwhile.
//
// Events are passed on only up to a checkpoint ("committed"): if a worker dies, the events it sent
// after its last checkpoint are dropped, and the worker that resumes from that checkpoint sends them
// again. So log.csv gets each row once, in order, whichever workers ran the trial. Rung questions are
// answered at once and the answer is stored once (SET NX): a resumed trial gets the same decision.

import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TrainingEvent } from '@charrnn/report';
import { decodeCheckpoint } from '@charrnn/train';
import type { TrialCallbacks, TrialExecutor, TrialOutcome, TrialTask } from '@charrnn/sweep';
import { entryFields, parseEntry, type StreamEntry, type TrialJob } from './queue-protocol.js';
import {
  QUEUE_NAME,
  connect,
  dataKey,
  jobId,
  latestCheckpointStep,
  readCheckpoint,
  storeCheckpoint,
  sweepKeys,
  withCheckpointScript,
  type QueueAddress,
} from './queue-redis.js';

export interface QueueExecutorOptions {
  readonly address: QueueAddress;
  readonly sweepKey: string;
  /** The job template: everything but the trial id. */
  readonly job: Omit<TrialJob, 'trial'>;
  readonly text: string;
  /** The kernels this coordinator chose for the sweep's --kernels: a worker on others is said once. */
  readonly expectedKernels: string;
  /** How many trials may be out at once: all of them (the workers decide how many run). */
  readonly slots: number;
  readonly notice: (line: string) => void;
}

/** Order of a trial's events at one step, as the trainer emits them (see Trainer.run). */
const RANK = {
  eval: 0,
  bestMarker: 1,
  checkpointEvent: 2,
  step: 3,
  sample: 4,
  lastMarker: 5,
  lateCheckpointEvent: 6,
  done: 7,
} as const;

interface Position {
  readonly step: number;
  readonly rank: number;
}

const after = (a: Position, b: Position): boolean => a.step > b.step || (a.step === b.step && a.rank > b.rank);

type Buffered = Position & ({ readonly event: TrainingEvent } | { readonly best: number });

/** Follows one trial's entries for one executor.run call. */
class TrialFollower {
  private committed: Position;
  private startSent = false;
  private readonly buffer = new Map<string, Buffered>();
  private readonly askedRungs = new Set<number>();
  private settled = false;
  /** The step of the best checkpoint last written (the final one need not be read again). */
  private bestWritten = -1;

  constructor(
    private readonly task: TrialTask,
    private readonly callbacks: TrialCallbacks,
    private readonly redis: Redis,
    private readonly sweepKey: string,
    private readonly settle: (outcome: TrialOutcome) => void,
    resumeStep: number,
  ) {
    this.committed = { step: resumeStep, rank: RANK.lastMarker };
  }

  private chain: Promise<void> = Promise.resolve();

  get done(): boolean {
    return this.settled;
  }

  /** Entries are handled one after another, in stream order, each after the previous one's writes. */
  push(entry: StreamEntry): void {
    this.chain = this.chain
      .then(() => this.handle(entry))
      .catch((error: Error) =>
        this.finishWith({ status: 'error', message: `following the trial failed: ${error.message}` }),
      );
  }

  private async handle(entry: StreamEntry): Promise<void> {
    if (this.settled) return;
    if (entry.kind === 'event') this.onEvent(entry.event);
    else if (entry.kind === 'checkpoint') {
      if (entry.checkpoint === 'best')
        this.hold(`best:${entry.step}`, { step: entry.step, rank: RANK.bestMarker, best: entry.step });
      else await this.commit(entry.step);
    } else if (entry.kind === 'rung') await this.onRung(entry.rung, entry.step, entry.value);
    else if (entry.kind === 'outcome') await this.finish(entry.outcome);
  }

  finishWith(outcome: TrialOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(outcome);
  }

  private onEvent(event: TrainingEvent): void {
    if (event.type === 'start') {
      // The first session's start sets the trial's size; later sessions' starts repeat it.
      if (!this.startSent) this.callbacks.onEvent(event);
      this.startSent = true;
      return;
    }
    const rank =
      event.type === 'checkpoint'
        ? event.reason === 'best'
          ? RANK.checkpointEvent
          : RANK.lateCheckpointEvent
        : RANK[event.type];
    this.hold(`${event.type}:${event.step}:${event.type === 'checkpoint' ? event.reason : ''}`, {
      step: event.step,
      rank,
      event,
    });
  }

  /** Keeps an entry until a checkpoint covers it; the first copy wins (a zombie and its successor send the same). */
  private hold(key: string, item: Buffered): void {
    if (!after(item, this.committed) || this.buffer.has(key)) return;
    this.buffer.set(key, item);
  }

  /** A "last" checkpoint at `step` exists: everything up to it is final. */
  private async commit(step: number): Promise<void> {
    const upTo = { step, rank: RANK.lastMarker };
    if (!after(upTo, this.committed)) return;
    await this.flush(upTo);
    const bytes = await readCheckpoint(this.redis, this.sweepKey, this.task.id, 'last', step);
    if (bytes) await this.callbacks.onCheckpoint('last', step, bytes.bytes);
    this.committed = upTo;
  }

  private async flush(upTo: Position): Promise<void> {
    const ready = [...this.buffer.entries()]
      .filter(([, item]) => !after(item, upTo))
      .sort(([, a], [, b]) => a.step - b.step || a.rank - b.rank);
    for (const [key, item] of ready) {
      this.buffer.delete(key);
      if ('event' in item) this.callbacks.onEvent(item.event);
      else await this.writeBest(item.best);
    }
  }

  /** Writes the best checkpoint at `step` (default: the newest) unless it is the one already written. */
  private async writeBest(step?: number): Promise<void> {
    const at = step ?? (await latestCheckpointStep(this.redis, this.sweepKey, this.task.id, 'best'));
    if (at === null || at === this.bestWritten) return;
    const best = await readCheckpoint(this.redis, this.sweepKey, this.task.id, 'best', at);
    if (!best) return;
    await this.callbacks.onCheckpoint('best', at, best.bytes);
    this.bestWritten = at;
  }

  private async onRung(rung: number, step: number, value: number): Promise<void> {
    if (this.askedRungs.has(rung) || step <= this.committed.step) return;
    this.askedRungs.add(rung);
    const key = sweepKeys(this.sweepKey).rung(this.task.id, rung);
    // Record the value either way (the record and the scheduler need it); the stored decision wins.
    const proceed = await this.callbacks.onRung(rung, step, value);
    await this.redis.set(key, proceed ? '1' : '0', 'NX');
  }

  private async finish(outcome: TrialOutcome): Promise<void> {
    await this.flush({ step: Number.POSITIVE_INFINITY, rank: 0 });
    // The final checkpoints: whatever is newest (the outcome comes after the last marker).
    await this.writeBest();
    const last = await readCheckpoint(this.redis, this.sweepKey, this.task.id, 'last');
    if (last && last.step > this.committed.step) await this.callbacks.onCheckpoint('last', last.step, last.bytes);
    this.finishWith(outcome);
  }
}

export function createQueueExecutor(options: QueueExecutorOptions): TrialExecutor {
  const { address, sweepKey, notice } = options;
  const keys = sweepKeys(sweepKey);
  const redis = withCheckpointScript(connect(address, notice));
  // XREAD BLOCK holds its connection; the reader gets its own.
  const reader = connect(address, () => undefined);
  const queue = new Queue(QUEUE_NAME, { connection: address.options });
  queue.on('error', () => undefined); // the connections above already report outages
  const followers = new Map<string, TrialFollower>();
  const backlog = new Map<string, StreamEntry[]>();
  let closed = false;

  const ready = (async () => {
    const hash = options.job.data.sha256;
    await redis.set(dataKey(hash), options.text, 'NX');
  })();

  const enqueue = async (trial: string): Promise<void> => {
    const job: TrialJob = { ...options.job, trial };
    await queue.add('trial', job, { jobId: jobId(sweepKey, trial), removeOnComplete: false, removeOnFail: false });
  };

  const enqueued = new Set<string>();
  const otherKernels = new Set<string>();
  const dispatch = (entry: StreamEntry): void => {
    if (entry.kind === 'session' && entry.kernels && entry.kernels !== options.expectedKernels) {
      const key = `${entry.worker}:${entry.kernels}`;
      if (!otherKernels.has(key))
        notice(
          `notice: worker ${entry.worker} runs kernels ${entry.kernels}, this machine ${options.expectedKernels}: its trials may differ from a local run in the last bits (build the native gemm on every machine or on none for identical numbers)`,
        );
      otherKernels.add(key);
    }
    const follower = followers.get(entry.trial);
    if (follower) follower.push(entry);
    else {
      const list = backlog.get(entry.trial) ?? [];
      list.push(entry);
      backlog.set(entry.trial, list);
    }
  };

  /** A job that failed without an outcome (e.g. stalled too often) ends its trial; a lost one is enqueued again. */
  const checkJobs = async (): Promise<void> => {
    for (const [trial, follower] of followers) {
      if (follower.done) {
        followers.delete(trial);
        continue;
      }
      if (!enqueued.has(trial)) continue;
      const state = await queue.getJobState(jobId(sweepKey, trial));
      if (state === 'failed') {
        const job = await queue.getJob(jobId(sweepKey, trial));
        // Let the stream catch up first: a refusal writes its outcome before failing the job.
        const outcome = await lastOutcome(trial);
        follower.finishWith(outcome ?? { status: 'error', message: job?.failedReason ?? 'the job failed' });
        followers.delete(trial);
      } else if (state === 'unknown') {
        notice(
          `notice: trial ${trial}'s job is gone from Redis (was Redis restarted without persistence?); enqueuing it again`,
        );
        await ready;
        await redis.set(dataKey(options.job.data.sha256), options.text, 'NX');
        await enqueue(trial);
      }
    }
  };

  const lastOutcome = async (trial: string): Promise<TrialOutcome | null> => {
    const entries = (await redis.xrevrange(keys.events, '+', '-', 'COUNT', 200)) as [string, string[]][];
    for (const [, fields] of entries) {
      const entry = parseEntry(fields);
      if (entry?.kind === 'outcome' && entry.trial === trial) return entry.outcome;
    }
    return null;
  };

  // One reader for the whole sweep, from the stream's start; entries for trials nobody follows yet wait in the backlog.
  const readLoop = (async () => {
    let lastId = '0';
    let lastCheck = 0;
    while (!closed) {
      try {
        const result = (await reader.xread('COUNT', 500, 'BLOCK', 1000, 'STREAMS', keys.events, lastId)) as
          | [string, [string, string[]][]][]
          | null;
        for (const [id, fields] of result?.[0]?.[1] ?? []) {
          lastId = id;
          const entry = parseEntry(fields);
          if (entry) dispatch(entry);
        }
        if (Date.now() - lastCheck > 2000) {
          lastCheck = Date.now();
          await checkJobs();
        }
      } catch (error) {
        if (closed) break;
        notice(`notice: reading the sweep's events failed (${(error as Error).message}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  })();

  const run = async (task: TrialTask, callbacks: TrialCallbacks): Promise<TrialOutcome> => {
    await ready;
    let resumeStep = 0;
    if (task.resume) {
      // A checkpoint on disk (say, from a local run) goes to Redis, unless Redis has a newer one.
      const training = decodeCheckpoint(task.resume).training;
      resumeStep = training?.step ?? 0;
      await storeCheckpoint(
        redis,
        sweepKey,
        task.id,
        'last',
        resumeStep,
        task.resume,
        entryFields({ kind: 'checkpoint', trial: task.id, session: 0, checkpoint: 'last', step: resumeStep }),
      );
    }
    return new Promise<TrialOutcome>((resolve) => {
      const follower = new TrialFollower(
        task,
        callbacks,
        redis,
        sweepKey,
        (outcome) => {
          callbacks.signal.removeEventListener('abort', detach);
          resolve(outcome);
        },
        resumeStep,
      );
      // Ctrl-C on the coordinator detaches: workers go on, and --resume picks up what they report.
      const detach = (): void => {
        followers.delete(task.id);
        follower.finishWith({ status: 'interrupted' });
      };
      callbacks.signal.addEventListener('abort', detach);
      if (callbacks.signal.aborted) return detach();
      followers.set(task.id, follower);
      for (const entry of backlog.get(task.id) ?? []) follower.push(entry);
      backlog.delete(task.id);
      enqueue(task.id).then(
        () => void enqueued.add(task.id),
        (error: Error) =>
          follower.finishWith({ status: 'error', message: `could not enqueue the trial: ${error.message}` }),
      );
    });
  };

  return {
    slots: options.slots,
    run,
    async close() {
      closed = true;
      for (const follower of followers.values()) follower.finishWith({ status: 'interrupted' });
      reader.disconnect();
      await readLoop;
      await queue.close();
      redis.disconnect();
    },
  };
}
