// Test support for the queue tests: a real redis-server on a free localhost port (one per test
// file, stopped and restarted on demand, append-only file so a restart keeps the queue), the built
// commands as child processes, and waits with deadlines. No mocks: BullMQ talks to a real Redis.
//
// Without redis-server the queue tests are skipped with one line saying how to install it, except
// in CI (env CI set), where they fail: CI must run them.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '@charrnn/cli';
import { fakeIo } from '@charrnn/cli/testing';
import { sweepCommand } from './sweep-command.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '../dist');
export const SWEEP_BUNDLE = join(DIST, 'main.js');
export const WORKER_BUNDLE = join(DIST, 'charrnn-worker.js');

const HAVE_REDIS = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
export const INSTALL_HINT =
  'redis-server not found: install it with `apt-get install redis-server` (Debian/Ubuntu) to run the queue tests';

/** Each queue test runs whole sweeps in several processes; a loaded CI machine makes that several times slower. */
export const QUEUE_TEST_TIMEOUT_MS = 300_000;

/** describe() when redis-server exists; in CI a failing test otherwise; elsewhere skipped with one line. */
export function describeWithRedis(name: string, body: () => void): void {
  if (HAVE_REDIS) describe(name, { timeout: QUEUE_TEST_TIMEOUT_MS }, body);
  else if (process.env['CI']) {
    describe(name, () => {
      it('needs redis-server (CI must run the queue tests)', () => {
        throw new Error(INSTALL_HINT);
      });
    });
  } else {
    process.stderr.write(`${INSTALL_HINT} (skipped: ${name})\n`);
    describe.skip(name, body);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** A client for looking at what workers wrote. */
  client(): Redis;
  /** Stops the server (it saves its append-only file) and starts it again after `downMs`. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisSetup {
  /** Default: a free port. */
  readonly port?: number;
  readonly password?: string;
  /** Serve TLS only, with this certificate (see makeTestCertificates). */
  readonly tls?: TestCertificates;
}

export async function startRedis(setup: RedisSetup = {}): Promise<TestRedis> {
  const port = setup.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'charrnn-redis-'));
  const listen = setup.tls
    ? [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        setup.tls.cert,
        '--tls-key-file',
        setup.tls.key,
        '--tls-ca-cert-file',
        setup.tls.ca,
        '--tls-auth-clients',
        'no',
      ]
    : ['--port', String(port)];
  const clientOptions = {
    port,
    host: setup.tls ? 'localhost' : '127.0.0.1',
    ...(setup.password ? { password: setup.password } : {}),
    ...(setup.tls ? { tls: { ca: readFileSync(setup.tls.ca), servername: 'localhost' } } : {}),
  };
  let server: ChildProcess | null = null;
  const clients: Redis[] = [];
  const launch = async (): Promise<void> => {
    server = spawn(
      'redis-server',
      [
        ...listen,
        ...(setup.password ? ['--requirepass', setup.password] : []),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
      ],
      { stdio: 'ignore' },
    );
    const probe = new Redis({
      ...clientOptions,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    await waitFor(
      async () => {
        try {
          if (probe.status !== 'ready') await probe.connect().catch(() => undefined);
          return (await probe.ping()) === 'PONG';
        } catch {
          return false;
        }
      },
      10_000,
      'redis-server did not start',
    );
    probe.disconnect();
  };
  const halt = (): Promise<void> =>
    new Promise((resolve) => {
      const s = server;
      if (!s || s.exitCode !== null) return resolve();
      s.once('exit', () => resolve());
      s.kill('SIGTERM');
    });
  await launch();
  return {
    port,
    url: setup.tls ? `rediss://localhost:${port}` : `redis://127.0.0.1:${port}`,
    client() {
      const c = new Redis({ ...clientOptions, maxRetriesPerRequest: null });
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    },
    async restart(downMs) {
      await halt();
      await sleep(downMs);
      await launch();
    },
    async stop() {
      for (const c of clients) c.disconnect();
      await halt();
    },
  };
}

/** A redis-server for the enclosing describe: started before its tests, stopped after them. */
export function useRedis(setup: RedisSetup = {}): TestRedis {
  let server: TestRedis | undefined;
  beforeAll(async () => {
    server = await startRedis(setup);
  }, QUEUE_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await server?.stop();
  }, QUEUE_TEST_TIMEOUT_MS);
  const started = (): TestRedis => {
    if (!server) throw new Error('useRedis: the server starts in beforeAll; use it inside a test');
    return server;
  };
  return {
    get port() {
      return started().port;
    },
    get url() {
      return started().url;
    },
    client: () => started().client(),
    restart: (downMs) => started().restart(downMs),
    stop: () => started().stop(),
  };
}

