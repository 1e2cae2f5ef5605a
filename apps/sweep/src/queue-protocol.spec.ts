// The queue's pure parts, without Redis: --queue URLs (the password never shows) and stream entries.

import { describe, expect, it } from 'vitest';
import { UsageError, runCommand } from '@charrnn/cli';
import { fakeIo } from '@charrnn/cli/testing';
import { sweepCommand } from './sweep-command.js';
import { workerCommand } from './worker-command.js';
import { MAX_ENTRY_DATA, entryFields, parseEntry, JOB_SCHEMA } from './queue-protocol.js';
import { jobId, parseQueueUrl } from './queue-redis.js';

describe('parseQueueUrl', () => {
  it('takes host, port, db and password from the URL, and prints the URL without the password', () => {
    const a = parseQueueUrl('redis://:s3cret@redis.example:6380/2', {});
    expect(a.display).toBe('redis://redis.example:6380/2');
    expect(a.options).toMatchObject({
      host: 'redis.example',
      port: 6380,
      db: 2,
      password: 's3cret',
      maxRetriesPerRequest: null,
    });
    expect(a.options.tls).toBeUndefined();
  });

  it('takes the password from CHARRNN_REDIS_PASSWORD when the URL has none, and TLS from rediss://', () => {
    const a = parseQueueUrl('rediss://user@redis.example', { CHARRNN_REDIS_PASSWORD: 'from-env' });
    expect(a.display).toBe('rediss://user@redis.example');
    expect(a.options).toMatchObject({
      host: 'redis.example',
      port: 6379,
      db: 0,
      username: 'user',
      password: 'from-env',
      tls: { servername: 'redis.example' },
    });
  });

  it('refuses what is not a Redis URL with a usage error', () => {
    expect(() => parseQueueUrl('http://localhost:6379', {})).toThrow(UsageError);
    expect(() => parseQueueUrl('http://localhost:6379', {})).toThrow(
      /--queue must start with redis:\/\/ or rediss:\/\//,
    );
    expect(() => parseQueueUrl('localhost:6379', {})).toThrow(/--queue must/);
    expect(() => parseQueueUrl('redis://localhost:6379/x', {})).toThrow(
      /database after the port must be a number, got "x"/,
    );
  });
});

