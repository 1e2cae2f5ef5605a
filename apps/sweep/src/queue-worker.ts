// The queue worker (charrnn-worker): a BullMQ Worker that takes trial jobs from Redis and runs each
// on the same worker threads (and so the same runTrial) as a local sweep. The main thread
// only moves messages, so BullMQ's lock renewals are never starved by training (BullMQ #1497).
// Events and checkpoints go to Redis while the trial runs (trial-report.ts); a trial resumes from the
// latest checkpoint there, whichever worker ran it before; on SIGINT/SIGTERM running trials are handed back.
// What a job may ask for is checked in worker-trials.ts; the threads live in worker-pools.ts.

import { hostname } from 'node:os';
import { WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_MAX_TRIALS, printable, type TrialOutcome, type TrialTask } from '@charrnn/sweep';
import { sweepVocabulary, trialCheckpointProblem } from './queue-checkpoint-check.js';
import { lockOptions } from './queue-lock.js';
import { createTrialReport, type TrialReport } from './trial-report.js';
import { createKernelPools, type KernelPools } from './worker-pools.js';
import { Refusal, createTrialSource, type PreparedTrial, type TrialSource } from './worker-trials.js';
import { JOB_SCHEMA, entryFields, type StreamEntry, type TrialJob } from './queue-protocol.js';
import {
  QUEUE_NAME,
  connect,
  readCheckpoint,
  sweepKeys,
  withCheckpointScript,
  type CheckpointWriter,
  type QueueAddress,
} from './queue-redis.js';

export interface QueueWorkerOptions {
  readonly address: QueueAddress;
  /** Trials run at once, each on its own worker thread. */
  readonly concurrency: number;
  /** BullMQ lock duration: how long a dead worker's trial waits before another worker takes it over (see queue-lock.ts). */
  readonly lockMs: number;
  /** Least time between a trial's checkpoint uploads (see checkpoint-uploads.ts); 0 sends every one. */
  readonly checkpointMs: number;
  /** Jobs whose spec has more trials are refused before it is expanded (default DEFAULT_MAX_TRIALS). */
  readonly maxTrials?: number;
  /** Shown by --status; default host:pid. */
  readonly name?: string;
  /** Progress lines (a trial taken, resumed, finished, refused). */
  readonly log: (line: string) => void;
  /** One-line notices (connection lost, kernel fallback). */
  readonly notice: (line: string) => void;
  readonly workerUrl?: URL;
}

export interface QueueWorker {
  readonly name: string;
  /** Stops taking trials, hands the running ones back (after their checkpoint), and disconnects. */
  close(): Promise<void>;
}

/** Where a session of a trial starts: its number, and the checkpoint it resumes from. */
interface Session {
  readonly number: number;
  readonly resume: { step: number; bytes: Uint8Array } | null;
}

/** What the steps of a job share: the worker's connection, trials, pools, and its writes in flight. */
interface WorkerContext {
  readonly name: string;
  readonly options: QueueWorkerOptions;
  readonly redis: Redis & CheckpointWriter;
  readonly trials: TrialSource;
  readonly pools: KernelPools;
  /** Abort controllers of the running trials (SIGTERM aborts them: they hand their trials back). */
  readonly running: Set<AbortController>;
  readonly closing: () => boolean;
  /** Progress lines, with control characters escaped. */
  log(line: string): void;
  /** A write issued now and waited for before the job reports its outcome. */
  track(write: Promise<unknown>): void;
  /** Waits for every tracked write. */
  settled(): Promise<unknown>;
}

