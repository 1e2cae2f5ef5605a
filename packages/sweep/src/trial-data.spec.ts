import { describe, expect, it } from 'vitest';
import type { TrainingEvent } from '@charrnn/report';
import { decodeCheckpoint, prepareData } from '@charrnn/train';
import { runTrial, type TrialTask } from './executor.js';
import { validateSpec } from './spec.js';
import { createTrialDataCache } from './trial-data.js';
import { expandTrials } from './trials.js';

const TEXT = 'in a world of ones and zeros, every bit counts; a byte is eight of them. '.repeat(8);

describe('createTrialDataCache', () => {
  it('gives the same arrays for the same text and fraction, and what prepareData gives', () => {
    const cache = createTrialDataCache();
    const first = cache.prepare(TEXT, 0.1, 8, 2);
    expect(cache.prepare(TEXT, 0.1, 16, 3)).toBe(first);
    const fresh = prepareData(TEXT, 0.1, 8, 2);
    expect(first.vocab.chars).toEqual(fresh.vocab.chars);
    expect(first.train).toEqual(fresh.train);
    expect(first.val).toEqual(fresh.val);
  });

  it('prepares again for another text, fraction or vocabulary, and still says when the text is too short', () => {
    const cache = createTrialDataCache();
    const first = cache.prepare(TEXT, 0.1, 8, 2);
    expect(cache.prepare(TEXT, 0.2, 8, 2)).not.toBe(first);
    expect(cache.prepare(`${TEXT}!`, 0.2, 8, 2).vocab.size).toBe(first.vocab.size + 1);
    const wider = prepareData(`${TEXT}#`, 0.1, 8, 2).vocab;
    const again = cache.prepare(TEXT, 0.1, 8, 2);
    expect(cache.prepare(TEXT, 0.1, 8, 2, wider).vocab.size).toBe(wider.size);
    expect(cache.prepare(TEXT, 0.1, 8, 2, again.vocab)).toBe(again);
    expect(() => cache.prepare(TEXT, 0.1, 400, 2)).toThrow(/at least 802 characters/);
  });
});

/** Every event of a trial with its checkpoints' bytes, ready to compare. */
async function trialRecord(task: TrialTask, env: Parameters<typeof runTrial>[1]) {
  const events: TrainingEvent[] = [];
  const checkpoints: { kind: string; step: number; bytes: Uint8Array }[] = [];
  const outcome = await runTrial(task, env, {
    signal: new AbortController().signal,
    onEvent: (e) => events.push(e),
    onCheckpoint: (kind, step, bytes) => void checkpoints.push({ kind, step, bytes: bytes.slice() }),
    onRung: () => true,
  });
  // Wall-clock fields differ between any two runs; the numbers must not.
  const numbers = events.map((e) => ({ ...e, charsPerSec: 0, elapsedSec: 0 }));
  return {
    outcome,
    numbers,
    checkpoints: checkpoints.map((c) => ({ ...c, training: decodeCheckpoint(c.bytes).training })),
  };
}

describe('runTrial with a shared data cache', () => {
  it('gives every trial the numbers it gets alone, whatever ran before it in the same environment', async () => {
    const spec = validateSpec({
      budget: { steps: 24 },
      base: { seqLength: 8, evalEvery: 8, logEvery: 4, saveEvery: 8, dtype: 'f64', dropout: 0.1, layers: 2 },
      space: { hidden: [6, 9], lr: [0.1, 0.03] },
    });
    const tasks: TrialTask[] = expandTrials(spec).map((t) => ({
      id: t.id,
      config: t.config,
      metric: 'val_loss',
      rungSteps: [],
    }));
    const alone = await Promise.all(tasks.map((task) => trialRecord(task, { text: TEXT, clock: () => 0 })));
    const shared = { text: TEXT, clock: () => 0, data: createTrialDataCache() };
    // In another order, one after another, twice: a trial must not see what the one before it left.
    for (const i of [3, 1, 0, 2, 3, 0]) expect(await trialRecord(tasks[i]!, shared)).toEqual(alone[i]);
  });
});

describe('runTrial with a tagging task', () => {
  it('trains on the labelled examples the task derives (its events carry the task metrics), cache or not', async () => {
    const spec = validateSpec({
      budget: { steps: 8 },
      base: { task: 'restore-spaces', cell: 'lstm', hidden: 8, seqLength: 8, evalEvery: 8, logEvery: 4, dtype: 'f64' },
      space: { bidirectional: [true, false] },
    });
    for (const t of expandTrials(spec)) {
      const task: TrialTask = { id: t.id, config: t.config, metric: 'val_loss', rungSteps: [] };
      const alone = await trialRecord(task, { text: TEXT, clock: () => 0 });
      expect(alone.outcome.status).toBe('completed');
      const evals = alone.numbers.filter((e) => e.type === 'eval');
      expect(evals).toHaveLength(1);
      expect(evals[0]).toHaveProperty('valF1');
      expect(decodeCheckpoint(alone.checkpoints[0]!.bytes).model.bidirectional === true).toBe(t.config.bidirectional);
      expect(await trialRecord(task, { text: TEXT, clock: () => 0, data: createTrialDataCache() })).toEqual(alone);
    }
  });
});