describe('stream entries and jobs', () => {
  it('round-trip through XADD fields, a diverged final loss (NaN, Infinity) included', () => {
    const event = {
      type: 'done',
      step: 12,
      chars: 96,
      reason: 'diverged',
      message: 'loss became NaN',
      finalLoss: Number.NaN,
      bestValLoss: 2.5,
      elapsedSec: 0.5,
    } as const;
    const entry = { kind: 'event', trial: 't007', session: 3, event } as const;
    expect(parseEntry(entryFields(entry))).toEqual({ entry });
    const infinite = { ...entry, event: { ...event, finalLoss: Number.POSITIVE_INFINITY } };
    expect(parseEntry(entryFields(infinite))).toEqual({ entry: infinite });
    expect(parseEntry(['k', 'nonsense', 't', 't000', 's', '1', 'd', '{}'])).toEqual({
      problem: 'unknown kind "nonsense"',
    });
    expect(parseEntry(['k', 'event', 't', 't000', 's', '1', 'd', '{not json'])).toMatchObject({
      problem: 'its data is not JSON',
    });
  });

  it("carry a tagging trial's metrics (step and eval events) and refuse a metric outside [0, 1]", () => {
    const metrics = { valAccuracy: 0.97, valPrecision: 0.95, valRecall: 0.93, valF1: 0.94 };
    const evaluation = { type: 'eval', step: 8, chars: 64, valLoss: 0.1, valBpc: 0.14, count: 30, ...metrics } as const;
    const entry = { kind: 'event', trial: 't001', session: 1, event: evaluation } as const;
    expect(parseEntry(entryFields(entry))).toEqual({ entry });
    const bad = { ...entry, event: { ...evaluation, valF1: 1.5 } };
    expect(parseEntry(entryFields(bad))).toHaveProperty('problem');
  });

  // The entries of the forged-trial report: each is refused with what is wrong, none passes on.
  it('refuses entries that are not what a worker sends: wrong types, non-finite values, unknown keys, bad ids', () => {
    const fields = (kind: string, data: unknown, trial = 't001', session = '2'): string[] => [
      'k',
      kind,
      't',
      trial,
      's',
      session,
      'd',
      typeof data === 'string' ? data : JSON.stringify(data),
    ];
    const evalEvent = { type: 'eval', step: 100, chars: 800, valLoss: 1.5, valBpc: 2.1, count: 50 };
    expect(parseEntry(fields('event', { event: evalEvent }))).toHaveProperty('entry');
    const refused = (f: string[]): string => {
      const parsed = parseEntry(f);
      if (!('problem' in parsed)) throw new Error(`accepted ${JSON.stringify(f)}`);
      return parsed.problem;
    };
    expect(refused(fields('event', { event: { ...evalEvent, valLoss: 'abc<script>' } }))).toMatch(
      /^event event\.valLoss: Invalid input: expected number/,
    );
    expect(
      refused(
        fields('event', '{"event":{"type":"eval","step":1,"chars":8,"valLoss":"__num:abc","valBpc":1,"count":1}}'),
      ),
    ).toMatch(/valLoss/);
    expect(refused(fields('event', { event: { ...evalEvent, step: 1.5 } }))).toMatch(/event\.step/);
    expect(refused(fields('event', { event: { ...evalEvent, valBpc: '__num:Infinity' } }))).toMatch(/event\.valBpc/);
    expect(refused(fields('event', { event: { ...evalEvent, script: '<script>' } }))).toMatch(/Unrecognized key/);
    expect(refused(fields('checkpoint', { checkpoint: 'last', step: -1 }))).toMatch(/^checkpoint step/);
    expect(refused(fields('checkpoint', { checkpoint: 'evil', step: 1 }))).toMatch(/^checkpoint checkpoint/);
    expect(refused(fields('session', { worker: 'w\u001b]0;owned\u0007', fromStep: 0 }))).toMatch(
      /^session worker: must not contain control characters/,
    );
    expect(refused(fields('session', { worker: 'w\u009b2J', fromStep: 0 }))).toMatch(/control characters/);
    expect(refused(fields('session', { worker: 'w1', fromStep: 0, kernels: '\u001b[2J' }))).toMatch(/kernels/);
    expect(refused(fields('outcome', { outcome: { status: 'pwned' } }))).toMatch(/^outcome outcome\.status/);
    expect(refused(fields('rung', { rung: 0, step: 10, value: null }))).toMatch(/^rung value/);
    expect(refused(fields('event', { event: evalEvent }, '../t001'))).toBe('trial id "../t001" is malformed');
    expect(refused(fields('event', { event: evalEvent }, 't001', '1.5'))).toBe('its session is not a small integer');
    expect(refused(fields('event', 'x'.repeat(MAX_ENTRY_DATA + 1)))).toMatch(/its data is over/);
    expect(refused([...fields('event', { event: evalEvent }), 'x', 'y'])).toMatch(/fields/);
  });

  it('keeps an error message but shows its control characters as escapes', () => {
    const parsed = parseEntry(
      entryFields({
        kind: 'outcome',
        trial: 't000',
        session: 1,
        outcome: { status: 'error', message: 'boom\u001b[2J\nsecond line' },
      }),
    );
    expect(parsed).toEqual({
      entry: {
        kind: 'outcome',
        trial: 't000',
        session: 1,
        outcome: { status: 'error', message: 'boom\\x1b[2J\\nsecond line' },
      },
    });
  });

  it('a job is data only: unknown keys, bad ids and bad hashes are refused', () => {
    const job = {
      v: 1,
      sweep: 'grid-0a1b2c3d',
      trial: 't003',
      specText: 'budget: { steps: 10 }',
      identity: 'a'.repeat(64),
      data: { sha256: 'b'.repeat(64), chars: 10 },
      kernels: 'auto',
    };
    expect(JOB_SCHEMA.safeParse(job).success).toBe(true);
    expect(JOB_SCHEMA.safeParse({ ...job, code: 'require("child_process")' }).success).toBe(false);
    expect(JOB_SCHEMA.safeParse({ ...job, trial: '../t003' }).success).toBe(false);
    expect(JOB_SCHEMA.safeParse({ ...job, data: { sha256: 'xyz', chars: 10 } }).success).toBe(false);
    expect(jobId('grid-0a1b2c3d', 't003')).toBe('grid-0a1b2c3d-t003');
  });
});

describe('charrnn-sweep flags for the queue', () => {
  it('--workers 0 means "coordinate only" and needs --queue; a bad --queue is a usage error', async () => {
    const run = async (argv: string[]): Promise<{ code: number; err: string }> => {
      const io = fakeIo(argv);
      return { code: await runCommand('charrnn-sweep', sweepCommand, io), err: io.err() };
    };
    const spec = new URL('../../../examples/sweeps/grid.yaml', import.meta.url).pathname;
    expect(await run([spec, '--out', '/nonexistent/out', '--workers', '0'])).toEqual({
      code: 2,
      err: 'charrnn-sweep: error: --workers must be at least 1 without --queue (0 means: coordinate a queued sweep only)\n',
    });
    expect(await run([spec, '--out', '/nonexistent/out', '--queue', 'http://x'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^charrnn-sweep: error: --queue must start with redis:\/\/ or rediss:\/\//),
    });
  });

  it('charrnn-worker --name must be printable (the coordinator and --status print it)', async () => {
    const io = fakeIo(['--queue', 'redis://127.0.0.1:1', '--name', 'w1\u001b]0;owned\u0007']);
    expect(await runCommand('charrnn-worker', workerCommand, io)).toBe(2);
    expect(io.err()).toBe(
      'charrnn-worker: error: --name must be 1 to 200 printable characters, got "w1\\u001b]0;owned\\u0007"\nhint: the coordinator and --status print it\n',
    );
  });
});
