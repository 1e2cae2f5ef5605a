// Redis for the distributed sweep: the --queue URL (redis:// or rediss:// for TLS; the password in
// the URL or in CHARRNN_REDIS_PASSWORD), connections that reconnect forever, the key layout, and the
// two Lua scripts that make checkpoint writes safe against zombie workers.

import { createHash } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { UsageError } from '@charrnn/cli';

/** The one BullMQ queue trials go on: jobs carry their sweep key, so a worker joins every sweep on this Redis. */
export const QUEUE_NAME = 'charrnn-trials';
export const PASSWORD_ENV = 'CHARRNN_REDIS_PASSWORD';

export interface QueueAddress {
  /** The URL without its password: safe to print, store in queue.json and pass on a command line. */
  readonly display: string;
  readonly options: RedisOptions;
}

/** Parses --queue; the password comes from the URL, else from the environment. */
export function parseQueueUrl(url: string, env: Record<string, string | undefined>): QueueAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--queue must be a Redis URL like redis://HOST:PORT[/DB], got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError(`--queue must start with redis:// or rediss:// (TLS), got ${JSON.stringify(url)}`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new UsageError(`--queue: the database after the port must be a number, got ${JSON.stringify(db)}`);
  const password = parsed.password !== '' ? decodeURIComponent(parsed.password) : env[PASSWORD_ENV];
  const username = parsed.username !== '' ? decodeURIComponent(parsed.username) : undefined;
  const display = `${parsed.protocol}//${username ? `${encodeURIComponent(username)}@` : ''}${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${db ? `/${db}` : ''}`;
  return {
    display,
    options: {
      host: parsed.hostname || 'localhost',
      port: parsed.port ? Number(parsed.port) : 6379,
      db: db ? Number(db) : 0,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      ...(parsed.protocol === 'rediss:' ? { tls: { servername: parsed.hostname } } : {}),
      // BullMQ needs commands to wait through an outage instead of failing after a few retries;
      // ioredis then reconnects forever and replays what was queued.
      maxRetriesPerRequest: null,
      retryStrategy: (times: number) => Math.min(times * 200, 2000),
    },
  };
}

/**
 * A connection that reports an outage once (not every reconnect attempt) and its recovery.
 * ioredis emits "error" on every failed attempt; without a listener Node would print each one.
 */
export function connect(address: QueueAddress, notice: (line: string) => void, extra: RedisOptions = {}): Redis {
  const redis = new Redis({ ...address.options, ...extra });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    notice(`notice: lost the Redis connection to ${address.display} (${error.message}); reconnecting`);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    notice(`notice: reconnected to Redis at ${address.display}`);
  });
  return redis;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Redis keys of one sweep. Everything a worker reports lives here, so a coordinator can rebuild its files. */
export function sweepKeys(sweepKey: string) {
  const base = `charrnn:sweep:${sweepKey}`;
  return {
    /** Stream of everything workers report: sessions, training events, checkpoint markers, rung questions, outcomes. */
    events: `${base}:events`,
    /** Hash per trial: worker, session count, state, step (for --status). */
    trial: (trial: string) => `${base}:trial:${trial}`,
    /** Latest checkpoint step of a kind; the bytes live at checkpoint(trial, kind, step). */
    latest: (trial: string, kind: CheckpointKind) => `${base}:ckpt:${trial}:${kind}`,
    checkpoint: (trial: string, kind: CheckpointKind, step: number) => `${base}:ckpt:${trial}:${kind}:${step}`,
    /** The ASHA decision at a rung, "1" continue / "0" stop; written once (SET NX) so every worker and coordinator agrees. */
    rung: (trial: string, rung: number) => `${base}:rung:${trial}:${rung}`,
  };
}

/** Training text by content hash, shared by sweeps; a worker checks the hash of what it downloads. */
export const dataKey = (hash: string): string => `charrnn:data:${hash}`;

/** BullMQ job id of a trial: the same on every coordinator run, so --resume never enqueues a trial twice. */
export const jobId = (sweepKey: string, trial: string): string => `${sweepKey}-${trial}`;

export type CheckpointKind = 'best' | 'last';