export function startQueueWorker(options: QueueWorkerOptions): QueueWorker {
  const redis = withCheckpointScript(connect(options.address, options.notice));
  // Writes are issued in order on one connection and not awaited one by one (training goes on);
  // the job waits for all of them before it reports its outcome.
  const pending = new Set<Promise<unknown>>();
  let closing = false;
  const context: WorkerContext = {
    name: options.name ?? `${hostname()}:${process.pid}`,
    options,
    redis,
    trials: createTrialSource(redis, options.maxTrials ?? DEFAULT_MAX_TRIALS),
    pools: createKernelPools(options),
    running: new Set(),
    closing: () => closing,
    log: (line) => options.log(printable(line)),
    track(write) {
      const p = write
        .catch((error: Error) => options.notice(`notice: a Redis write failed (${printable(error.message)})`))
        .finally(() => pending.delete(p));
      pending.add(p);
    },
    settled: () => Promise.all([...pending]),
  };
  const worker = new Worker(QUEUE_NAME, (job, token) => processJob(context, job, token), {
    connection: options.address.options,
    concurrency: options.concurrency,
    name: context.name,
    ...lockOptions(options.lockMs),
    // Kills are expected; a trial that stalls this often is failing for a reason of its own.
    maxStalledCount: 20,
  });
  worker.on('error', (error) => options.notice(`notice: queue: ${printable(error.message)}`));

  return {
    name: context.name,
    async close() {
      closing = true;
      for (const controller of context.running) controller.abort();
      await worker.close();
      await context.pools.close();
      await context.settled();
      redis.disconnect();
    },
  };
}

const report = (context: WorkerContext, job: TrialJob, entry: StreamEntry): Promise<unknown> =>
  context.redis.xadd(sweepKeys(job.sweep).events, '*', ...entryFields(entry));

/** Validates the job, runs it, and turns a refusal into an outcome the coordinator sees and a failed job. */
async function processJob(context: WorkerContext, job: Job, token?: string): Promise<TrialOutcome> {
  const { name, log } = context;
  const parsed = JOB_SCHEMA.safeParse(job.data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'job'}: ${i.message}`).join('; ');
    log(`refused job ${job.id}: not a charrnn trial (${problems})`);
    throw new Refusal(`refused by ${name}: invalid job (${printable(problems)})`);
  }
  const spec = parsed.data;
  try {
    const trial = await context.trials.prepare(spec);
    return await runJob(context, job, token, spec, trial);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    log(`refused ${spec.trial} of sweep ${spec.sweep}: ${error.message}`);
    const message = `refused by ${name}: ${printable(error.message)}`;
    await report(context, spec, {
      kind: 'outcome',
      trial: spec.trial,
      session: 0,
      outcome: { status: 'error', message },
    });
    throw new Refusal(message);
  }
}

async function runJob(
  context: WorkerContext,
  job: Job,
  token: string | undefined,
  spec: TrialJob,
  prepared: PreparedTrial,
): Promise<TrialOutcome> {
  const session = await beginSession(context, spec, prepared);
  const controller = new AbortController();
  context.running.add(controller);
  if (context.closing()) controller.abort();
  const task: TrialTask = { ...prepared.task, ...(session.resume ? { resume: session.resume.bytes } : {}) };
  const reporting = createTrialReport({
    redis: context.redis,
    sweep: spec.sweep,
    trial: spec.trial,
    session: session.number,
    checkpointMs: context.options.checkpointMs,
    lock: { jobId: job.id!, token: token ?? '' },
    notice: context.options.notice,
    track: context.track,
  });
  let outcome: TrialOutcome;
  try {
    const fromStep = session.resume?.step ?? 0;
    outcome = await trainSession(context, spec, task, prepared.text, fromStep, reporting, controller.signal);
  } finally {
    context.running.delete(controller);
  }
  // The last events, then the final checkpoint and the best one if they were kept back, go before the outcome.
  reporting.end();
  await context.settled();
  return endSession(context, job, token, spec, session.number, outcome);
}

/** A new session of the trial: one round trip for its number and the newest checkpoint's step, one more for its bytes. */
async function beginSession(context: WorkerContext, spec: TrialJob, prepared: PreparedTrial): Promise<Session> {
  const { redis, name } = context;
  const keys = sweepKeys(spec.sweep);
  const trialKey = keys.trial(spec.trial);
  const [[countError, counted], [latestError, latest]] = (await redis
    .multi()
    .hincrby(trialKey, 'session', 1)
    .get(keys.latest(spec.trial, 'last'))
    .exec()) as [[Error | null, number], [Error | null, string | null]];
  if (countError ?? latestError) throw countError ?? latestError;
  const number = Number(counted);
  const resume = latest === null ? null : await readCheckpoint(redis, spec.sweep, spec.trial, 'last', Number(latest));
  if (resume) {
    // Redis is shared: what the worker resumes from must be this trial's checkpoint, as the coordinator checks.
    const { config } = prepared.task;
    const vocab = sweepVocabulary(prepared.text, config.unit);
    const problem = trialCheckpointProblem(resume.bytes, { config, vocab, step: resume.step });
    if (problem !== null)
      throw new Refusal(`the checkpoint in Redis at step ${resume.step} is not this trial's: ${problem}`);
  }
  const fromStep = resume?.step ?? 0;
  // Issued in order on this connection before any of the trial's events; not waited for one by one.
  context.track(
    redis.hset(trialKey, {
      worker: name,
      state: 'running',
      step: fromStep,
      totalSteps: prepared.task.config.steps,
      updated: Date.now(),
    }),
  );
  const kernels = context.pools.poolFor(spec.kernels).kernelsName;
  context.track(
    report(context, spec, { kind: 'session', trial: spec.trial, session: number, worker: name, fromStep, kernels }),
  );
  context.log(
    `${spec.trial} of sweep ${spec.sweep}: ${resume ? `resumed from step ${fromStep}` : 'started'} (session ${number})`,
  );
  return { number, resume };
}

