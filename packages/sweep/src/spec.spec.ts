import { describe, expect, it } from 'vitest';
import { SpecError, parseSpecText, validateSpec } from './spec.js';

function problems(spec: unknown): readonly string[] {
  try {
    validateSpec(spec);
  } catch (error) {
    if (error instanceof SpecError) return error.problems;
    throw error;
  }
  throw new Error('expected a SpecError');
}

const minimal = { budget: { steps: 100 }, space: { hidden: [16, 32] } };

describe('parseSpecText', () => {
  it('reads a YAML grid spec with defaults filled', () => {
    const spec = parseSpecText(
      'method: grid\nbudget: { steps: 200 }\nbase: { seq-length: 16, optimizer: adam }\nspace:\n  hidden: [32, 64]\n  lr: [0.01, 0.003]\n',
    );
    expect(spec.method).toBe('grid');
    expect(spec.trials).toBe(4);
    expect(spec.seed).toBe(0);
    expect(spec.metric).toBe('val_bpc');
    expect(spec.budget).toEqual({ kind: 'steps', value: 200 });
    expect(spec.base).toEqual({ seqLength: 16, optimizer: 'adam' });
    expect(spec.space.map((p) => p.key)).toEqual(['hidden', 'lr']);
  });

  it('reads JSON and random distributions', () => {
    const spec = parseSpecText(
      JSON.stringify({
        method: 'random',
        trials: 5,
        seed: 7,
        metric: 'val_loss',
        budget: { chars: 5000 },
        asha: { eta: 2 },
        space: {
          lr: { dist: 'loguniform', min: 0.001, max: 0.1 },
          hidden: { dist: 'int', min: 8, max: 32 },
          cell: ['rnn', 'gru'],
          dropout: { dist: 'uniform', min: 0, max: 0.5 },
          optimizer: { dist: 'choice', values: ['adam', 'sgd'] },
        },
      }),
    );
    expect(spec.trials).toBe(5);
    expect(spec.asha).toEqual({ eta: 2, rungs: 2 });
    expect(spec.space.find((p) => p.key === 'lr')!.spec).toEqual({ dist: 'loguniform', min: 0.001, max: 0.1 });
    expect(spec.space.find((p) => p.key === 'cell')!.spec).toEqual({ dist: 'choice', values: ['rnn', 'gru'] });
  });

  it('reports YAML syntax errors as one problem', () => {
    expect(() => parseSpecText('space: [1, 2\n')).toThrow(/is not valid YAML or JSON/);
  });

  it('rejects a spec that is not a mapping', () => {
    expect(() => parseSpecText('- 1\n- 2\n')).toThrow(SpecError);
  });
});