/** How long a superseded checkpoint stays readable for a coordinator that is catching up. */
const SUPERSEDED_TTL_S = 3600;

/** BullMQ's lock on a job: its value is the token of the worker that holds the job (BullMQ's default prefix). */
export const jobLockKey = (id: string): string => `bull:${QUEUE_NAME}:${id}:lock`;

/**
 * Stores checkpoint bytes under a key that names their step, moves the "latest" pointer only
 * forward, and appends the stream marker, all at once — and only while the writer holds the job's
 * lock. A zombie worker (one whose trial was taken over while it was paused) can therefore never
 * replace a newer checkpoint with an older one nor add a marker once its lock is gone, and a reader
 * never sees a marker before its bytes. KEYS: latest, checkpoint, events, lock. ARGV: step, bytes,
 * ttl, the lock token ('' for the coordinator, which holds no lock), then the marker's fields.
 * Returns 1 stored, 0 not newer, -1 the lock is not the writer's.
 */
const STORE_CHECKPOINT = `
if ARGV[4] ~= '' and redis.call('GET', KEYS[4]) ~= ARGV[4] then return -1 end
local step = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if step <= current then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
if current >= 0 then redis.call('EXPIRE', string.gsub(KEYS[2], ':%d+$', ':' .. current), tonumber(ARGV[3])) end
redis.call('SET', KEYS[1], step)
local fields = {}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[3], '*', unpack(fields))
return 1
`;

export interface CheckpointWriter {
  storeCheckpoint(
    latestKey: string,
    stepKey: string,
    eventsKey: string,
    lockKey: string,
    step: number,
    bytes: Buffer,
    ttl: number,
    token: string,
    ...fields: string[]
  ): Promise<number>;
}

/** Adds the checkpoint script to a connection (ioredis sends it once and then calls it by hash). */
export function withCheckpointScript(redis: Redis): Redis & CheckpointWriter {
  redis.defineCommand('storeCheckpoint', { numberOfKeys: 4, lua: STORE_CHECKPOINT });
  return redis as Redis & CheckpointWriter;
}

/** Who writes a checkpoint: a worker holding a job's lock, or the coordinator (lock null). */
export interface CheckpointLock {
  readonly jobId: string;
  readonly token: string;
}

export type StoreResult = 'stored' | 'not newer' | 'lock lost';

export async function storeCheckpoint(
  redis: Redis & CheckpointWriter,
  sweepKey: string,
  trial: string,
  kind: CheckpointKind,
  step: number,
  bytes: Uint8Array,
  marker: string[],
  lock: CheckpointLock | null,
): Promise<StoreResult> {
  const keys = sweepKeys(sweepKey);
  const stored = await redis.storeCheckpoint(
    keys.latest(trial, kind),
    keys.checkpoint(trial, kind, step),
    keys.events,
    lock ? jobLockKey(lock.jobId) : keys.latest(trial, kind),
    step,
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    SUPERSEDED_TTL_S,
    lock?.token ?? '',
    ...marker,
  );
  return stored === 1 ? 'stored' : stored === 0 ? 'not newer' : 'lock lost';
}

/** The checkpoint of a kind at a step (null when superseded long ago), or the latest one without a step. */
/** The step of a trial's newest checkpoint of a kind (the pointer the checkpoint script moves), or null. */
export async function latestCheckpointStep(
  redis: Redis,
  sweepKey: string,
  trial: string,
  kind: CheckpointKind,
): Promise<number | null> {
  const step = Number((await redis.get(sweepKeys(sweepKey).latest(trial, kind))) ?? Number.NaN);
  return Number.isInteger(step) ? step : null;
}

export async function readCheckpoint(
  redis: Redis,
  sweepKey: string,
  trial: string,
  kind: CheckpointKind,
  step?: number,
): Promise<{ step: number; bytes: Uint8Array } | null> {
  const at = step ?? (await latestCheckpointStep(redis, sweepKey, trial, kind));
  if (at === null) return null;
  const bytes = await redis.getBuffer(sweepKeys(sweepKey).checkpoint(trial, kind, at));
  return bytes ? { step: at, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) } : null;
}
