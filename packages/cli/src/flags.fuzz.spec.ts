// Fuzzing the flag parser: any argv — random strings, real flag names with hostile values, dashes,
// numbers at the edge of doubles — either parses or throws the project's own UsageError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { parseFlags, type FlagSpec } from './flags.js';

const TABLE = {
  hidden: { flag: 'hidden', kind: 'int', min: 1, max: 8192, default: 100, help: 'h' },
  lr: { flag: 'lr', kind: 'number', min: 0, exclusiveMin: true, default: 0.1, help: 'l' },
  clip: { flag: 'clip', kind: 'number', min: -5, max: 5, help: 'c' },
  cell: { flag: 'cell', kind: 'enum', values: ['rnn', 'lstm', 'gru'], default: 'rnn', help: 'c' },
  data: { flag: 'data', kind: 'string', help: 'd' },
  force: { flag: 'force', kind: 'boolean', help: 'f' },
} satisfies Record<string, FlagSpec>;

const token = fc.oneof(
  fc.constantFrom(
    '--hidden',
    '--lr',
    '--clip',
    '--cell',
    '--data',
    '--force',
    '--help',
    '--',
    '-',
    '-h',
    '--force=true',
    '--hidden=',
    '--no-force',
    '--HIDDEN',
  ),
  fc.constantFrom(
    '0',
    '-1',
    '1e308',
    '1e309',
    'NaN',
    'Infinity',
    '-0',
    '0x10',
    '1_000',
    ' 5',
    '5 ',
    '',
    '\u0000',
    '٣',
    'lstm',
    'LSTM',
  ),
  fc.double().map(String),
  fc.integer().map(String),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

describe('flag parser fuzzing', () => {
  it('every argv parses or throws a UsageError, and parsed numbers keep their rules', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), fc.integer({ min: 0, max: 2 }), (argv, positionals) => {
        try {
          const parsed = parseFlags(argv, TABLE, { positionals });
          const hidden = parsed.values.hidden as number;
          expect(Number.isInteger(hidden) && hidden >= 1 && hidden <= 8192).toBe(true);
          expect(parsed.values.lr as number).toBeGreaterThan(0);
          expect(Number.isFinite(parsed.values.lr as number)).toBe(true);
          expect(['rnn', 'lstm', 'gru']).toContain(parsed.values.cell);
        } catch (error) {
          if (!(error instanceof UsageError)) throw error;
          expect(error.message).not.toMatch(/\n/);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
