// The queue is a trust boundary: anyone with the Redis password can add jobs and write the stream.
// Against a real redis-server: a job whose spec multiplies out to 2·10⁹ trials is refused by the
// worker before it expands anything, and a job's text length is checked on every job; forged stream
// entries (a control-sequence worker name, a string loss, a marker over bytes that are no checkpoint,
// an outcome with no done event, thousands of entries for a trial the sweep does not have) are ignored
// and counted while the real trials run to the local executor's numbers; --status escapes what Redis holds.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { parseSpecText, sweepIdentity } from '@charrnn/sweep';
import { decodeCheckpoint } from '@charrnn/train';
import { entryFields } from './queue-protocol.js';
import {
  QUEUE_NAME,
  dataKey,
  jobLockKey,
  sha256,
  storeCheckpoint,
  sweepKeys,
  withCheckpointScript,
} from './queue-redis.js';
import {
  SWEEP_BUNDLE,
  describeWithRedis,
  localRun,
  logNumbers,
  startBundle,
  startCoordinator,
  useRedis,
  startWorker,
  stopWorker,
  summaryNumbers,
  sweepKeyOf,
  waitFor,
  workdir,
} from './test-queue-support.js';

const TEXT =
  'Gregor woke from troubled dreams; the alarm clock said half past six, and the train had gone at five. '.repeat(10);
const SPEC = `
method: grid
data: data.txt
budget: { steps: 300 }
base: { seqLength: 8, evalEvery: 50, logEvery: 25, saveEvery: 100 }
space:
  hidden: [8, 12]
`;
const UNKNOWN_TRIAL_ENTRIES = 5000;

