// Reaching Redis for real: a password-protected server and a TLS-only one (a throw-away CA made with
// openssl). With the right password (from the environment) and the CA trusted, a queued sweep gives
// the local executor's numbers; a wrong or missing password, an untrusted certificate, the wrong
// protocol or a database out of range end both commands at once with exit 2, one line saying what is
// wrong and a hint — and the coordinator writes nothing. A worker started before Redis waits for it.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  QUEUE_TEST_TIMEOUT_MS,
  describeWithRedis,
  freePort,
  localRun,
  makeTestCertificates,
  startCoordinator,
  startRedis,
  startWorker,
  stopWorker,
  summaryNumbers,
  waitFor,
  workdir,
  type Child,
  type TestCertificates,
  type TestRedis,
} from './test-queue-support.js';

const TEXT = 'Gregor Samsa woke from troubled dreams and found himself transformed into a vermin. '.repeat(12);
const SPEC = `
method: grid
data: data.txt
budget: { steps: 120 }
base: { seqLength: 8, hidden: 8, evalEvery: 40, logEvery: 20, saveEvery: 40 }
space:
  lr: [0.05, 0.1]
`;
const PASSWORD = 'correct horse battery staple';

/** Runs the coordinator (with one local worker) to its end. */
async function sweep(url: string, out: string, env: Record<string, string> = {}): Promise<Child> {
  const run = startCoordinator(join(out, '..'), out, url, { workers: 1, extra: ['--kernels', 'reference'], env });
  await run.exited;
  return run;
}

/** A coordinator on `url` ends with exit 2, the two lines (error and hint), and no output directory. */
async function expectRefused(
  dir: string,
  url: string,
  expected: { readonly error: RegExp; readonly hint: RegExp; readonly env?: Record<string, string> },
): Promise<void> {
  const out = join(dir, `refused-${Math.random().toString(36).slice(2)}`);
  const run = startCoordinator(dir, out, url, expected.env ? { env: expected.env } : {});
  expect(await run.exited, run.err()).toBe(2);
  const [first, second] = run.err().trim().split('\n');
  expect(first).toMatch(expected.error);
  expect(second).toMatch(expected.hint);
  expect(existsSync(out)).toBe(false);
}

describeWithRedis('reaching Redis: passwords, TLS, faults that will not fix themselves (real redis-server)', () => {
  let guarded: TestRedis;
  let tlsOnly: TestRedis;
  let certificates: TestCertificates;
  let dir: string;
  let local: string;
  beforeAll(async () => {
    certificates = makeTestCertificates();
    [guarded, tlsOnly] = await Promise.all([startRedis({ password: PASSWORD }), startRedis({ tls: certificates })]);
    dir = workdir(SPEC, TEXT);
    local = await localRun(dir);
  }, QUEUE_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all([guarded?.stop(), tlsOnly?.stop()]);
  }, QUEUE_TEST_TIMEOUT_MS);

  it('with the password from CHARRNN_REDIS_PASSWORD, a queued sweep gives the local numbers', async () => {
    const out = join(dir, 'with-password');
    const run = await sweep(guarded.url, out, { CHARRNN_REDIS_PASSWORD: PASSWORD });
    expect(await run.exited, run.err()).toBe(0);
    expect(summaryNumbers(out)).toEqual(summaryNumbers(local));
  });

  it('a wrong or missing password, or a database out of range: exit 2 before anything is written', async () => {
    await expectRefused(dir, `redis://:nope@127.0.0.1:${guarded.port}`, {
      error: /^charrnn-sweep: error: Redis at redis:\/\/127\.0\.0\.1:\d+ refused the connection: WRONGPASS/,
      hint: /^hint: give its password in the URL .* or in CHARRNN_REDIS_PASSWORD$/,
    });
    const worker = startWorker(guarded.url);
    expect(await worker.exited, worker.err()).toBe(2);
    expect(worker.err()).toMatch(/^charrnn-worker: error: Redis at .* refused the connection: NOAUTH/);
    await expectRefused(dir, `${guarded.url}/99`, {
      error: /^charrnn-sweep: error: Redis at .*\/99 has no database 99/,
      hint: /^hint: the number after the port in --queue is a database index/,
      env: { CHARRNN_REDIS_PASSWORD: PASSWORD },
    });
  });

  it('over TLS (rediss://) with the CA in NODE_EXTRA_CA_CERTS, a queued sweep gives the local numbers', async () => {
    const out = join(dir, 'over-tls');
    const run = await sweep(tlsOnly.url, out, { NODE_EXTRA_CA_CERTS: certificates.ca });
    expect(await run.exited, run.err()).toBe(0);
    expect(summaryNumbers(out)).toEqual(summaryNumbers(local));
  });

  it('an untrusted certificate, or redis:// to a TLS port: exit 2 with what to do', async () => {
    await expectRefused(dir, tlsOnly.url, {
      error:
        /^charrnn-sweep: error: Redis at rediss:\/\/localhost:\d+: its TLS certificate was not accepted \(self-signed certificate in certificate chain\)$/,
      hint: /^hint: .*NODE_EXTRA_CA_CERTS=/,
    });
    await expectRefused(dir, `redis://localhost:${tlsOnly.port}`, {
      error: /^charrnn-sweep: error: cannot reach Redis at redis:\/\/localhost:\d+/,
      hint: /a TLS port needs rediss:\/\//,
    });
  });

  it('a worker started before Redis waits for it, then takes trials', async () => {
    const port = await freePort();
    const early = startWorker(`redis://127.0.0.1:${port}`);
    let late: TestRedis | null = null;
    try {
      await waitFor(() => /waiting for it/.test(early.err()), 30_000, 'the worker to say it waits');
      expect(early.err()).toMatch(/^notice: cannot reach Redis at .* \(connect ECONNREFUSED .*\); waiting for it/);
      late = await startRedis({ port });
      await waitFor(() => /taking trials/.test(early.out()), 30_000, 'the worker to take trials');
      expect(early.err()).toMatch(/notice: reached Redis at /);
    } finally {
      await stopWorker(early);
      await late?.stop();
    }
  });
});
