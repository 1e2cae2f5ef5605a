import { describe, expect, expectTypeOf, it } from 'vitest';
import { UsageError } from './errors.js';
import { describeRule, formatHelp, nearestFlag, parseFlags, type FlagSpec, type FlagTableFor } from './flags.js';

const TABLE = {
  hidden: { flag: 'hidden', kind: 'int', min: 1, default: 100, help: 'hidden units' },
  lr: { flag: 'lr', kind: 'number', min: 0, exclusiveMin: true, default: 0.1, help: 'learning rate' },
  optimizer: {
    flag: 'optimizer',
    kind: 'enum',
    values: ['adagrad', 'adam'] as const,
    default: 'adagrad',
    help: 'rule',
  },
  data: { flag: 'data', kind: 'string', help: 'file' },
  force: { flag: 'force', kind: 'boolean', help: 'overwrite' },
} satisfies Record<string, FlagSpec>;

const error = (argv: string[]): string => {
  try {
    parseFlags(argv, TABLE);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('parseFlags', () => {
  it('fills defaults, converts values and records which flags were given', () => {
    const parsed = parseFlags(['--hidden', '64', '--data', 'x.txt', '--force'], TABLE);
    expect(parsed.values).toEqual({ hidden: 64, lr: 0.1, optimizer: 'adagrad', data: 'x.txt', force: true });
    expect([...parsed.explicit].sort()).toEqual(['data', 'force', 'hidden']);
    expect(parsed.help).toBe(false);
  });

  it('types each parsed value from its flag kind: no casts at the call site', () => {
    const { values } = parseFlags(['--hidden', '64'], TABLE);
    expectTypeOf(values.hidden).toEqualTypeOf<number>();
    expectTypeOf(values.lr).toEqualTypeOf<number>();
    expectTypeOf(values.optimizer).toEqualTypeOf<'adagrad' | 'adam'>();
    // No default: absent is possible.
    expectTypeOf(values.data).toEqualTypeOf<string | undefined>();
    expectTypeOf(values.force).toEqualTypeOf<boolean | undefined>();
    expect(typeof values.hidden).toBe('number');
  });

  it('a table typed against a config needs a flag of the right kind for every key', () => {
    interface Config {
      readonly size: number;
      readonly mode: 'fast' | 'exact';
    }
    const table: FlagTableFor<Config> = {
      size: { flag: 'size', kind: 'int', default: 1, help: 'n' },
      mode: { flag: 'mode', kind: 'enum', values: ['fast', 'exact'], default: 'fast', help: 'm' },
    };
    expectTypeOf(parseFlags([], table).values.mode).toEqualTypeOf<'fast' | 'exact'>();
    // @ts-expect-error: a number setting cannot have a string flag
    const wrongKind: FlagTableFor<Config> = { ...table, size: { flag: 'size', kind: 'string', help: 'n' } };
    // @ts-expect-error: every key needs its flag
    const missing: FlagTableFor<Config> = { size: table.size };
    expect([wrongKind, missing]).toHaveLength(2);
  });

  it('says what is wrong with a value, quoting it', () => {
    expect(error(['--hidden', 'abc'])).toBe('--hidden must be a positive integer, got "abc"');
    expect(error(['--hidden', '0'])).toBe('--hidden must be a positive integer, got "0"');
    expect(error(['--hidden', '2.5'])).toBe('--hidden must be a positive integer, got "2.5"');
    expect(error(['--lr', '-1'])).toBe('--lr must be a positive number, got "-1"');
    expect(error(['--lr', 'abc'])).toBe('--lr must be a positive number, got "abc"');
    expect(error(['--optimizer', 'foo'])).toBe('--optimizer must be one of adagrad, adam, got "foo"');
  });

  it('lists the valid flags for an unknown one, and rejects stray arguments', () => {
    expect(error(['--bogus', '1'])).toMatch(
      /^unknown flag --bogus; valid flags are --hidden, --lr, --optimizer, --data, --force, --help$/,
    );
    expect(error(['stray'])).toBe('unexpected argument "stray"');
    expect(error(['--hidden'])).toBe('--hidden needs a value');
  });

  it('describes rules in words', () => {
    expect(describeRule({ kind: 'number', min: 0, max: 1, exclusiveMax: true })).toBe('must be a number in [0, 1)');
    expect(describeRule({ kind: 'int', min: 0 })).toBe('must be a non-negative integer');
    expect(describeRule({ kind: 'int', min: 1, max: 16 })).toBe('must be an integer in [1, 16]');
  });

  it('prints help with every flag and its default', () => {
    const help = formatHelp('tool [options]', 'Does things.', TABLE);
    for (const spec of Object.values(TABLE)) expect(help).toContain(`--${spec.flag}`);
    expect(help).toContain('(default: 100)');
    expect(parseFlags(['--help'], TABLE).help).toBe(true);
  });
});

describe('flag names: misspellings, aliases, -h and --version', () => {
  const SPELLED = {
    seqLength: { flag: 'seq-length', kind: 'int', min: 1, default: 25, help: 'window' },
    temperature: {
      flag: 'temperature',
      kind: 'number',
      min: 0,
      exclusiveMin: true,
      default: 1,
      help: 'temperature',
      aliases: ['sample-temperature'],
    },
  } satisfies Record<string, FlagSpec>;
  const message = (argv: string[]): { message: string; hint?: string } => {
    try {
      parseFlags(argv, SPELLED);
    } catch (e) {
      return {
        message: (e as UsageError).message,
        ...((e as UsageError).hint ? { hint: (e as UsageError).hint } : {}),
      };
    }
    throw new Error('expected a UsageError');
  };

  it('suggests the nearest flag for a misspelled one', () => {
    expect(message(['--seq-lenght', '10'])).toEqual({
      message: 'unknown flag --seq-lenght; did you mean --seq-length?',
      hint: '--help lists every flag',
    });
    expect(message(['--seqlength=10']).message).toBe('unknown flag --seqlength; did you mean --seq-length?');
    expect(message(['--temprature', '0.5']).message).toBe('unknown flag --temprature; did you mean --temperature?');
    expect(message(['--verison']).message).toBe('unknown flag --verison; did you mean --version?');
  });

  it('lists every flag instead of guessing when nothing is close', () => {
    expect(message(['--zzzzzz', '1']).message).toBe(
      'unknown flag --zzzzzz; valid flags are --seq-length, --temperature, --help',
    );
    expect(nearestFlag('--x', SPELLED)).toBeUndefined();
  });

  it('takes an alias for the same setting, validated under the name used', () => {
    const parsed = parseFlags(['--sample-temperature', '0.5'], SPELLED);
    expect(parsed.values.temperature).toBe(0.5);
    expect([...parsed.explicit]).toEqual(['temperature']);
    expect(message(['--sample-temperature', '-1']).message).toBe(
      '--sample-temperature must be a positive number, got "-1"',
    );
  });

  it('reads -h as --help and reports --version', () => {
    expect(parseFlags(['-h'], SPELLED).help).toBe(true);
    expect(parseFlags(['--version'], SPELLED).version).toBe(true);
    expect(parseFlags([], SPELLED).version).toBe(false);
    const help = formatHelp('tool', 'Does things.', SPELLED);
    expect(help).toContain('  -h, --help');
    expect(help).toContain('  --version');
    expect(help).toContain('(default: 1) (also --sample-temperature)');
  });
});