describeWithRedis('the queue as a trust boundary (real redis-server)', () => {
  const redis = useRedis();

  it('a worker refuses a 2·10⁹-trial spec before expanding it, and checks every job’s text length', async () => {
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    const client = redis.client();
    await client.set(dataKey(sha256(TEXT)), TEXT);
    const envelope = {
      v: 1,
      sweep: 'trust-0000',
      identity: '0'.repeat(64),
      kernels: 'reference',
      data: { sha256: sha256(TEXT), chars: TEXT.length },
    };
    const huge =
      'method: random\ntrials: 2000000000\nbudget: { steps: 10 }\nspace:\n  lr: { dist: loguniform, min: 0.001, max: 0.1 }\n';
    const worker = startWorker(redis.url, ['--name', 'careful']);
    const reason = async (id: string): Promise<string | null> => {
      const job = await queue.getJob(id);
      return (await job?.getState()) === 'failed' ? job!.failedReason : null;
    };
    try {
      // The second job loads (and caches) the text, then is refused for its identity.
      // With the identity a coordinator would compute: nothing but the trial count stops this job.
      const identity = sha256(sweepIdentity(parseSpecText(huge), TEXT));
      await queue.add('trial', { ...envelope, identity, trial: 't000', specText: huge }, { jobId: 'trust-0000-t000' });
      await queue.add('trial', { ...envelope, trial: 't001', specText: SPEC }, { jobId: 'trust-0000-t001' });
      await waitFor(async () => (await reason('trust-0000-t001')) !== null, 30_000, 'the first two refusals');
      // Same text, now cached, but the job says another length.
      const wrongChars = { ...envelope, data: { ...envelope.data, chars: TEXT.length + 1 } };
      await queue.add('trial', { ...wrongChars, trial: 't002', specText: SPEC }, { jobId: 'trust-0000-t002' });
      await waitFor(async () => (await reason('trust-0000-t002')) !== null, 30_000, 'the third refusal');
      expect(await reason('trust-0000-t000')).toBe(
        'refused by careful: trials is 2000000000, more than the limit of 1000 of this worker (charrnn-worker --max-trials)',
      );
      expect(await reason('trust-0000-t001')).toMatch(/expands the spec differently/);
      expect(await reason('trust-0000-t002')).toBe(
        `refused by careful: the training text has ${TEXT.length} characters, the job says ${TEXT.length + 1}`,
      );
      // The coordinator sees each reason in the stream too, as the trial's outcome.
      const stream = (await client.xrange(sweepKeys('trust-0000').events, '-', '+')) as [string, string[]][];
      expect(stream.map(([, fields]) => fields[fields.indexOf('d') + 1])).toEqual([
        expect.stringContaining('trials is 2000000000'),
        expect.stringContaining('expands the spec differently'),
        expect.stringContaining('the job says'),
      ]);
      expect(worker.process.exitCode).toBeNull(); // alive: nothing was expanded
    } finally {
      await stopWorker(worker);
      await queue.close();
    }
  });

  it('forged stream entries are ignored and counted; the real trials give the local numbers; --status escapes names', async () => {
    const dir = workdir(SPEC, TEXT);
    const local = await localRun(dir);
    const out = join(dir, 'queued');
    const coordinator = startCoordinator(dir, out, redis.url, { extra: ['--kernels', 'reference'] });
    const client = redis.client();
    await waitFor(() => coordinator.out().includes('sweep: 2 trial(s)'), 60_000, 'the coordinator to start');
    const keys = sweepKeys(sweepKeyOf(out));
    const forge = (fields: string[]): Promise<unknown> => client.xadd(keys.events, '*', ...fields);
    const raw = (kind: string, trial: string, session: number, data: unknown): string[] => [
      'k',
      kind,
      't',
      trial,
      's',
      String(session),
      'd',
      JSON.stringify(data),
    ];
    // 1. a worker name that would set the terminal's title
    await forge(raw('session', 't000', 1, { worker: 'evil\u001b]0;owned\u0007', fromStep: 0 }));
    // an announced session, so the rest is refused for what it is, not for its session
    await forge(entryFields({ kind: 'session', trial: 't000', session: 1, worker: 'forger', fromStep: 0 }));
    // 2. a loss that is a string
    await forge(
      raw('event', 't000', 1, {
        event: { type: 'eval', step: 50, chars: 400, valLoss: 'abc<script>', valBpc: 1, count: 10 },
      }),
    );
    // 3. a marker over bytes that are not a checkpoint
    await client.set(keys.checkpoint('t000', 'last', 250), 'this is not a safetensors file');
    await forge(entryFields({ kind: 'checkpoint', trial: 't000', session: 1, checkpoint: 'last', step: 250 }));
    // 4. an outcome without a done event
    await forge(entryFields({ kind: 'outcome', trial: 't000', session: 1, outcome: { status: 'completed' } }));
    // 5. a step past the trial's budget
    await forge(entryFields({ kind: 'checkpoint', trial: 't001', session: 0, checkpoint: 'last', step: 1_000_000 }));
    // 6. entries for a trial the sweep does not have
    const pipeline = client.pipeline();
    for (let i = 0; i < UNKNOWN_TRIAL_ENTRIES; i++)
      pipeline.xadd(keys.events, '*', ...raw('checkpoint', 't999', 1, { checkpoint: 'last', step: i }));
    await pipeline.exec();

    const worker = startWorker(redis.url, ['--name', 'honest']);
    try {
      expect(await coordinator.exited, coordinator.err()).toBe(0);
    } finally {
      await stopWorker(worker);
    }
    expect(coordinator.out()).toMatch(/sweep done: 2 ok/);
    expect(summaryNumbers(out)).toEqual(summaryNumbers(local));
    for (const id of ['t000', 't001']) expect(logNumbers(out, id), id).toEqual(logNumbers(local, id));
    expect(decodeCheckpoint(readFileSync(join(out, 'trials', 't000', 'last.safetensors'))).training?.step).toBe(300);
    const err = coordinator.err();
    expect(err).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const ignored = err.split('\n').filter((line) => line.includes('ignored'));
    expect(ignored).toEqual([
      expect.stringMatching(
        /^notice: ignored an entry in sweep .*'s Redis stream that breaks the queue protocol \(t000: session worker: must not contain control characters\)/,
      ),
      `notice: ignored ${UNKNOWN_TRIAL_ENTRIES + 5} stream entries in all that broke the queue protocol`,
    ]);

    // --status prints what Redis holds with its control characters escaped.
    await client.hset(keys.trial('t001'), 'worker', 'evil\u001b[2J\u009b31m');
    const status = startBundle(SWEEP_BUNDLE, ['--status', out]);
    expect(await status.exited, status.err()).toBe(0);
    expect(status.out()).not.toMatch(/[\u001b\u009b]/);
    expect(status.out()).toMatch(/^t001\s+ok\s+completed\s+evil\\x1b\[2J\\x9b31m\s+300\/300/m);
  });

  it("a checkpoint is stored only while the writer holds the job's lock; a worker will not resume from bytes that are not the trial's", async () => {
    const client = withCheckpointScript(redis.client());
    const keys = sweepKeys('fence-0000');
    const marker = (step: number): string[] =>
      entryFields({ kind: 'checkpoint', trial: 't000', session: 1, checkpoint: 'last', step });
    await client.set(jobLockKey('fence-0000-t000'), 'token-of-the-new-worker');
    const zombie = { jobId: 'fence-0000-t000', token: 'token-of-the-old-worker' };
    const bytes = new TextEncoder().encode('bytes');
    expect(await storeCheckpoint(client, 'fence-0000', 't000', 'last', 200, bytes, marker(200), zombie)).toBe(
      'lock lost',
    );
    expect(await client.get(keys.latest('t000', 'last'))).toBeNull();
    expect(await client.xlen(keys.events)).toBe(0);
    const holder = { ...zombie, token: 'token-of-the-new-worker' };
    expect(await storeCheckpoint(client, 'fence-0000', 't000', 'last', 100, bytes, marker(100), holder)).toBe('stored');
    expect(await client.xlen(keys.events)).toBe(1);

    // A real job whose trial has "checkpoint" bytes in Redis that are no checkpoint: refused, not trained.
    const dir = workdir(SPEC, TEXT);
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    await client.set(dataKey(sha256(TEXT)), TEXT);
    await client.set(sweepKeys('fence-0001').latest('t000', 'last'), '100');
    await client.set(sweepKeys('fence-0001').checkpoint('t000', 'last', 100), 'not a checkpoint');
    const job = {
      v: 1,
      sweep: 'fence-0001',
      trial: 't000',
      specText: readFileSync(join(dir, 'spec.yaml'), 'utf8'),
      identity: sha256(sweepIdentity(parseSpecText(SPEC), TEXT)),
      kernels: 'reference',
      data: { sha256: sha256(TEXT), chars: TEXT.length },
    };
    await queue.add('trial', job, { jobId: 'fence-0001-t000' });
    const worker = startWorker(redis.url, ['--name', 'wary']);
    try {
      await waitFor(
        async () => (await (await queue.getJob('fence-0001-t000'))?.getState()) === 'failed',
        30_000,
        'the refusal',
      );
      expect((await queue.getJob('fence-0001-t000'))!.failedReason).toMatch(
        /^refused by wary: the checkpoint in Redis at step 100 is not this trial's: not a valid safetensors file/,
      );
    } finally {
      await stopWorker(worker);
      await queue.close();
    }
  });
});
