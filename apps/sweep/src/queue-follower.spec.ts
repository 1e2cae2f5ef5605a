// The follower's rules for one trial, without a Redis server: a map stands in for the few keys it
// reads (checkpoint pointer and bytes) and writes (rung decisions). Well-formed entries that make no
// sense for the trial are refused; the honest sequence passes, in order, once committed.

import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { TrainingEvent } from '@charrnn/report';
import { expandTrials, parseSpecText, trialRungSteps, type TrialOutcome, type TrialTask } from '@charrnn/sweep';
import { TrialFollower } from './queue-follower.js';
import type { StreamEntry } from './queue-protocol.js';
import { sweepKeys } from './queue-redis.js';

const SWEEP = 'follow-0000';
const spec = parseSpecText(
  'budget: { steps: 100 }\nbase: { evalEvery: 10 }\nspace: { hidden: [8] }\nasha: { eta: 3, rungs: 2 }\n',
);
const trial = expandTrials(spec)[0]!;
const task: TrialTask = {
  id: trial.id,
  config: trial.config,
  metric: 'val_bpc',
  rungSteps: trialRungSteps(spec, trial),
};

/** The keys the follower reads and writes, in memory. */
function fakeRedis(): { redis: Redis; keys: Map<string, string | Buffer> } {
  const keys = new Map<string, string | Buffer>();
  const redis = {
    get: async (key: string) => (keys.get(key) ?? null)?.toString() ?? null,
    getBuffer: async (key: string) => {
      const value = keys.get(key);
      return value === undefined ? null : Buffer.from(value);
    },
    set: async (key: string, value: string) => void keys.set(key, value),
  };
  return { redis: redis as unknown as Redis, keys };
}

function follow(check: (bytes: Uint8Array, step: number) => string | null = () => null) {
  const { redis, keys } = fakeRedis();
  const events: TrainingEvent[] = [];
  const checkpoints: [string, number][] = [];
  const refused: string[] = [];
  let outcome: TrialOutcome | null = null;
  const follower = new TrialFollower({
    task,
    redis,
    sweepKey: SWEEP,
    resumeStep: 0,
    callbacks: {
      signal: new AbortController().signal,
      onEvent: (event) => void events.push(event),
      onCheckpoint: (kind, step) => void checkpoints.push([kind, step]),
      onRung: () => true,
    },
    settle: (o) => {
      outcome = o;
    },
    checkCheckpoint: check,
    refuse: (id, problem) => void refused.push(`${id}: ${problem}`),
  });
  const storeLast = (step: number, bytes = 'bytes'): void => {
    keys.set(sweepKeys(SWEEP).checkpoint(trial.id, 'last', step), bytes);
    keys.set(sweepKeys(SWEEP).latest(trial.id, 'last'), String(step));
  };
  const send = async (...entries: StreamEntry[]): Promise<void> => {
    for (const entry of entries) await follower.receive(entry);
  };
  return { follower, events, checkpoints, refused, outcome: () => outcome, storeLast, send };
}

const base = { trial: trial.id, session: 1 } as const;
const session = { kind: 'session', ...base, worker: 'w1', fromStep: 0 } as const;
const event = (e: TrainingEvent): StreamEntry => ({ kind: 'event', ...base, event: e });
const evalAt = (step: number): TrainingEvent => ({
  type: 'eval',
  step,
  chars: step * 25,
  valLoss: 2,
  valBpc: 2.9,
  count: 9,
});
const done = (step: number, reason: 'completed' | 'stopped' = 'completed'): TrainingEvent => ({
  type: 'done',
  step,
  chars: step * 25,
  reason,
  finalLoss: 2,
  elapsedSec: 1,
});
const marker = (step: number): StreamEntry => ({ kind: 'checkpoint', ...base, checkpoint: 'last', step });
const outcome = (status: TrialOutcome['status']): StreamEntry => ({ kind: 'outcome', ...base, outcome: { status } });

describe('TrialFollower', () => {
  it('passes an honest session on: events once a checkpoint covers them, then the outcome', async () => {
    const f = follow();
    f.storeLast(50);
    f.storeLast(100);
    await f.send(session, event(evalAt(50)), marker(50), event(evalAt(100)), event(done(100)), marker(100));
    // The done event ranks after the final checkpoint at its step: it waits for the outcome.
    expect(f.events.map((e) => `${e.type}:${e.step}`)).toEqual(['eval:50', 'eval:100']);
    await f.send(outcome('completed'));
    expect(f.outcome()).toEqual({ status: 'completed' });
    expect(f.events.map((e) => `${e.type}:${e.step}`)).toEqual(['eval:50', 'eval:100', 'done:100']);
    expect(f.checkpoints).toEqual([
      ['last', 50],
      ['last', 100],
    ]);
    expect(f.refused).toEqual([]);
  });

  it('refuses what makes no sense for the trial, and nothing after its outcome', async () => {
    const f = follow();
    await f.send(
      event(evalAt(10)), // no session announced yet
      session,
      { ...session, session: 0 }, // sessions count from 1
      event(evalAt(1000)), // past the 100-step budget
      event({
        type: 'start',
        step: 0,
        totalSteps: 5000,
        paramCount: 1,
        vocabSize: 2,
        trainChars: 9,
        valChars: 1,
        kernels: 'reference',
      }),
      { kind: 'rung', ...base, rung: 7, step: 50, value: 1 }, // the trial has 2 rungs
      { kind: 'rung', ...base, rung: 1, step: task.rungSteps[1]! - 1, value: 1 }, // asked before its rung
      outcome('completed'), // no done event
      event(done(100, 'stopped')),
      outcome('completed'), // the done event says stopped
      outcome('stopped'),
      event(evalAt(20)), // after the outcome
    );
    expect(f.refused).toEqual([
      't000: event from session 1, which never began',
      't000: session numbered 0',
      "t000: event at step 1000, past the trial's 100",
      't000: event start of a 5000-step run, the trial has 100',
      't000: rung 7: the trial has 2 rungs',
      `t000: rung 1 asked at step ${task.rungSteps[1]! - 1}, before the rung (${task.rungSteps[1]})`,
      't000: outcome completed without a done event from session 1',
      "t000: outcome completed, but the session's done event says stopped",
      't000: event after the trial ended',
    ]);
    expect(f.outcome()).toEqual({ status: 'stopped' });
  });

  it('a marker over bytes that are not the trial’s, or over no bytes, commits nothing: the real events still come', async () => {
    const f = follow((bytes) => (Buffer.from(bytes).toString() === 'forged' ? 'not a valid safetensors file' : null));
    f.storeLast(90, 'forged');
    await f.send(session, marker(90), marker(95));
    expect(f.refused).toEqual([
      't000: last checkpoint at step 90: not a valid safetensors file',
      't000: last checkpoint at step 95: there are no bytes for it',
    ]);
    f.storeLast(100);
    await f.send(event(evalAt(50)), event(evalAt(100)), event(done(100)), marker(100), outcome('completed'));
    expect(f.events.map((e) => `${e.type}:${e.step}`)).toEqual(['eval:50', 'eval:100', 'done:100']);
    expect(f.checkpoints).toEqual([['last', 100]]);
  });
});
