// charrnn-sweep --status DIR: one line per trial — the coordinator's record (DIR/trials/<id>/record.json)
// and, for a queued sweep, the job's state in Redis, the worker running it and its step. A trial no
// worker runs shows as pending; what Redis holds (worker names) is printed with control characters escaped.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { UsageError, type CommandIo } from '@charrnn/cli';
import { RecordError, parseTrialRecord, printable, type TrialRecord } from '@charrnn/sweep';
import { readQueueFile, type QueueFile } from './queue-coordinator.js';
import { QUEUE_NAME, connect, jobId, parseQueueUrl, sweepKeys } from './queue-redis.js';
import { checkRedis } from './redis-check.js';

/** What Redis says about a trial of a queued sweep. */
interface LiveTrial {
  readonly state: string;
  readonly worker: string;
  readonly step: string;
}

/** BullMQ states of a job no worker holds: its trial waits for one. */
const WAITING_STATES = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children', 'not queued']);

export async function showStatus(io: CommandIo, dir: string, queueUrl: string | undefined): Promise<void> {
  if (!existsSync(join(dir, 'spec.json'))) throw new UsageError(`${dir} holds no sweep (spec.json is missing)`);
  const trialsDir = join(dir, 'trials');
  const ids = existsSync(trialsDir)
    ? readdirSync(trialsDir)
        .filter((d) => /^t\d+$/.test(d))
        .sort()
    : [];
  const records = readRecords(trialsDir, ids);
  const file = readQueueFile(dir);
  if (file) {
    const { display, live } = await readLive(io, file, queueUrl, ids);
    io.stdout.write(`sweep ${file.sweepKey} on ${display} (queue ${printable(file.queue)})\n`);
    writeTable(io, statusRows(ids, records, live));
  } else {
    io.stdout.write(`sweep in ${dir} (local executor; no queue.json)\n`);
    writeTable(io, statusRows(ids, records, new Map()));
  }
}

/** Each trial's record.json; one that cannot be read is a usage error naming it. */
function readRecords(trialsDir: string, ids: readonly string[]): Map<string, TrialRecord> {
  const records = new Map<string, TrialRecord>();
  for (const id of ids) {
    const path = join(trialsDir, id, 'record.json');
    if (!existsSync(path)) continue;
    try {
      records.set(id, parseTrialRecord(readFileSync(path, 'utf8'), id));
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      throw new UsageError(
        `${path} ${error.message}`,
        `restore it, or delete it (charrnn-sweep --resume then runs trial ${id} again from its start)`,
      );
    }
  }
  return records;
}

async function readLive(
  io: CommandIo,
  file: QueueFile,
  queueUrl: string | undefined,
  ids: readonly string[],
): Promise<{ display: string; live: Map<string, LiveTrial> }> {
  const address = parseQueueUrl(queueUrl ?? file.url, io.env);
  await checkRedis(address, { waitForServer: false, notice: (line) => void io.stderr.write(`${line}\n`) });
  const redis = connect(address, (line) => void io.stderr.write(`${line}\n`), {
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  const queue = new Queue(QUEUE_NAME, {
    connection: { ...address.options, maxRetriesPerRequest: 1, retryStrategy: () => null },
  });
  queue.on('error', () => undefined);
  const live = new Map<string, LiveTrial>();
  try {
    const keys = sweepKeys(file.sweepKey);
    for (const id of ids) {
      const [state, info] = await Promise.all([
        queue.getJobState(jobId(file.sweepKey, id)),
        redis.hgetall(keys.trial(id)),
      ]);
      live.set(id, {
        state: state === 'unknown' ? 'not queued' : state,
        worker: info['worker'] ?? '-',
        step: info['step'] ? `${info['step']}/${info['totalSteps'] ?? '?'}` : '-',
      });
    }
  } catch (error) {
    throw new UsageError(
      `cannot read the sweep's state from ${address.display}: ${printable((error as Error).message)}`,
      'is Redis running, and is the password set (URL or CHARRNN_REDIS_PASSWORD)?',
    );
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
  return { display: address.display, live };
}

/**
 * The table: header, then one row per trial. A trial waiting for a worker is "pending" — not
 * "running" at step 0 because the coordinator has handed it to the queue, nor running under the
 * worker that handed it back.
 */
export function statusRows(
  ids: readonly string[],
  records: ReadonlyMap<string, TrialRecord>,
  live: ReadonlyMap<string, LiveTrial>,
): string[][] {
  const rows = [['id', 'record', 'queue', 'worker', 'step', 'best_val_bpc']];
  for (const id of ids) {
    const record = records.get(id);
    const queued = live.get(id);
    const waiting = queued !== undefined && WAITING_STATES.has(queued.state);
    const status = record?.status ?? 'pending';
    const bpc = record?.bestValLoss !== undefined ? (record.bestValLoss / Math.LN2).toFixed(4) : '-';
    const recordStep = record && status !== 'pending' ? `${record.steps}/${record.totalSteps}` : '-';
    rows.push([
      id,
      waiting && status === 'running' ? 'pending' : status,
      queued?.state ?? '-',
      queued && !waiting ? queued.worker : '-',
      queued && queued.step !== '-' ? queued.step : recordStep,
      bpc,
    ]);
  }
  return rows.map((row) => row.map(printable));
}

function writeTable(io: CommandIo, rows: readonly string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows)
    io.stdout.write(
      `${row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd()}\n`,
    );
}
