// Any process of a queued sweep may die, against a real redis-server: a worker killed with -9
// mid-trial (another takes the trial over from its last checkpoint), the coordinator killed with -9
// (--resume reattaches without enqueuing anything twice), Redis restarted mid-sweep (everyone
// reconnects). Each time the summary and the logs equal the local executor's.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fakeIo, runCommand } from '@charrnn/cli';
import { sweepCommand } from './sweep-command.js';
import {
  SWEEP_BUNDLE, describeWithRedis, logNumbers, startBundle, startRedis, startWorker, stopWorker, summaryNumbers, sweepKeyOf, trialStep, waitFor, workdir,
  type Child, type TestRedis,
} from './queue-test-support.js';

const TEXT = 'It was no dream. His room, a proper room for a human being, only somewhat too small, lay quietly between the four well-known walls. '.repeat(12);
// Two trials long enough to be killed part-way (checkpoints every 200 steps).
const SPEC = `
method: grid
data: data.txt
budget: { steps: 1200 }
base: { seqLength: 16, evalEvery: 200, logEvery: 50, saveEvery: 200 }
space:
  hidden: [16, 20]
`;
const TRIALS = ['t000', 't001'];

describeWithRedis('a queued sweep survives kill -9 and Redis restarts (real redis-server)', () => {
  let redis: TestRedis;
  let dir: string;
  let local: string;
  beforeAll(async () => {
    redis = await startRedis();
    dir = workdir(SPEC, TEXT);
    local = join(dir, 'local');
    const io = fakeIo([join(dir, 'spec.yaml'), '--out', local, '--executor', 'inline', '--workers', '1', '--kernels', 'reference']);
    expect(await runCommand('charrnn-sweep', sweepCommand, io), io.err()).toBe(0);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const coordinate = (out: string, ...extra: string[]): Child => startBundle(SWEEP_BUNDLE, [join(dir, 'spec.yaml'), '--out', out, '--queue', redis.url, '--workers', '0', '--kernels', 'reference', ...extra]);

  /** Waits until every trial has passed `step` (so each has a checkpoint to resume from). */
  const allPast = async (out: string, step: number): Promise<void> => {
    const client = redis.client();
    await waitFor(async () => {
      if (!existsSync(join(out, 'queue.json'))) return false;
      const steps = await Promise.all(TRIALS.map((id) => trialStep(client, sweepKeyOf(out), id)));
      return steps.every((s) => s > step);
    }, 60_000, `both trials past step ${step}`);
  };

  const expectSameAsLocal = (out: string): void => {
    expect(summaryNumbers(out)).toEqual(summaryNumbers(local));
    for (const id of TRIALS) expect(logNumbers(out, id), id).toEqual(logNumbers(local, id));
  };

  const sessions = async (out: string): Promise<number[]> => {
    const client = redis.client();
    return Promise.all(TRIALS.map(async (id) => Number(await client.hget(`charrnn:sweep:${sweepKeyOf(out)}:trial:${id}`, 'session'))));
  };

  it('kill -9 of a worker mid-trial: another worker resumes its trials from their last checkpoints, same final numbers', async () => {
    const out = join(dir, 'worker-killed');
    const coordinator = coordinate(out);
    const doomed = startWorker(redis.url, ['--concurrency', '2', '--lock-seconds', '3', '--name', 'doomed']);
    let rescuer: Child | null = null;
    try {
      await allPast(out, 250);
      doomed.process.kill('SIGKILL');
      await doomed.exited;
      rescuer = startWorker(redis.url, ['--concurrency', '2', '--lock-seconds', '3', '--name', 'rescuer']);
      expect(await coordinator.exited, coordinator.err()).toBe(0);
    } finally {
      await stopWorker(doomed);
      if (rescuer) await stopWorker(rescuer);
    }
    for (const id of TRIALS) expect(rescuer!.out()).toMatch(new RegExp(`${id} of sweep .*: resumed from step (200|400|600|800|1000) \\(session 2\\)`));
    expectSameAsLocal(out);
    expect(await sessions(out)).toEqual([2, 2]);
  });

  it('kill -9 of the coordinator: --resume reattaches, runs each trial once and rebuilds the files from what workers reported', async () => {
    const out = join(dir, 'coordinator-killed');
    const worker = startWorker(redis.url, ['--concurrency', '2']);
    try {
      const first = coordinate(out);
      await allPast(out, 250);
      first.process.kill('SIGKILL');
      await first.exited;
      const second = coordinate(out, '--resume');
      expect(await second.exited, second.err()).toBe(0);
      expect(second.out()).toMatch(/sweep done: 2 ok/);
    } finally {
      await stopWorker(worker);
    }
    expectSameAsLocal(out);
    // Each trial was enqueued and run once: one session each, one job each.
    expect(await sessions(out)).toEqual([1, 1]);
    expect(worker.out().match(/: started/g)).toHaveLength(2);
    expect(worker.out()).not.toMatch(/resumed/);
  });

  it('Redis restarted mid-sweep: workers and the coordinator reconnect and finish', async () => {
    const out = join(dir, 'redis-restarted');
    const worker = startWorker(redis.url, ['--concurrency', '2']);
    try {
      const coordinator = coordinate(out);
      await allPast(out, 250);
      await redis.restart(1500);
      expect(await coordinator.exited, coordinator.err()).toBe(0);
      expect(coordinator.out()).toMatch(/sweep done: 2 ok/);
    } finally {
      await stopWorker(worker);
    }
    expect(worker.err()).toMatch(/notice: lost the Redis connection/);
    expect(worker.err()).toMatch(/notice: reconnected to Redis/);
    expectSameAsLocal(out);
  });
});
