// Any process of a queued sweep may die, against a real redis-server: a worker killed with -9
// mid-trial (another takes the trial over from its last checkpoint), the coordinator killed with -9
// (--resume reattaches without enqueuing anything twice), a worker stopped with SIGTERM (it hands its
// trials back), Redis restarted mid-sweep (everyone reconnects). Each time the summary and the logs equal the local executor's.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { latestCheckpointStep } from './queue-redis.js';
import {
  SWEEP_BUNDLE,
  QUEUE_TEST_TIMEOUT_MS,
  describeWithRedis,
  localRun,
  logNumbers,
  startBundle,
  startCoordinator,
  startRedis,
  startWorker,
  stopWorker,
  summaryNumbers,
  sweepKeyOf,
  trialStep,
  waitFor,
  workdir,
  type Child,
  type TestRedis,
} from './test-queue-support.js';

const TEXT =
  'It was no dream. His room, a proper room for a human being, only somewhat too small, lay quietly between the four well-known walls. '.repeat(
    12,
  );
// Two trials long enough to be killed part-way on a fast machine (checkpoints every 200 steps).
const SPEC = `
method: grid
data: data.txt
budget: { steps: 3000 }
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
    local = await localRun(dir);
  }, QUEUE_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await redis?.stop();
  }, QUEUE_TEST_TIMEOUT_MS);

  const coordinate = (out: string, ...extra: string[]): Child =>
    startCoordinator(dir, out, redis.url, { extra: ['--kernels', 'reference', ...extra] });

  /** Waits until every trial has passed `step` (so each has a checkpoint to resume from). */
  const allPast = async (out: string, step: number): Promise<void> => {
    const client = redis.client();
    await waitFor(
      async () => {
        if (!existsSync(join(out, 'queue.json'))) return false;
        const steps = await Promise.all(TRIALS.map((id) => trialStep(client, sweepKeyOf(out), id)));
        return steps.every((s) => s > step);
      },
      180_000,
      `both trials past step ${step}`,
    );
  };

  const expectSameAsLocal = (out: string): void => {
    expect(summaryNumbers(out)).toEqual(summaryNumbers(local));
    for (const id of TRIALS) expect(logNumbers(out, id), id).toEqual(logNumbers(local, id));
  };

  const sessions = async (out: string): Promise<number[]> => {
    const client = redis.client();
    return Promise.all(
      TRIALS.map(async (id) => Number(await client.hget(`charrnn:sweep:${sweepKeyOf(out)}:trial:${id}`, 'session'))),
    );
  };

  /** Kills a worker (sending checkpoints at most every `checkpointSeconds`) once both trials are past step 250; a second worker finishes them. */
  const killWorkerMidTrial = async (out: string, checkpointSeconds: number): Promise<Child> => {
    const coordinator = coordinate(out);
    const flags = ['--concurrency', '2', '--lock-seconds', '3', '--checkpoint-seconds', String(checkpointSeconds)];
    const doomed = startWorker(redis.url, [...flags, '--name', 'doomed']);
    let rescuer: Child | null = null;
    try {
      await allPast(out, 250);
      doomed.process.kill('SIGKILL');
      await doomed.exited;
      rescuer = startWorker(redis.url, [...flags, '--name', 'rescuer']);
      expect(await coordinator.exited, coordinator.err()).toBe(0);
    } finally {
      await stopWorker(doomed);
      if (rescuer) await stopWorker(rescuer);
    }
    return rescuer!;
  };

  it('kill -9 of a worker mid-trial: another worker resumes its trials from their last checkpoints, same final numbers', async () => {
    const out = join(dir, 'worker-killed');
    // Every checkpoint is sent (at saveEvery = 200 steps), so each trial resumes from one past step 200.
    const rescuer = await killWorkerMidTrial(out, 0);
    for (const id of TRIALS)
      expect(rescuer.out()).toMatch(new RegExp(`${id} of sweep .*: resumed from step [1-9]\\d*00 \\(session 2\\)`));
    expectSameAsLocal(out);
    expect(await sessions(out)).toEqual([2, 2]);
  });

  it('kill -9 of a worker that had kept its checkpoints back (--checkpoint-seconds): its trials start again elsewhere, same final numbers', async () => {
    const out = join(dir, 'worker-killed-unsent');
    // None is due within the hour: the trials made checkpoints at steps 200, 400, … but sent none.
    const rescuer = await killWorkerMidTrial(out, 3600);
    for (const id of TRIALS) expect(rescuer.out()).toMatch(new RegExp(`${id} of sweep .*: started \\(session 2\\)`));
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

  it('SIGTERM: the worker hands its trials back and another resumes them; then Redis restarts and everyone reconnects', async () => {
    const out = join(dir, 'handed-back');
    const worker = startWorker(redis.url, ['--concurrency', '2']);
    let successor: Child | null = null;
    try {
      const coordinator = coordinate(out);
      await allPast(out, 250);
      worker.process.kill('SIGTERM');
      expect(await worker.exited).toBe(143); // 128 + SIGTERM
      successor = startWorker(redis.url, ['--concurrency', '2']);
      const next = successor;
      await waitFor(() => /resumed from step/.test(next.out()), 60_000, 'a trial to resume on the successor');
      await redis.restart(1500);
      expect(await coordinator.exited, coordinator.err()).toBe(0);
      expect(coordinator.out()).toMatch(/sweep done: 2 ok/);
    } finally {
      await stopWorker(worker);
      if (successor) await stopWorker(successor);
    }
    // Both trials were mid-way at the SIGTERM: each went back to the queue with a checkpoint and was resumed.
    for (const id of TRIALS) {
      expect(worker.out()).toMatch(new RegExp(`${id} of sweep .*: handed back`));
      expect(successor!.out()).toMatch(new RegExp(`${id} of sweep .*: resumed from step \\d+ \\(session 2\\)`));
    }
    expect(successor!.err()).toMatch(/notice: lost the Redis connection/);
    expect(successor!.err()).toMatch(/notice: reconnected to Redis/);
    expectSameAsLocal(out);
  });

  it("ASHA decisions survive kill -9 of the worker and of the coordinator (one worker: the local run's order)", async () => {
    // Three trials in a row on one worker, one rung at step 2000 (η = 2): the bad learning rate is stopped there.
    const ashaDir = workdir(
      `
