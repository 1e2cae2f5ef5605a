// charrnn-sweep --status DIR: one line per trial — the coordinator's record (DIR/trials/<id>/record.json)
// and, for a queued sweep, the job's state in Redis, the worker running it and its step.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { UsageError, type CommandIo } from '@charrnn/cli';
import type { TrialRecord } from '@charrnn/sweep';
import { readQueueFile } from './queue-coordinator.js';
import { QUEUE_NAME, connect, jobId, parseQueueUrl, sweepKeys } from './queue-redis.js';
import { checkRedis } from './redis-check.js';

export async function showStatus(io: CommandIo, dir: string, queueUrl: string | undefined): Promise<void> {
  if (!existsSync(join(dir, 'spec.json'))) throw new UsageError(`${dir} holds no sweep (spec.json is missing)`);
  const trialsDir = join(dir, 'trials');
  const ids = existsSync(trialsDir)
    ? readdirSync(trialsDir)
        .filter((d) => /^t\d+$/.test(d))
        .sort()
    : [];
  const records = new Map<string, TrialRecord>();
  for (const id of ids) {
    const path = join(trialsDir, id, 'record.json');
    if (existsSync(path)) records.set(id, JSON.parse(readFileSync(path, 'utf8')) as TrialRecord);
  }
  const file = readQueueFile(dir);
  const live = new Map<string, { state: string; worker: string; step: string }>();
  if (file) {
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
        `cannot read the sweep's state from ${address.display}: ${(error as Error).message}`,
        'is Redis running, and is the password set (URL or CHARRNN_REDIS_PASSWORD)?',
      );
    } finally {
      await queue.close().catch(() => undefined);
      redis.disconnect();
    }
    io.stdout.write(`sweep ${file.sweepKey} on ${address.display} (queue ${file.queue})\n`);
  } else io.stdout.write(`sweep in ${dir} (local executor; no queue.json)\n`);

  const rows = [['id', 'record', 'queue', 'worker', 'step', 'best_val_bpc']];
  for (const id of ids) {
    const record = records.get(id);
    const queued = live.get(id);
    const bpc = record?.bestValLoss !== undefined ? (record.bestValLoss / Math.LN2).toFixed(4) : '-';
    rows.push([
      id,
      record?.status ?? 'pending',
      queued?.state ?? '-',
      queued?.worker ?? '-',
      queued?.step ?? (record ? `${record.steps}/${record.totalSteps}` : '-'),
      bpc,
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows)
    io.stdout.write(
      `${row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd()}\n`,
    );
}