export interface TestCertificates {
  /** The CA's certificate (PEM): what a client trusts, e.g. through NODE_EXTRA_CA_CERTS. */
  readonly ca: string;
  /** The server's certificate for localhost and 127.0.0.1, signed by the CA, and its key. */
  readonly cert: string;
  readonly key: string;
}

/** A throw-away CA and a localhost server certificate, made with the openssl command. */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'charrnn-tls-'));
  const at = (name: string): string => join(dir, name);
  writeFileSync(at('san.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  const steps = [
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('ca.key'), '-out', at('ca.pem')].concat([
      '-days',
      '2',
      '-subj',
      '/CN=charrnn test CA',
    ]),
    ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('server.key'), '-out', at('server.csr')].concat([
      '-subj',
      '/CN=localhost',
    ]),
    ['x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial'].concat([
      '-out',
      at('server.pem'),
      '-days',
      '2',
      '-extfile',
      at('san.cnf'),
    ]),
  ];
  for (const args of steps) {
    const run = spawnSync('openssl', args, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`openssl ${args[0]} failed: ${run.stderr || run.error?.message}`);
  }
  return { ca: at('ca.pem'), cert: at('server.pem'), key: at('server.key') };
}

export interface Child {
  readonly process: ChildProcess;
  out(): string;
  err(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

export function startBundle(bundle: string, args: readonly string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [bundle, ...args], { env: { ...process.env, CI: '1', ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { process: child, out: () => out, err: () => err, exited };
}

/** `charrnn-sweep DIR/spec.yaml --out OUT --queue URL --workers N …`: by default a coordinator only (N = 0). */
export function startCoordinator(
  dir: string,
  out: string,
  url: string,
  options: {
    readonly workers?: number;
    readonly extra?: readonly string[];
    readonly env?: Record<string, string>;
  } = {},
): Child {
  const args = [join(dir, 'spec.yaml'), '--out', out, '--queue', url, '--workers', String(options.workers ?? 0)];
  return startBundle(SWEEP_BUNDLE, [...args, ...(options.extra ?? [])], options.env);
}

export const startWorker = (url: string, args: readonly string[] = []): Child =>
  startBundle(WORKER_BUNDLE, ['--queue', url, ...args]);

/** Stops a worker as a user would (SIGTERM) and waits for it. */
export async function stopWorker(worker: Child): Promise<void> {
  if (worker.process.exitCode === null && worker.process.signalCode === null) worker.process.kill('SIGTERM');
  await worker.exited;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
}

export function workdir(spec: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'charrnn-queue-'));
  writeFileSync(join(dir, 'data.txt'), text);
  writeFileSync(join(dir, 'spec.yaml'), spec);
  return dir;
}

export function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
}

/** The summary without the columns that measure time (they differ between any two runs). */
export function summaryNumbers(dir: string): Record<string, string>[] {
  return readCsv(join(dir, 'summary.csv')).map(({ chars_per_s: _speed, wall_s: _wall, ...rest }) => rest);
}

/** A trial's log without its timing columns. */
export function logNumbers(dir: string, id: string): Record<string, string>[] {
  return readCsv(join(dir, 'trials', id, 'log.csv')).map(
    ({ chars_per_s: _speed, elapsed_s: _elapsed, ...rest }) => rest,
  );
}

export function sweepKeyOf(out: string): string {
  const path = join(out, 'queue.json');
  if (!existsSync(path)) throw new Error(`${path} is missing`);
  return (JSON.parse(readFileSync(path, 'utf8')) as { sweepKey: string }).sweepKey;
}

/** The step a worker last reported for a trial (0 before it started). */
export async function trialStep(redis: Redis, sweepKey: string, trial: string): Promise<number> {
  return Number((await redis.hget(`charrnn:sweep:${sweepKey}:trial:${trial}`, 'step')) ?? 0);
}

/** Runs DIR/spec.yaml on the local inline executor with the reference kernels into DIR/local: what a queued run must equal. */
export async function localRun(dir: string): Promise<string> {
  const out = join(dir, 'local');
  const io = fakeIo([
    join(dir, 'spec.yaml'),
    '--out',
    out,
    '--executor',
    'inline',
    '--workers',
    '1',
    '--kernels',
    'reference',
  ]);
  expect(await runCommand('charrnn-sweep', sweepCommand, io), io.err()).toBe(0);
  return out;
}
