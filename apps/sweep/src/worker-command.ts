// charrnn-worker: joins every sweep on a Redis and runs its trials until SIGINT/SIGTERM, when it
// hands its running trials back (each after saving a checkpoint) and exits 128 + the signal.

import {
  EXIT_INTERRUPTED,
  EXIT_OK,
  UsageError,
  formatHelp,
  parseFlags,
  type CommandIo,
  type FlagSpec,
} from '@charrnn/cli';
import { DEFAULT_MAX_TRIALS, printable } from '@charrnn/sweep';
import { CHECKPOINT_SECONDS_FLAG } from './checkpoint-uploads.js';
import { LOCK_SECONDS_FLAG } from './queue-lock.js';
import { startQueueWorker } from './queue-worker.js';
import { PASSWORD_ENV, QUEUE_NAME, parseQueueUrl } from './queue-redis.js';
import { checkRedis } from './redis-check.js';

const NAME = 'charrnn-worker';
const USAGE = `${NAME} --queue redis://HOST:PORT[/DB] [--concurrency N]`;
const DESCRIPTION = `Runs charrnn sweep trials from a Redis queue (started by charrnn-sweep --queue), each on its own worker thread, streaming events and checkpoints back. The password may be in the URL or in ${PASSWORD_ENV}.`;

export const WORKER_FLAGS = {
  queue: {
    flag: 'queue',
    kind: 'string',
    placeholder: 'URL',
    help: `Redis to take trials from: redis://[:PASSWORD@]HOST:PORT[/DB], or rediss:// for TLS (password also from ${PASSWORD_ENV})`,
  },
  concurrency: {
    flag: 'concurrency',
    kind: 'int',
    min: 1,
    max: 256,
    default: 1,
    help: 'trials run at once, each on its own worker thread (one per core is right for training)',
  },
  checkpointSeconds: {
    ...CHECKPOINT_SECONDS_FLAG,
    help: "send a trial's checkpoints to Redis at most this often: the newest when due, the final and best ones at its end (0: every one, at saveEvery steps); a killed worker's trial resumes from the last one sent",
  },
  lockSeconds: {
    ...LOCK_SECONDS_FLAG,
    help: 'how long a trial of a dead worker waits before another worker takes it over (BullMQ lock duration; shorter recovers sooner, but a worker cut off from Redis for ⅔ of it loses its trial)',
  },
  maxTrials: {
    flag: 'max-trials',
    kind: 'int',
    min: 1,
    default: DEFAULT_MAX_TRIALS,
    help: "refuse a job whose spec has more trials than this, before expanding it (a spec of a few lines can multiply out to billions; raise it with the coordinator's --max-trials)",
  },
  name: {
    flag: 'name',
    kind: 'string',
    placeholder: 'NAME',
    help: 'how charrnn-sweep --status shows this worker (default: host:pid)',
  },
} satisfies Record<string, FlagSpec>;

export async function workerCommand(io: CommandIo): Promise<number> {
  const flags = parseFlags(io.argv, WORKER_FLAGS);
  if (flags.help) {
    io.stdout.write(formatHelp(USAGE, DESCRIPTION, WORKER_FLAGS));
    return EXIT_OK;
  }
  const v = flags.values;
  if (typeof v.queue !== 'string')
    throw new UsageError(
      '--queue URL is required (the Redis the sweep coordinator uses)',
      `e.g. ${NAME} --queue redis://localhost:6379`,
    );
  if (typeof v.name === 'string' && (v.name === '' || printable(v.name) !== v.name || v.name.length > 200))
    throw new UsageError(
      `--name must be 1 to 200 printable characters, got ${JSON.stringify(v.name)}`,
      'the coordinator and --status print it',
    );
  const address = parseQueueUrl(v.queue, io.env);
  const concurrency = v.concurrency as number;
  // A fault that will not fix itself ends the worker here (exit 2); a Redis not up yet is waited for.
  await checkRedis(address, { waitForServer: true, notice: (line) => void io.stderr.write(`${line}\n`) });
  const worker = startQueueWorker({
    address,
    concurrency,
    lockMs: Math.round((v.lockSeconds as number) * 1000),
    checkpointMs: Math.round((v.checkpointSeconds as number) * 1000),
    maxTrials: v.maxTrials as number,
    ...(typeof v.name === 'string' ? { name: v.name } : {}),
    log: (line) => void io.stdout.write(`${line}\n`),
    notice: (line) => void io.stderr.write(`${line}\n`),
  });
  io.stdout.write(
    `${NAME} ${worker.name}: taking trials from ${address.display} (queue ${QUEUE_NAME}), ${concurrency} at a time; Ctrl-C hands running trials back\n`,
  );
  await new Promise<void>((resolve) => {
    io.onInterrupt(() => resolve());
  });
  io.stdout.write(`${NAME} ${worker.name}: stopping; running trials save a checkpoint and go back to the queue\n`);
  await worker.close();
  return EXIT_INTERRUPTED;
}
