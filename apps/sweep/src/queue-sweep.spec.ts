// charrnn-sweep --queue against a real redis-server: two charrnn-worker processes produce the same
// summary and logs as the local executor; --status names the workers; a worker refuses jobs it
// should not run (bad envelope, bad spec, data that is not what the hash says).

import { join } from 'node:path';
import { expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { QUEUE_NAME, dataKey, sha256 } from './queue-redis.js';
import { chooseKernels } from '@charrnn/cli';
import {
  SWEEP_BUNDLE,
  WORKER_BUNDLE,
  describeWithRedis,
  localRun,
  logNumbers,
  startBundle,
  startCoordinator,
  useRedis,
  startWorker,
  stopWorker,
  summaryNumbers,
  waitFor,
  workdir,
} from './test-queue-support.js';

const TEXT =
  'One morning, when Gregor Samsa woke from troubled dreams, he found himself transformed in his bed into a horrible vermin. '.repeat(
    10,
  );
const SPEC = `
method: grid
data: data.txt
budget: { steps: 300 }
base: { seqLength: 8, evalEvery: 50, logEvery: 25, saveEvery: 100 }
space:
  hidden: [8, 12]
  lr: [0.05, 0.1]
`;

describeWithRedis('charrnn-sweep --queue with charrnn-worker processes (real redis-server)', () => {
  const redis = useRedis();

  it('runs a sweep on 2 worker processes with the same numbers as the local executor, and --status shows who ran what', async () => {
    const dir = workdir(SPEC, TEXT);
    const local = await localRun(dir);
    const out = join(dir, 'queued');
    const workers = [startWorker(redis.url, ['--name', 'w1']), startWorker(redis.url, ['--name', 'w2'])];
    try {
      const coordinator = startCoordinator(dir, out, redis.url, { extra: ['--kernels', 'reference'] });
      expect(await coordinator.exited, coordinator.err()).toBe(0);
      expect(coordinator.out()).toMatch(/sweep done: 4 ok/);
    } finally {
      await Promise.all(workers.map(stopWorker));
    }
    expect(summaryNumbers(out)).toEqual(summaryNumbers(local));
    for (const id of ['t000', 't001', 't002', 't003']) expect(logNumbers(out, id), id).toEqual(logNumbers(local, id));
    // Both workers took trials (each runs one at a time, and the four were queued at once).
    for (const w of workers) expect(w.out()).toMatch(/t00\d of sweep .*: completed/);

    const status = startBundle(SWEEP_BUNDLE, ['--status', out]);
    expect(await status.exited, status.err()).toBe(0);
    const lines = status.out().trim().split('\n');
    expect(lines[0]).toMatch(/^sweep sweep-[0-9a-f]{8} on redis:\/\/127\.0\.0\.1:\d+ \(queue charrnn-trials\)$/);
    for (const id of ['t000', 't001', 't002', 't003'])
      expect(
        lines.find((l) => l.startsWith(id)),
        id,
      ).toMatch(/^t00\d\s+ok\s+completed\s+w[12]\s+300\/300\s+\d\.\d{4}$/);
  });

  it('one worker runs sweeps on different texts one after another, each with its own text (its threads move on)', async () => {
    const small = SPEC.replace('steps: 300', 'steps: 100').replace('  lr: [0.05, 0.1]\n', '');
    const kafka = workdir(small, TEXT);
    const other = workdir(
      small,
      'Grete played the violin in the living room; the lodgers listened, then grew bored. '.repeat(12),
    );
    const locals = new Map([
      [kafka, await localRun(kafka)],
      [other, await localRun(other)],
    ]);
    const worker = startWorker(redis.url);
    try {
      for (const dir of [kafka, other, kafka]) {
        const out = join(dir, `queued-${Math.random().toString(36).slice(2)}`);
        const coordinator = startCoordinator(dir, out, redis.url, { extra: ['--kernels', 'reference'] });
        expect(await coordinator.exited, coordinator.err()).toBe(0);
        const local = locals.get(dir)!;
        expect(summaryNumbers(out)).toEqual(summaryNumbers(local));
        for (const id of ['t000', 't001']) expect(logNumbers(out, id), id).toEqual(logNumbers(local, id));
      }
    } finally {
      await stopWorker(worker);
    }
    expect(worker.out().match(/: completed/g)).toHaveLength(6);
  });

  it("a worker whose kernels differ from the coordinator's (no native gemm there) is named once", async () => {
    const small = SPEC.replace('steps: 300', 'steps: 60').replace('  lr: [0.05, 0.1]\n', '');
    const dir = workdir(small, TEXT);
    const worker = startBundle(WORKER_BUNDLE, ['--queue', redis.url, '--name', 'plain'], { CHARRNN_NATIVE: '0' });
    try {
      const out = join(dir, 'queued');
      const coordinator = startCoordinator(dir, out, redis.url);
      expect(await coordinator.exited, coordinator.err()).toBe(0);
      const here = chooseKernels('auto', () => undefined).name;
      const notices = coordinator.err().match(/notice: worker plain runs kernels .*/g) ?? [];
      // With the native gemm built here the worker (CHARRNN_NATIVE=0) runs without it; without it, alike.
      if (here.includes('native')) {
        expect(notices).toEqual([
          `notice: worker plain runs kernels ${here.replace('+native', '')}, this machine ${here}: its trials may differ from a local run in the last bits (build the native gemm on every machine or on none for identical numbers)`,
        ]);
      } else expect(notices).toEqual([]);
    } finally {
      await stopWorker(worker);
    }
  });

  it('refuses jobs it must not run: not a trial, an invalid spec, data that differs from its hash', async () => {
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    const client = redis.client();
    const good = 'training text the coordinator meant';
    const goodHash = sha256(good);
    await client.set(dataKey(goodHash), 'a different text under the same hash!');
    const envelope = {
      v: 1,
      sweep: 'refusals-0000',
      trial: 't000',
      identity: '0'.repeat(64),
      kernels: 'reference',
      data: { sha256: goodHash, chars: good.length },
    };
    const jobs = {
      notATrial: await queue.add(
        'trial',
        { ...envelope, specText: SPEC, code: 'process.exit(1)' },
        { jobId: 'refusals-0000-t000' },
      ),
      badSpec: await queue.add(
        'trial',
        { ...envelope, trial: 't001', specText: 'budget: { steps: 0 }\nspace: { hiden: [4] }\n' },
        { jobId: 'refusals-0000-t001' },
      ),
      badData: await queue.add(
        'trial',
        { ...envelope, trial: 't002', specText: SPEC },
        { jobId: 'refusals-0000-t002' },
      ),
    };
    const worker = startWorker(redis.url);
    try {
      const reason = async (id: string): Promise<string | null> => {
        const job = await queue.getJob(id);
        return (await job?.getState()) === 'failed' ? job!.failedReason : null;
      };
      await waitFor(
        async () => (await Promise.all(Object.values(jobs).map((j) => reason(j.id!)))).every((r) => r !== null),
        20_000,
        'the worker to refuse all three jobs',
      );
      expect(await reason(jobs.notATrial.id!)).toMatch(/invalid job \(job: Unrecognized key: "code"\)/);
      expect(await reason(jobs.badSpec.id!)).toMatch(
        /invalid sweep spec: .*budget\.steps must be a positive integer, got 0.*space\.hiden is not a known setting/,
      );
      expect(await reason(jobs.badData.id!)).toMatch(/does not match its hash .*refusing to train on different data/);
      // Refused at once: no retries, nothing trained.
      for (const job of Object.values(jobs)) expect((await queue.getJob(job.id!))!.attemptsMade).toBeLessThanOrEqual(1);
      expect(worker.out()).not.toMatch(/started|resumed/);
    } finally {
      await stopWorker(worker);
      await queue.close();
    }
    expect(worker.out()).toMatch(/refused job refusals-0000-t000/);
  });
});
