import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { validateSpec } from './spec.js';
import { expandTrials } from './trials.js';

describe('expandTrials (grid)', () => {
  const spec = validateSpec({
    budget: { steps: 200 },
    base: { seqLength: 10 },
    space: { hidden: [8, 16, 32], lr: [0.1, 0.01] },
  });

  it('runs the cartesian product, first setting slowest', () => {
    const trials = expandTrials(spec);
    expect(trials.length).toBe(6);
    expect(trials.map((t) => [t.params['hidden'], t.params['lr']])).toEqual([
      [8, 0.1],
      [8, 0.01],
      [16, 0.1],
      [16, 0.01],
      [32, 0.1],
      [32, 0.01],
    ]);
    expect(trials.map((t) => t.id)).toEqual(['t000', 't001', 't002', 't003', 't004', 't005']);
    expect(trials[3]!.config).toMatchObject({
      hidden: 16,
      lr: 0.01,
      seqLength: 10,
      steps: 200,
      maxSeconds: 0,
      evalEvery: 10,
      sampleEvery: 0,
    });
  });

  it('derives distinct, reproducible seeds, unless the base pins one', () => {
    const seeds = expandTrials(spec).map((t) => t.config.seed);
    expect(new Set(seeds).size).toBe(6);
    expect(expandTrials(spec).map((t) => t.config.seed)).toEqual(seeds);
    const pinned = validateSpec({ budget: { steps: 200 }, base: { seed: 42 }, space: { hidden: [8, 16] } });
    expect(expandTrials(pinned).map((t) => t.config.seed)).toEqual([42, 42]);
    const swept = validateSpec({ budget: { steps: 200 }, space: { seed: [1, 2, 3] } });
    expect(expandTrials(swept).map((t) => t.config.seed)).toEqual([1, 2, 3]);
  });

  it('turns a chars budget into steps per trial and a seconds budget into maxSeconds', () => {
    const chars = expandTrials(validateSpec({ budget: { chars: 1000 }, space: { seqLength: [10, 25] } }));
    expect(chars.map((t) => t.config.steps)).toEqual([100, 40]);
    const seconds = expandTrials(validateSpec({ budget: { seconds: 3 }, space: { hidden: [8] } }));
    expect(seconds[0]!.config.maxSeconds).toBe(3);
    expect(seconds[0]!.config.steps).toBeGreaterThan(1e8);
  });
});

describe('expandTrials (random)', () => {
  const make = (trials: number, seed = 5) =>
    validateSpec({
      method: 'random',
      trials,
      seed,
      budget: { steps: 100 },
      space: {
        lr: { dist: 'loguniform', min: 0.001, max: 0.1 },
        hidden: { dist: 'int', min: 8, max: 12 },
        dropout: { dist: 'uniform', min: 0, max: 0.5 },
        cell: ['rnn', 'lstm', 'gru'],
      },
    });

  it('draws the asked number of trials within bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const trials = expandTrials(make(20, seed));
        expect(trials.length).toBe(20);
        for (const t of trials) {
          const { lr, hidden, dropout, cell } = t.params as {
            lr: number;
            hidden: number;
            dropout: number;
            cell: string;
          };
          expect(lr >= 0.001 && lr <= 0.1).toBe(true);
          expect(Number.isInteger(hidden) && hidden >= 8 && hidden <= 12).toBe(true);
          expect(dropout >= 0 && dropout <= 0.5).toBe(true);
          expect(['rnn', 'lstm', 'gru']).toContain(cell);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('is deterministic, seed-dependent, and a longer sweep extends a shorter one', () => {
    const a = expandTrials(make(10));
    expect(expandTrials(make(10))).toEqual(a);
    expect(expandTrials(make(10, 6)).map((t) => t.params)).not.toEqual(a.map((t) => t.params));
    expect(expandTrials(make(15)).slice(0, 10)).toEqual(a);
  });

  it('covers the int range and spreads loguniform over decades', () => {
    const trials = expandTrials(make(300));
    expect(new Set(trials.map((t) => t.params['hidden']))).toEqual(new Set([8, 9, 10, 11, 12]));
    const below = trials.filter((t) => (t.params['lr'] as number) < 0.01).length;
    expect(below).toBeGreaterThan(100); // about half the draws fall in the lower decade
    expect(below).toBeLessThan(200);
  });
});
