import { describe, expect, it } from 'vitest';
import { UsageError } from '@charrnn/cli';
import { parseIntList, parseList } from './flags.js';

describe('list flags', () => {
  it('split on commas and drop blanks', () => {
    expect(parseList('kernels', ' auto, reference,,')).toEqual(['auto', 'reference']);
    expect(parseIntList('threads', '1,2')).toEqual([1, 2]);
  });

  it("reject empty lists and bad numbers with the flag's name", () => {
    expect(() => parseList('configs', ' , ')).toThrow(UsageError);
    expect(() => parseIntList('threads', '1,0')).toThrow('--threads must list positive integers, got "0"');
  });
});