/** Trains the session on a pool thread, unless a rung it resumes past says stop. */
async function trainSession(
  context: WorkerContext,
  spec: TrialJob,
  task: TrialTask,
  text: string,
  fromStep: number,
  reporting: TrialReport,
  signal: AbortSignal,
): Promise<TrialOutcome> {
  const { redis } = context;
  const keys = sweepKeys(spec.sweep);
  // A trial handed back while it waited at a rung resumes past it: wait for that decision here.
  const decided = await Promise.all(
    task.rungSteps
      .filter((step) => step <= fromStep)
      .map((_step, rung) => askRung(redis, keys.rung(spec.trial, rung), signal, () => undefined)),
  );
  if (signal.aborted) return { status: 'interrupted' };
  if (decided.includes(false)) return { status: 'stopped' };
  const release = context.trials.hold(spec.data.sha256);
  try {
    return await context.pools.poolFor(spec.kernels).run(text, task, {
      signal,
      onEvent: (event) => reporting.event(event),
      onCheckpoint: (kind, step, bytes) => reporting.checkpoint(kind, step, bytes),
      onRung: (rung, step, value) =>
        askRung(redis, keys.rung(spec.trial, rung), signal, () => reporting.rung(rung, step, value)),
    });
  } finally {
    release();
  }
}

/** After the session's writes: hand an interrupted trial back to the queue, or report its outcome. */
async function endSession(
  context: WorkerContext,
  job: Job,
  token: string | undefined,
  spec: TrialJob,
  session: number,
  outcome: TrialOutcome,
): Promise<TrialOutcome> {
  const trialKey = sweepKeys(spec.sweep).trial(spec.trial);
  if (outcome.status === 'interrupted') {
    // Hand the trial back: its final checkpoint is in Redis, the next worker resumes from it.
    await context.redis.hset(trialKey, { state: 'handed back', updated: Date.now() });
    context.log(`${spec.trial} of sweep ${spec.sweep}: handed back`);
    await job.moveToWait(token);
    throw new WaitingError();
  }
  await Promise.all([
    report(context, spec, { kind: 'outcome', trial: spec.trial, session, outcome }),
    context.redis.hset(trialKey, { state: outcome.status, updated: Date.now() }),
  ]);
  context.log(
    `${spec.trial} of sweep ${spec.sweep}: ${outcome.status}${outcome.message ? ` (${outcome.message})` : ''}`,
  );
  return outcome;
}

/**
 * The decision at a rung: the stored one if the trial has been here before (a resumed trial gets the
 * same answer), else ask the coordinator and wait, polling, for its answer (written once, SET NX).
 */
async function askRung(
  redis: Redis & CheckpointWriter,
  key: string,
  signal: AbortSignal,
  ask: () => void,
): Promise<boolean> {
  let answer = await redis.get(key);
  if (answer === null) ask();
  while (answer === null) {
    if (signal.aborted) return true; // the trial is stopping anyway; its checkpoint precedes this rung's decision
    await new Promise((resolve) => setTimeout(resolve, 100));
    answer = await redis.get(key);
  }
  return answer === '1';
}