method: grid
data: data.txt
budget: { steps: 4000 }
base: { hidden: 16, seqLength: 16, evalEvery: 200, logEvery: 50, saveEvery: 200 }
asha: { eta: 2, rungs: 1 }
space:
  lr: [0.1, 0.001, 0.05]
`,
      TEXT,
    );
    const ashaLocal = await localRun(ashaDir);
    expect(summaryNumbers(ashaLocal).map((r) => r['status'])).toEqual(['ok', 'stopped', 'ok']);

    const out = join(ashaDir, 'queued');
    const args = [
      join(ashaDir, 'spec.yaml'),
      '--out',
      out,
      '--queue',
      redis.url,
      '--workers',
      '0',
      '--kernels',
      'reference',
    ];
    const first = startBundle(SWEEP_BUNDLE, args);
    const doomed = startWorker(redis.url, ['--lock-seconds', '3', '--checkpoint-seconds', '0']);
    let rescuer: Child | null = null;
    try {
      // The last trial is past its rung (decided) and has sent a checkpoint past it (every one is sent at
      // once here): kill both processes. Its 1,800 steps still to go take longer than noticing this.
      const client = redis.client();
      const checkpointStep = async (): Promise<number> =>
        (await latestCheckpointStep(client, sweepKeyOf(out), 't002', 'last')) ?? 0;
      await waitFor(
        async () => existsSync(join(out, 'queue.json')) && (await checkpointStep()) >= 2200,
        180_000,
        't002 checkpointed at step 2200',
      );
      first.process.kill('SIGKILL');
      doomed.process.kill('SIGKILL');
      await Promise.all([first.exited, doomed.exited]);
      rescuer = startWorker(redis.url, ['--lock-seconds', '3']);
      const second = startBundle(SWEEP_BUNDLE, [...args, '--resume']);
      expect(await second.exited, second.err()).toBe(0);
    } finally {
      if (rescuer) await stopWorker(rescuer);
    }
    // Resumed past its rung (decided before the kill), from the checkpoint at or after step 2200.
    expect(rescuer!.out()).toMatch(/t002 of sweep .*: resumed from step \d+ \(session 2\)/);
    expect(Number(/t002 of sweep .*: resumed from step (\d+)/.exec(rescuer!.out())?.[1])).toBeGreaterThanOrEqual(2200);
    expect(summaryNumbers(out)).toEqual(summaryNumbers(ashaLocal));
    for (const id of ['t000', 't001', 't002']) expect(logNumbers(out, id), id).toEqual(logNumbers(ashaLocal, id));
  });
});
