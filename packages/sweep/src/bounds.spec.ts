// A sweep's size and its faults: a spec whose grid multiplies out to millions is refused before
// anything is written; trial directories appear as trials start; a store that fails (disk full)
// stops the sweep with that error, the running trial left resumable; random specs only ever give
// a valid spec or a SpecError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createInProcessExecutor } from './executor.js';
import { SpecError, parseSpecText, validateSpec, type SweepSpec } from './spec.js';
import { createMemoryStore, type SweepStore } from './store.js';
import { runSweep, sweepIdentity } from './sweep.js';
import { DEFAULT_MAX_TRIALS, SweepLimitError, checkTrialCount } from './trials.js';

const TEXT =
  'the quick brown fox jumps over the lazy dog. a stitch in time saves nine. all that glitters is not gold. '.repeat(6);
const clock = (): (() => number) => {
  let now = 0;
  return () => (now += 1);
};

function spec(space: Record<string, unknown>, extra: Record<string, unknown> = {}): SweepSpec {
  return validateSpec({
    budget: { steps: 20 },
    base: { seqLength: 8, evalEvery: 10, logEvery: 5, saveEvery: 10, dtype: 'f64', valFraction: 0.2 },
    space,
    ...extra,
  });
}

const tenValues = (from: number) => Array.from({ length: 10 }, (_, i) => from + i);

describe('trial count limit', () => {
  it('refuses a 10^9 grid in one line that says where the count comes from', () => {
    const huge = validateSpec({
      budget: { steps: 10 },
      space: {
        hidden: tenValues(8),
        seqLength: tenValues(2),
        sampleLength: tenValues(1),
        logEvery: tenValues(1),
        evalEvery: tenValues(1),
        saveEvery: tenValues(1),
        seed: tenValues(1),
        clip: tenValues(1),
        layers: tenValues(1),
      },
    });
    expect(huge.trials).toBe(1e9);
    expect(() => checkTrialCount(huge)).toThrow(SweepLimitError);
    expect(() => checkTrialCount(huge)).toThrow(
      /^the grid multiplies out to 1000000000 trials \(hidden 10 × seqLength 10 × .*\), more than the limit of 1000$/,
    );
    expect(() => checkTrialCount(spec({ hidden: [4, 5] }, { method: 'random', trials: 5000 }), 4999)).toThrow(
      /trials is 5000, more than the limit of 4999/,
    );
    expect(() => checkTrialCount(spec({ hidden: [4, 5] }, { method: 'random', trials: 5000 }), 5000)).not.toThrow();
    expect(DEFAULT_MAX_TRIALS).toBe(1000);
  });

  it('runSweep refuses it before writing anything', async () => {
    const s = spec({ hidden: [4, 5, 6] });
    const store = createMemoryStore();
    await expect(
      runSweep({
        spec: s,
        identity: sweepIdentity(s, TEXT),
        executor: createInProcessExecutor({ text: TEXT, clock: clock(), slots: 1 }),
        store,
        clock: clock(),
        maxTrials: 2,
      }),
    ).rejects.toThrow(SweepLimitError);
    expect(store.files.size).toBe(0);
  });
});

describe('trials are materialised as they start', () => {
  it("a sweep stopped after its first trial has made only that trial's files", async () => {
    const s = spec({ hidden: [4, 5, 6, 7] });
    const store = createMemoryStore();
    const controller = new AbortController();
    await runSweep({
      spec: s,
      identity: sweepIdentity(s, TEXT),
      executor: createInProcessExecutor({ text: TEXT, clock: clock(), slots: 1 }),
      store,
      clock: clock(),
      signal: controller.signal,
      onTrialEnd: () => controller.abort(),
    });
    const trialDirs = new Set(
      [...store.files.keys()].filter((k) => k.startsWith('trials/')).map((k) => k.split('/')[1]),
    );
    expect([...trialDirs]).toEqual(['t000']);
  });
});

describe('a store that fails (disk full)', () => {
  it('stops the sweep with that error after the current step, the trial left resumable, and a resume completes', async () => {
    const s = spec({ hidden: [4, 5] });
    const inner = createMemoryStore();
    let full = false;
    const enospc = Object.assign(
      new Error('cannot write "trials/t000/last.safetensors": no space left on the device (ENOSPC)'),
      { name: 'WriteError' },
    );
    const store: SweepStore = {
      ...inner,
      writeAtomic(path, data) {
        if (full && path.endsWith('.safetensors')) throw enospc;
        inner.writeAtomic(path, data);
        if (path === 'trials/t000/last.safetensors') full = true; // the disk fills after the first checkpoint
      },
    };
    const options = { spec: s, identity: sweepIdentity(s, TEXT), store, clock: clock() };
    await expect(
      runSweep({ ...options, executor: createInProcessExecutor({ text: TEXT, clock: clock(), slots: 1 }) }),
    ).rejects.toBe(enospc);
    expect(JSON.parse(inner.readText('trials/t000/record.json')!).status).toBe('running');
    expect(inner.readText('trials/t001/record.json')).toBeNull();

    full = false;
    const resumed = {
      ...options,
      store: inner,
      resume: true,
      executor: createInProcessExecutor({ text: TEXT, clock: clock(), slots: 1 }),
    };
    const result = await runSweep(resumed);
    expect(result.records.map((r) => r.status)).toEqual(['ok', 'ok']);
    const steps = inner
      .readText('trials/t000/log.csv')!
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => Number(line.split(',')[0]));
    expect(steps).toEqual([5, 10, 15, 20]);
  });
});

describe('sweep spec fuzzing', () => {
  const key = fc.constantFrom(
    'name',
    'method',
    'trials',
    'seed',
    'data',
    'metric',
    'budget',
    'base',
    'space',
    'asha',
    'hidden',
    'lr',
    'steps',
    'dist',
    'values',
    'min',
    'max',
    'eta',
    'rungs',
    'x',
  );
  const leaf = fc.oneof(
    fc.integer({ min: -3, max: 1e6 }),
    fc.double(),
    fc.constantFrom('grid', 'random', 'adam', 'loguniform', 'choice', 'int', '', 'val_bpc'),
    fc.boolean(),
    fc.constant(null),
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      leaf,
      fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    ),
  })).node;

  it('random documents (as YAML) give a valid spec or a SpecError listing one-line problems', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 6 }), (doc) => {
        try {
          const parsed = parseSpecText(stringify(doc));
          expect(parsed.trials).toBeGreaterThan(0);
        } catch (error) {
          if (!(error instanceof SpecError)) throw error;
          for (const problem of error.problems) expect(problem).not.toMatch(/\n/);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('random text gives a SpecError, never another exception', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        try {
          parseSpecText(text);
        } catch (error) {
          if (!(error instanceof SpecError)) throw error;
        }
      }),
      { numRuns: 150 },
    );
  });
});
