import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { describeRule, formatHelp, parseFlags, type FlagSpec } from './flags.js';

const TABLE = {
  hidden: { flag: 'hidden', kind: 'int', min: 1, default: 100, help: 'hidden units' },
  lr: { flag: 'lr', kind: 'number', min: 0, exclusiveMin: true, default: 0.1, help: 'learning rate' },
  optimizer: { flag: 'optimizer', kind: 'enum', values: ['adagrad', 'adam'], default: 'adagrad', help: 'rule' },
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

  it('says what is wrong with a value, quoting it', () => {
    expect(error(['--hidden', 'abc'])).toBe('--hidden must be a positive integer, got "abc"');
    expect(error(['--hidden', '0'])).toBe('--hidden must be a positive integer, got "0"');
    expect(error(['--hidden', '2.5'])).toBe('--hidden must be a positive integer, got "2.5"');
    expect(error(['--lr', '-1'])).toBe('--lr must be a positive number, got "-1"');
    expect(error(['--lr', 'abc'])).toBe('--lr must be a positive number, got "abc"');
    expect(error(['--optimizer', 'foo'])).toBe('--optimizer must be one of adagrad, adam, got "foo"');
  });

  it('lists the valid flags for an unknown one, and rejects stray arguments', () => {
    expect(error(['--bogus', '1'])).toMatch(/^unknown flag --bogus; valid flags are --hidden, --lr, --optimizer, --data, --force, --help$/);
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
