// The coordinator's side of a distributed sweep: a TrialExecutor that puts each trial on the BullMQ
// queue (job id = sweep key + trial id, so a second coordinator run never enqueues it twice) and
// turns the sweep's event stream back into the callbacks runSweep expects (queue-follower.ts, one
// per running trial). It reads the stream from its start, so a coordinator started again with
// --resume replays what workers reported meanwhile. Rung questions are answered at once and the
// answer is stored once (SET NX): a resumed trial gets the same decision.
//
// What it keeps is bounded by the sweep, not by what is in Redis: entries for trials the sweep does
// not have are refused (counted, said once); for a trial not followed yet (its run() has not come, or
// it finished before this coordinator started) only the stream ids of its first and last entry are
// kept, and its follower reads them again from Redis when it starts.

import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Vocabulary } from '@charrnn/corpus';
import { decodeCheckpoint, type TrainConfig } from '@charrnn/train';
import { printable, type TrialCallbacks, type TrialExecutor, type TrialOutcome, type TrialTask } from '@charrnn/sweep';
import { sweepVocabulary, trialCheckpointProblem } from './queue-checkpoint-check.js';
import { TrialFollower } from './queue-follower.js';
import { entryFields, parseEntry, type StreamEntry, type TrialJob } from './queue-protocol.js';
import {
  QUEUE_NAME,
  connect,
  dataKey,
  jobId,
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
  /** Every trial id of the sweep: entries for any other are refused. */
  readonly trials: readonly string[];
  /** The kernels this coordinator chose for the sweep's --kernels: a worker on others is said once. */
  readonly expectedKernels: string;
  /** How many trials may be out at once: all of them (the workers decide how many run). */
  readonly slots: number;
  readonly notice: (line: string) => void;
}

/** How many stream entries one XREAD or XRANGE returns at most. */
const READ_COUNT = 500;
/** How often the coordinator looks at its jobs' states (a job that failed without an outcome, a lost one). */
const JOB_CHECK_MS = 2000;

/** Stream ids of a trial's first and last entry not handed to a follower yet. */
interface Backlog {
  first: string;
  last: string;
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
  const refusals = createRefusalCount(sweepKey, notice);
  const router = createEntryRouter(options, followers, refusals.refuse);
  const checkpointCheck = createCheckpointCheck(options.text);
  let closed = false;

  const ready = redis.set(dataKey(options.job.data.sha256), options.text, 'NX');
  const enqueued = new Set<string>();
  const enqueue = async (trial: string): Promise<void> => {
    const job: TrialJob = { ...options.job, trial };
    await queue.add('trial', job, { jobId: jobId(sweepKey, trial), removeOnComplete: false, removeOnFail: false });
  };
  const checkJobs = createJobCheck({ queue, redis, sweepKey, followers, enqueued, notice, enqueueAgain });
  async function enqueueAgain(trial: string): Promise<void> {
    await ready;
    await redis.set(dataKey(options.job.data.sha256), options.text, 'NX');
    await enqueue(trial);
  }