describe('validateSpec errors (every problem, with its path)', () => {
  const cases: [string, unknown, string][] = [
    [
      'loguniform min must be > 0',
      { method: 'random', trials: 2, budget: { steps: 1 }, space: { lr: { dist: 'loguniform', min: 0, max: 1 } } },
      'space.lr.min must be > 0 for a loguniform distribution, got 0',
    ],
    [
      'min < max',
      { method: 'random', trials: 2, budget: { steps: 1 }, space: { lr: { dist: 'uniform', min: 0.5, max: 0.1 } } },
      'space.lr.min must be < max, got min 0.5 and max 0.1',
    ],
    [
      'unknown space key with suggestion',
      { ...minimal, space: { hiden: [1] } },
      'space.hiden is not a known setting (did you mean hidden?)',
    ],
    ['unknown base key', { ...minimal, base: { lerning: 1 } }, 'base.lerning is not a known setting'],
    ['unknown top key', { ...minimal, metrc: 'val_bpc' }, 'metrc is not a known key (did you mean metric?)'],
    ['bad base value', { ...minimal, base: { lr: -1 } }, 'base.lr must be > 0, got -1'],
    [
      'bad enum value in a list',
      { ...minimal, space: { cell: ['rnn', 'tcn'] } },
      'space.cell[1] must be one of rnn, lstm, gru, got "tcn"',
    ],
    ['empty list', { ...minimal, space: { hidden: [] } }, 'space.hidden must list at least one value, got []'],
    ['repeated values', { ...minimal, space: { hidden: [8, 8] } }, 'space.hidden must not repeat a value, got [8,8]'],
    ['no budget', { space: { hidden: [8] } }, 'budget is required'],
    [
      'two budgets',
      { budget: { steps: 1, seconds: 2 }, space: { hidden: [8] } },
      'budget must set exactly one of steps, chars, seconds, got steps and seconds',
    ],
    ['bad budget', { budget: { steps: 0 }, space: { hidden: [8] } }, 'budget.steps must be a positive integer, got 0'],
    [
      'unknown budget key',
      { budget: { step: 10 }, space: { hidden: [8] } },
      'budget.step is not a known key (did you mean steps?)',
    ],
    [
      'grid with a distribution',
      { ...minimal, space: { lr: { dist: 'uniform', min: 0.1, max: 0.2 } } },
      'space.lr must be a list of values for method: grid, got a uniform distribution; use method: random',
    ],
    [
      'random without trials',
      { ...minimal, method: 'random' },
      'trials must be set for method: random (how many configurations to sample)',
    ],
    [
      'grid with trials',
      { ...minimal, trials: 3 },
      'trials is only for method: random (a grid runs every combination)',
    ],
    ['bad method', { ...minimal, method: 'bayes' }, 'method must be grid or random, got "bayes"'],
    ['bad metric', { ...minimal, metric: 'accuracy' }, 'metric must be val_bpc or val_loss, got "accuracy"'],
    ['steps in base', { ...minimal, base: { steps: 5 } }, 'base.steps is set by the budget; use budget.steps instead'],
    [
      'swept budget key',
      { ...minimal, space: { maxSeconds: [1] } },
      'space.maxSeconds is set by the budget and cannot be swept',
    ],
    [
      'threads in base',
      { ...minimal, base: { threads: 2 } },
      'base.threads cannot be set: each trial runs on one thread and the sweep uses the cores through --workers',
    ],
    [
      'swept threads',
      { ...minimal, space: { threads: [1, 2] } },
      'space.threads cannot be set: each trial runs on one thread and the sweep uses the cores through --workers',
    ],
    [
      'a CPU-time budget in base',
      { ...minimal, base: { maxCpuSeconds: 600 } },
      "base.maxCpuSeconds cannot be set: trials share a process, whose CPU time is not one trial's; budget trials by budget.steps or budget.seconds",
    ],
    [
      'both base and space',
      { ...minimal, base: { hidden: 8 } },
      'space.hidden is also set in base; remove one of them',
    ],
    [
      'unknown dist',
      { ...minimal, space: { lr: { dist: 'normal' } } },
      'space.lr.dist must be one of choice, uniform, loguniform, int, got "normal"',
    ],
    [
      'int on a real',
      { ...minimal, method: 'random', trials: 1, space: { lr: { dist: 'int', min: 1, max: 3 } } },
      'space.lr.dist int is for integer settings; lr is a real number, use uniform or loguniform',
    ],
    [
      'distribution on an enum',
      { ...minimal, method: 'random', trials: 1, space: { cell: { dist: 'uniform', min: 0, max: 1 } } },
      'space.cell is a choice of names (rnn, lstm, gru); use a list, not a uniform distribution',
    ],
    [
      'bound outside the rule',
      { ...minimal, method: 'random', trials: 1, space: { dropout: { dist: 'uniform', min: 0, max: 1 } } },
      'space.dropout.max must be in [0, 1), got 1',
    ],
    [
      'extra distribution field',
      { ...minimal, method: 'random', trials: 1, space: { lr: { dist: 'uniform', min: 0.1, max: 0.2, log: true } } },
      'space.lr.log is not a field of a uniform distribution (fields: dist, min, max)',
    ],
    [
      'scalar space value',
      { ...minimal, space: { hidden: 8 } },
      'space.hidden must be a list of values or a distribution { dist, ... }, got 8',
    ],
    [
      'asha with seconds',
      { ...minimal, budget: { seconds: 5 }, asha: {} },
      'asha needs a budget in steps or chars, not seconds (rungs are step counts)',
    ],
    ['bad asha eta', { ...minimal, asha: { eta: 1 } }, 'asha.eta must be a number >= 2, got 1'],
    ['bad seed', { ...minimal, seed: -1 }, 'seed must be an integer in [0, 4294967295], got -1'],
    ['empty space', { budget: { steps: 5 }, space: {} }, 'space must list at least one setting to sweep'],
  ];
  for (const [name, spec, expected] of cases) {
    it(name, () => expect(problems(spec)).toContain(expected));
  }

  it('lists every problem at once', () => {
    const found = problems({ budget: { steps: 0 }, base: { lr: 0 }, space: { hiden: [1], layers: [0] } });
    expect(found).toEqual(
      expect.arrayContaining([
        'budget.steps must be a positive integer, got 0',
        'base.lr must be > 0, got 0',
        'space.hiden is not a known setting (did you mean hidden?)',
        'space.layers[0] must be in [1, 16], got 0',
      ]),
    );
    expect(found.length).toBe(4);
  });

  it('says how many problems in the message', () => {
    expect(() => validateSpec({ budget: { steps: 0 }, space: { hiden: [1] } })).toThrow(/spec has 2 problems/);
  });
});

describe('task and bidirectional as sweep keys', () => {
  it('sweeps the task and the direction as lists; a distribution over them is refused', () => {
    const spec = validateSpec({
      budget: { steps: 100 },
      base: { task: 'restore-spaces', cell: 'lstm' },
      space: { bidirectional: [true, false] },
    });
    expect(spec.base['task']).toBe('restore-spaces');
    expect(spec.space[0]).toEqual({ key: 'bidirectional', spec: { dist: 'choice', values: [true, false] } });
    expect(() =>
      validateSpec({ budget: { steps: 100 }, space: { bidirectional: { dist: 'uniform', min: 0, max: 1 } } }),
    ).toThrow(/space.bidirectional is a choice of names \(true, false\); use a list, not a uniform distribution/);
    expect(() => validateSpec({ budget: { steps: 100 }, space: { task: ['restore-comma'] } })).toThrow(
      /space.task\[0\] must be one of next-symbol, restore-spaces/,
    );
  });
});
