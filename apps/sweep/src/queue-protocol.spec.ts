// The queue's pure parts, without Redis: --queue URLs (the password never shows) and stream entries.

import { describe, expect, it } from 'vitest';
import { UsageError, runCommand } from '@charrnn/cli';
import { fakeIo } from '@charrnn/cli/testing';
import { sweepCommand } from './sweep-command.js';
import { entryFields, parseEntry, JOB_SCHEMA } from './queue-protocol.js';
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
  it('round-trip through XADD fields, NaN and Infinity included (a diverged trial reports them)', () => {
    const event = {
      type: 'done',
      step: 12,
      chars: 96,
      reason: 'diverged',
      message: 'loss became NaN',
      finalLoss: Number.NaN,
      bestValLoss: Number.POSITIVE_INFINITY,
      elapsedSec: 0.5,
    } as const;
    const entry = { kind: 'event', trial: 't007', session: 3, event } as const;
    const back = parseEntry(entryFields(entry));
    expect(back).toMatchObject({ kind: 'event', trial: 't007', session: 3 });
    expect(back?.kind === 'event' && back.event).toEqual(event);
    expect(parseEntry(['k', 'nonsense', 't', 't000', 's', '1', 'd', '{}'])).toBeNull();
    expect(parseEntry(['k', 'event', 't', 't000', 's', '1', 'd', '{not json'])).toBeNull();
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
});
