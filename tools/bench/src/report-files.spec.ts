import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, fileStamp, resultsCsv } from './report-files.js';
import { fake } from './test-measurements.js';

describe('resultsCsv', () => {
  it('writes one row per measurement under the header, with unrounded numbers and empty ratio cells', () => {
    const all = [fake('rnn-h100-t25-b1', 'charrnn', 200_000), fake('rnn-h100-t25-b1', 'numpy-seed', 20_000)];
    const rows: Record<string, string>[] = parse(resultsCsv(all, 80), { columns: true });
    expect(Object.keys(rows[0]!)).toEqual([...CSV_COLUMNS]);
    expect(rows[0]!['chars_per_s']).toBe('200000');
    expect(rows[0]!['flops_per_char']).toBe('108000');
    expect(rows[0]!['gflops']).toBe('21.6');
    expect(rows[0]!['vs_numpy_seed']).toBe('10');
    expect(rows[1]!['vs_numpy_seed']).toBe('');
    expect(rows[1]!['kernels']).toBe('');
  });
});

describe('fileStamp', () => {
  it('turns an ISO time into a sortable file-name part', () => {
    expect(fileStamp('2026-11-27T04:13:05.123Z')).toBe('20261127-041305');
    expect(() => fileStamp('yesterday')).toThrow(RangeError);
  });
});