  // One reader for the whole sweep, from the stream's start.
  const readLoop = (async () => {
    let lastId = '0';
    let lastCheck = 0;
    while (!closed) {
      try {
        const result = (await reader.xread('COUNT', READ_COUNT, 'BLOCK', 1000, 'STREAMS', keys.events, lastId)) as
          | [string, [string, string[]][]][]
          | null;
        for (const [id, fields] of result?.[0]?.[1] ?? []) {
          lastId = id;
          router.route(id, fields);
        }
        if (Date.now() - lastCheck > JOB_CHECK_MS) {
          lastCheck = Date.now();
          await checkJobs();
        }
      } catch (error) {
        if (closed) break;
        notice(`notice: reading the sweep's events failed (${printable((error as Error).message)}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  })();

  /** A checkpoint on disk (say, from a local run) goes to Redis, unless Redis has a newer one; its step. */
  const uploadResume = async (task: TrialTask, bytes: Uint8Array): Promise<number> => {
    const step = decodeCheckpoint(bytes).training?.step ?? 0;
    const marker = entryFields({ kind: 'checkpoint', trial: task.id, session: 0, checkpoint: 'last', step });
    await storeCheckpoint(redis, sweepKey, task.id, 'last', step, bytes, marker, null);
    return step;
  };

  const run = async (task: TrialTask, callbacks: TrialCallbacks): Promise<TrialOutcome> => {
    await ready;
    const resumeStep = task.resume ? await uploadResume(task, task.resume) : 0;
    return new Promise<TrialOutcome>((resolve) => {
      const follower = new TrialFollower({
        task,
        callbacks,
        redis,
        sweepKey,
        resumeStep,
        settle: (outcome) => {
          callbacks.signal.removeEventListener('abort', detach);
          resolve(outcome);
        },
        checkCheckpoint: (bytes, step) => checkpointCheck(bytes, task.config, step),
        refuse: refusals.refuse,
      });
      // Ctrl-C on the coordinator detaches: workers go on, and --resume picks up what they report.
      const detach = (): void => {
        followers.delete(task.id);
        follower.finishWith({ status: 'interrupted' });
      };
      callbacks.signal.addEventListener('abort', detach);
      if (callbacks.signal.aborted) return detach();
      followers.set(task.id, follower);
      router.replayBacklog(task.id, follower, redis);
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
      refusals.summarize();
    },
  };
}

/** Counts refused stream entries; the first is said with its reason, the total at the end. */
function createRefusalCount(sweepKey: string, notice: (line: string) => void) {
  let count = 0;
  return {
    refuse(trial: string, problem: string): void {
      count++;
      if (count === 1)
        notice(
          `notice: ignored an entry in sweep ${sweepKey}'s Redis stream that breaks the queue protocol (${trial}: ${printable(problem)}); from a worker of another version, a zombie worker, or someone writing to Redis — later ones are counted`,
        );
    },
    summarize(): void {
      if (count > 1) notice(`notice: ignored ${count} stream entries in all that broke the queue protocol`);
    },
  };
}

/**
 * Parses each stream entry and hands it to its trial's follower; for trials not followed yet it keeps
 * the range of stream ids to read again. Says once which worker runs other kernels than here.
 */
function createEntryRouter(
  options: QueueExecutorOptions,
  followers: ReadonlyMap<string, TrialFollower>,
  refuse: (trial: string, problem: string) => void,
) {
  const known = new Set(options.trials);
  const backlog = new Map<string, Backlog>();
  const otherKernels = new Set<string>();
  const keys = sweepKeys(options.sweepKey);

  const noticeKernels = (entry: StreamEntry): void => {
    if (entry.kind !== 'session' || !entry.kernels || entry.kernels === options.expectedKernels) return;
    const key = `${entry.worker}:${entry.kernels}`;
    if (!otherKernels.has(key))
      options.notice(
        `notice: worker ${entry.worker} runs kernels ${entry.kernels}, this machine ${options.expectedKernels}: its trials may differ from a local run in the last bits (build the native gemm on every machine or on none for identical numbers)`,
      );
    otherKernels.add(key);
  };

  return {
    route(id: string, fields: readonly string[]): void {
      const parsed = parseEntry(fields);
      if ('problem' in parsed) {
        refuse(parsed.trial ?? '?', parsed.problem);
        return;
      }
      const { entry } = parsed;
      if (!known.has(entry.trial)) {
        refuse(entry.trial, 'a trial this sweep does not have');
        return;
      }
      noticeKernels(entry);
      const follower = followers.get(entry.trial);
      if (follower) follower.push(entry);
      else {
        const range = backlog.get(entry.trial);
        if (range) range.last = id;
        else backlog.set(entry.trial, { first: id, last: id });
      }
    },

    /** A new follower first gets the entries of its trial that came before it, read again from Redis. */
    replayBacklog(trial: string, follower: TrialFollower, redis: Redis): void {
      const range = backlog.get(trial);
      backlog.delete(trial);
      if (!range) return;
      follower.after(async () => {
        let from = range.first;
        for (;;) {
          const page = (await redis.xrange(keys.events, from, range.last, 'COUNT', READ_COUNT)) as [string, string[]][];
          for (const [, fields] of page) {
            const parsed = parseEntry(fields);
            // Refused entries were counted on the first read.
            if ('entry' in parsed && parsed.entry.trial === trial) await follower.receive(parsed.entry);
          }
          if (page.length < READ_COUNT) return;
          from = `(${page.at(-1)![0]}`;
        }
      });
    },
  };
}

/** Checks checkpoint bytes against a trial; the sweep text's vocabulary is built once per unit. */
function createCheckpointCheck(text: string) {
  const vocabularies = new Map<TrainConfig['unit'], Vocabulary>();
  return (bytes: Uint8Array, config: TrainConfig, step: number): string | null => {
    let vocab = vocabularies.get(config.unit);
    if (!vocab) {
      vocab = sweepVocabulary(text, config.unit);
      vocabularies.set(config.unit, vocab);
    }
    return trialCheckpointProblem(bytes, { config, vocab, step });
  };
}

interface JobCheckOptions {
  readonly queue: Queue;
  readonly redis: Redis;
  readonly sweepKey: string;
  readonly followers: Map<string, TrialFollower>;
  readonly enqueued: ReadonlySet<string>;
  readonly notice: (line: string) => void;
  readonly enqueueAgain: (trial: string) => Promise<void>;
}

/** A job that failed without an outcome (e.g. stalled too often) ends its trial; a lost one is enqueued again. */
function createJobCheck(options: JobCheckOptions): () => Promise<void> {
  const { queue, sweepKey, followers } = options;
  const events = sweepKeys(sweepKey).events;
  const lastOutcome = async (trial: string): Promise<TrialOutcome | null> => {
    const entries = (await options.redis.xrevrange(events, '+', '-', 'COUNT', 200)) as [string, string[]][];
    for (const [, fields] of entries) {
      const parsed = parseEntry(fields);
      if ('entry' in parsed && parsed.entry.kind === 'outcome' && parsed.entry.trial === trial)
        return parsed.entry.outcome;
    }
    return null;
  };
  return async () => {
    for (const [trial, follower] of followers) {
      if (follower.done) {
        followers.delete(trial);
        continue;
      }
      if (!options.enqueued.has(trial)) continue;
      const state = await queue.getJobState(jobId(sweepKey, trial));
      if (state === 'failed') {
        const job = await queue.getJob(jobId(sweepKey, trial));
        // Let the stream catch up first: a refusal writes its outcome before failing the job.
        const outcome = await lastOutcome(trial);
        follower.finishWith(
          outcome ?? { status: 'error', message: printable(job?.failedReason ?? 'the job failed').slice(0, 4000) },
        );
        followers.delete(trial);
      } else if (state === 'unknown') {
        options.notice(
          `notice: trial ${trial}'s job is gone from Redis (was Redis restarted without persistence?); enqueuing it again`,
        );
        await options.enqueueAgain(trial);
      }
    }
  };
}
