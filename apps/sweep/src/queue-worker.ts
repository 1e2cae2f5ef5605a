// The queue worker (charrnn-worker): a BullMQ Worker that takes trial jobs from Redis and runs each
// on the same worker threads (and so the same runTrial) as a local sweep. The main thread
// only moves messages, so BullMQ's lock renewals are never starved by training (BullMQ #1497).
// Events and checkpoints go to Redis while the trial runs (trial-report.ts); a trial resumes from the
// latest checkpoint there, whichever worker ran it before; on SIGINT/SIGTERM running trials are handed back.

import { hostname } from 'node:os';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  SpecError,
  expandTrials,
  parseSpecText,
  sweepIdentity,
  trialRungSteps,
  type TrialCallbacks,
  type TrialOutcome,
  type TrialTask,
} from '@charrnn/sweep';
import { chooseKernels } from '@charrnn/cli';
import { lockOptions } from './queue-lock.js';
import { createTrialReport } from './trial-report.js';
import { createWorkerPool, type WorkerPool } from './worker-executor.js';
import { JOB_SCHEMA, entryFields, type StreamEntry, type TrialJob } from './queue-protocol.js';
import {
  QUEUE_NAME,
  connect,
  dataKey,
  readCheckpoint,
  sha256,
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

/** Sweeps whose expanded trials a worker keeps (oldest forgotten first). */
const MAX_KNOWN_SWEEPS = 16;

/** A job the worker will not run; it fails at once (no retry) with this message. */
class Refusal extends UnrecoverableError {}

export function startQueueWorker(options: QueueWorkerOptions): QueueWorker {
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const redis = withCheckpointScript(connect(options.address, options.notice));
  const texts = new Map<string, string>();
  const running = new Set<AbortController>();
  let closing = false;

  const processJob = async (job: Job, token?: string): Promise<TrialOutcome> => {
    const parsed = JOB_SCHEMA.safeParse(job.data);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'job'}: ${i.message}`).join('; ');
      options.log(`refused job ${job.id}: not a charrnn trial (${problems})`);
      throw new Refusal(`refused by ${name}: invalid job (${problems})`);
    }
    const spec = parsed.data;
    try {
      const trial = await prepareTrial(spec);
      return await runJob(job, token, spec, trial);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      options.log(`refused ${spec.trial} of sweep ${spec.sweep}: ${error.message}`);
      await report(spec, {
        kind: 'outcome',
        trial: spec.trial,
        session: 0,
        outcome: { status: 'error', message: `refused by ${name}: ${error.message}` },
      });
      throw new Refusal(`refused by ${name}: ${error.message}`);
    }
  };

  /** Validates the job with the sweep spec's schema and finds its data; throws Refusal. */
  const prepareTrial = async (job: TrialJob): Promise<{ task: Omit<TrialTask, 'resume'>; text: string }> => {
    const trials = await checkedSweep(job);
    const trial = trials.get(job.trial);
    if (!trial) throw new Refusal(`the spec has no trial ${job.trial}`);
    return { task: trial, text: await loadText(job.data.sha256, job.data.chars) };
  };

  // A sweep's spec is parsed, checked against the coordinator's identity and expanded once per worker,
  // not once per trial: the identity hashes the whole training text.
  const sweeps = new Map<string, Map<string, Omit<TrialTask, 'resume'>>>();
  const checkedSweep = async (job: TrialJob): Promise<Map<string, Omit<TrialTask, 'resume'>>> => {
    const key = `${job.identity}:${job.data.sha256}:${sha256(job.specText)}`;
    const known = sweeps.get(key);
    if (known) return known;
    let spec;
    try {
      spec = parseSpecText(job.specText);
    } catch (error) {
      if (error instanceof SpecError) throw new Refusal(`invalid sweep spec: ${error.problems.join('; ')}`);
      throw error;
    }
    const text = await loadText(job.data.sha256, job.data.chars);
    if (sha256(sweepIdentity(spec, text)) !== job.identity) {
      throw new Refusal('this worker expands the spec differently from the coordinator (different charrnn versions?)');
    }
    const trials = new Map(
      expandTrials(spec).map((t) => [
        t.id,
        { id: t.id, config: t.config, metric: spec.metric, rungSteps: trialRungSteps(spec, t) },
      ]),
    );
    if (sweeps.size >= MAX_KNOWN_SWEEPS) sweeps.delete(sweeps.keys().next().value!);
    sweeps.set(key, trials);
    return trials;
  };

  const loadText = async (hash: string, chars: number): Promise<string> => {
    const cached = texts.get(hash);
    if (cached !== undefined) return cached;
    const bytes = await redis.getBuffer(dataKey(hash));
    if (!bytes) throw new Refusal(`the training text ${hash.slice(0, 12)}… is not in Redis`);
    if (sha256(bytes) !== hash)
      throw new Refusal(
        `the training text in Redis does not match its hash ${hash.slice(0, 12)}…; refusing to train on different data`,
      );
    const text = bytes.toString('utf8');
    if (text.length !== chars)
      throw new Refusal(`the training text has ${text.length} characters, the job says ${chars}`);
    texts.set(hash, text);
    return text;
  };

  // One pool of warm threads per --kernels preference the sweeps ask for: the default one starts
  // with the worker, so its first trial does not wait for threads to load. A sweep asking for other
  // kernels gets its own pool, and the idle pools of other kernels go (a worker runs `concurrency`
  // threads, not more). Threads are told the text of each trial they run, once per text.
  const pools = new Map<string, WorkerPool>();
  const poolFor = (kernels: string): WorkerPool => {
    let pool = pools.get(kernels);
    if (pool) return pool;
    for (const [other, idle] of pools) {
      if (idle.busy > 0) continue;
      pools.delete(other);
      void idle.close();
    }
    pool = createWorkerPool({
      workers: options.concurrency,
      kernels,
      // The same choice of kernels as every other command; the threads check theirs against it.
      expectedKernels: chooseKernels(kernels, options.notice).name,
      onNotice: options.notice,
      ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
    });
    pools.set(kernels, pool);
    return pool;
  };
  poolFor('auto');

  // Texts of the running trials, and the latest one (the next trial is most likely on it): a
  // long-lived worker does not keep every corpus it ever saw.
  const textsInUse = new Map<string, number>();
  const forgetIdleTexts = (keep: string): void => {
    for (const known of texts.keys()) if (known !== keep && !textsInUse.get(known)) texts.delete(known);
  };
  const runOnPool = async (
    hash: string,
    text: string,
    kernels: string,
    task: TrialTask,
    callbacks: TrialCallbacks,
  ): Promise<TrialOutcome> => {
    textsInUse.set(hash, (textsInUse.get(hash) ?? 0) + 1);
    forgetIdleTexts(hash);
    try {
      return await poolFor(kernels).run(text, task, callbacks);
    } finally {
      textsInUse.set(hash, textsInUse.get(hash)! - 1);
    }
  };

  // Writes are issued in order on one connection and not awaited one by one (training goes on);
  // the job waits for all of them before it reports its outcome.
  const pending = new Set<Promise<unknown>>();
  const track = (write: Promise<unknown>): void => {
    const p = write
      .catch((error: Error) => options.notice(`notice: a Redis write failed (${error.message})`))
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  const report = (job: TrialJob, entry: StreamEntry): Promise<unknown> =>
    redis.xadd(sweepKeys(job.sweep).events, '*', ...entryFields(entry));

  const runJob = async (
    job: Job,
    token: string | undefined,
    spec: TrialJob,
    prepared: { task: Omit<TrialTask, 'resume'>; text: string },
  ): Promise<TrialOutcome> => {
    const keys = sweepKeys(spec.sweep);
    const trialKey = keys.trial(spec.trial);
    // One round trip for the session number and the newest checkpoint's step, one more for its bytes.
    const [[countError, counted], [latestError, latest]] = (await redis
      .multi()
      .hincrby(trialKey, 'session', 1)
      .get(keys.latest(spec.trial, 'last'))
      .exec()) as [[Error | null, number], [Error | null, string | null]];
    if (countError ?? latestError) throw countError ?? latestError;
    const session = Number(counted);
    const resume = latest === null ? null : await readCheckpoint(redis, spec.sweep, spec.trial, 'last', Number(latest));
    const fromStep = resume?.step ?? 0;
    // Issued in order on this connection before any of the trial's events; not waited for one by one.
    track(
      redis.hset(trialKey, {
        worker: name,
        state: 'running',
        step: fromStep,
        totalSteps: prepared.task.config.steps,
        updated: Date.now(),
      }),
    );
    const kernels = poolFor(spec.kernels).kernelsName;
    track(report(spec, { kind: 'session', trial: spec.trial, session, worker: name, fromStep, kernels }));
    options.log(
      `${spec.trial} of sweep ${spec.sweep}: ${resume ? `resumed from step ${fromStep}` : 'started'} (session ${session})`,
    );

    const controller = new AbortController();
    running.add(controller);
    if (closing) controller.abort();
    const task: TrialTask = { ...prepared.task, ...(resume ? { resume: resume.bytes } : {}) };
    const base = { trial: spec.trial, session } as const;
    const reporting = createTrialReport({
      redis,
      sweep: spec.sweep,
      trial: spec.trial,
      session,
      checkpointMs: options.checkpointMs,
      track,
    });
    let outcome: TrialOutcome;
    try {
      // A trial handed back while it waited at a rung resumes past it: wait for that decision here.
      const decided = await Promise.all(
        task.rungSteps
          .filter((step) => step <= fromStep)
          .map((_step, rung) => askRung(redis, keys.rung(spec.trial, rung), controller.signal, () => undefined)),
      );
      if (controller.signal.aborted) outcome = { status: 'interrupted' };
      else if (decided.includes(false)) outcome = { status: 'stopped' };
      else
        outcome = await runOnPool(spec.data.sha256, prepared.text, spec.kernels, task, {
          signal: controller.signal,
          onEvent: (event) => reporting.event(event),
          onCheckpoint: (kind, step, bytes) => reporting.checkpoint(kind, step, bytes),
          onRung: (rung, step, value) =>
            askRung(redis, keys.rung(spec.trial, rung), controller.signal, () => reporting.rung(rung, step, value)),
        });
    } finally {
      running.delete(controller);
    }
    // The last events, then the final checkpoint and the best one if they were kept back, go before the outcome.
    reporting.end();
    await Promise.all([...pending]);
    if (outcome.status === 'interrupted') {
      // Hand the trial back: its final checkpoint is in Redis, the next worker resumes from it.
      await redis.hset(trialKey, { state: 'handed back', updated: Date.now() });
      options.log(`${spec.trial} of sweep ${spec.sweep}: handed back`);
      await job.moveToWait(token);
      throw new WaitingError();
    }
    await Promise.all([
      report(spec, { kind: 'outcome', ...base, outcome }),
      redis.hset(trialKey, { state: outcome.status, updated: Date.now() }),
    ]);
    options.log(
      `${spec.trial} of sweep ${spec.sweep}: ${outcome.status}${outcome.message ? ` (${outcome.message})` : ''}`,
    );
    return outcome;
  };

  const worker = new Worker(QUEUE_NAME, processJob, {
    connection: options.address.options,
    concurrency: options.concurrency,
    name,
    ...lockOptions(options.lockMs),
    // Kills are expected; a trial that stalls this often is failing for a reason of its own.
    maxStalledCount: 20,
  });
  worker.on('error', (error) => options.notice(`notice: queue: ${error.message}`));

  return {
    name,
    async close() {
      closing = true;
      for (const controller of running) controller.abort();
      await worker.close();
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      await Promise.all([...pending]);
      redis.disconnect();
    },
  };
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
