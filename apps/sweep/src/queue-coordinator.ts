// charrnn-sweep --queue: where the sweep lives in Redis (its key, remembered in DIR/queue.json so
// --resume reattaches to the same jobs), the queue executor, and the local workers --workers N starts.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UsageError, writeFileAtomic } from '@charrnn/cli';
import { expandTrials, sweepIdentity, type SweepSpec, type TrialExecutor } from '@charrnn/sweep';
import { createQueueExecutor } from './queue-executor.js';
import { SWEEP_KEY, type TrialJob } from './queue-protocol.js';
import { PASSWORD_ENV, QUEUE_NAME, parseQueueUrl, sha256 } from './queue-redis.js';

export interface QueueSetupOptions {
  readonly url: string;
  readonly env: Record<string, string | undefined>;
  readonly out: string;
  readonly resume: boolean;
  readonly spec: SweepSpec;
  readonly specText: string;
  readonly text: string;
  readonly kernels: TrialJob['kernels'];
  /** What --kernels gives on this machine (chooseKernels' name). */
  readonly expectedKernels: string;
  /** Worker processes to start here (0: coordinate only). */
  readonly localWorkers: number;
  readonly lockSeconds: number;
  readonly checkpointSeconds: number;
  /** --max-trials, passed on to the local workers (which refuse larger specs). */
  readonly maxTrials: number;
  readonly notice: (line: string) => void;
}

export interface QueueSetup {
  readonly executor: TrialExecutor;
  /** For the start line, e.g. "queue redis://host:6379 (sweep grid-1a2b3c4d), 2 local worker(s)". */
  readonly label: string;
  close(): Promise<void>;
}

/** What DIR/queue.json holds: no password, ever. */
export interface QueueFile {
  readonly url: string;
  readonly queue: string;
  readonly sweepKey: string;
}

/**
 * DIR/queue.json, or null when there is none. A file that is not one (edited, truncated, another
 * tool's) is a usage error naming it: the sweep's key in Redis cannot be guessed.
 */
export function readQueueFile(out: string): QueueFile | null {
  const path = join(out, 'queue.json');
  if (!existsSync(path)) return null;
  const hint = `it names the sweep's key in Redis: restore it (e.g. {"url":"redis://HOST:6379","queue":"${QUEUE_NAME}","sweepKey":"<key from charrnn-worker's log>"}), or start the sweep again in a new --out directory`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON (${(error as Error).message})`, hint);
  }
  const file = QUEUE_FILE_SCHEMA.safeParse(parsed);
  if (!file.success) {
    const issue = file.error.issues[0]!;
    throw new UsageError(
      `${path} is not a charrnn queue file: ${issue.path.join('.') || 'file'} ${issue.message}`,
      hint,
    );
  }
  return file.data;
}

const QUEUE_FILE_SCHEMA = z.object({
  url: z
    .string({ error: 'must be the Redis URL' })
    .regex(/^rediss?:\/\/[\x21-\x7e]*$/, { error: 'must be a redis:// URL' }),
  queue: z.string().default(QUEUE_NAME),
  sweepKey: z
    .string({ error: 'must be the sweep key' })
    .regex(SWEEP_KEY, { error: 'must be a sweep key like grid-1a2b3c4d' }),
});

export function setUpQueue(options: QueueSetupOptions): QueueSetup {
  const address = parseQueueUrl(options.url, options.env);
  // A new sweep gets a new key (a second run of the same spec must not find the first one's results);
  // --resume finds the key in the directory. Writing it before anything is enqueued means a killed
  // coordinator always leaves it behind. A directory that already holds a sweep is refused later, by runSweep.
  const stored = options.resume ? readQueueFile(options.out) : null;
  const holdsSweep = existsSync(join(options.out, 'spec.json'));
  const sweepKey = stored?.sweepKey ?? `${slug(options.spec.name ?? 'sweep')}-${randomBytes(4).toString('hex')}`;
  if (!stored && (options.resume || !holdsSweep)) {
    const file: QueueFile = { url: address.display, queue: QUEUE_NAME, sweepKey };
    mkdirSync(options.out, { recursive: true });
    writeFileAtomic(join(options.out, 'queue.json'), `${JSON.stringify(file, null, 2)}\n`);
  }
  const executor = createQueueExecutor({
    address,
    sweepKey,
    text: options.text,
    trials: expandTrials(options.spec).map((trial) => trial.id),
    expectedKernels: options.expectedKernels,
    slots: Math.max(1, options.spec.trials),
    notice: options.notice,
    job: {
      v: 1,
      sweep: sweepKey,
      specText: options.specText,
      kernels: options.kernels,
      identity: sha256(sweepIdentity(options.spec, options.text)),
      data: { sha256: sha256(options.text), chars: options.text.length },
    },
  });
  const workers = options.localWorkers > 0 ? startLocalWorker(address.display, options) : null;
  return {
    executor,
    label: `queue ${address.display} (sweep ${sweepKey}), ${options.localWorkers} local worker(s)`,
    async close() {
      await executor.close();
      if (workers) await stopChild(workers);
    },
  };
}

/** One charrnn-worker process with --concurrency N beside this coordinator; the password goes by environment, not argv. */
function startLocalWorker(display: string, options: QueueSetupOptions): ChildProcess {
  const entry = fileURLToPath(new URL('./charrnn-worker.js', import.meta.url));
  const password = parseQueueUrl(options.url, options.env).options.password;
  const child = spawn(
    process.execPath,
    [
      entry,
      '--queue',
      display,
      '--concurrency',
      String(options.localWorkers),
      '--lock-seconds',
      String(options.lockSeconds),
      '--checkpoint-seconds',
      String(options.checkpointSeconds),
      '--max-trials',
      String(options.maxTrials),
    ],
    {
      env: { ...process.env, ...(password ? { [PASSWORD_ENV]: password } : {}) },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) options.notice(`local worker: ${line}`);
  });
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'sweep'
  );
}
