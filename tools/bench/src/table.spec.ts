import { describe, expect, it } from 'vitest';
import { formatMs, formatRatio, formatResultsTable, formatTargets, renderTable, resultRows } from './table.js';
import { fake } from './test-measurements.js';

describe('renderTable', () => {
  it('pads columns to the widest cell, right-aligning numbers', () => {
    const text = renderTable(
      ['name', 'n'],
      [
        ['a', '1'],
        ['long name', '123'],
      ],
      ['l', 'r'],
    );
    expect(text).toBe('name         n\n---------  ---\na            1\nlong name  123\n');
  });
});

describe('formatting', () => {
  it('keeps about three significant digits of milliseconds', () => {
    expect([formatMs(0.0804), formatMs(2.345), formatMs(1658.34), formatMs(Number.NaN)]).toEqual([
      '0.080',
      '2.35',
      '1658.3',
      '?',
    ]);
  });

  it('prints ratios with two decimals, or a dash when there is no peer', () => {
    expect([formatRatio(12.345), formatRatio(undefined), formatRatio(Number.POSITIVE_INFINITY)]).toEqual([
      '12.35×',
      '—',
      '—',
    ]);
  });
});

describe('resultRows', () => {
  it("shows chars/s, ms/step, GFLOP/s and the ratios, leaving a row's own family blank", () => {
    const all = [fake('rnn-h100-t25-b1', 'charrnn', 200_000), fake('rnn-h100-t25-b1', 'numpy-seed', 20_000)];
    const [ours, seed] = resultRows(all, 80);
    expect(ours).toEqual([
      'rnn H=100 T=25 B=1',
      'charrnn wasm-simd',
      '1',
      'float32',
      '200.0k',
      '0.125',
      '50.0',
      '21.60',
      '10.00×',
      '—',
      '—',
    ]);
    // The seed row: its own family's column (× numpy seed) blank, and no numpy batched or torch peer ran.
    expect(seed!.slice(8)).toEqual(['—', '—', '—']);
    expect(seed!.slice(0, 2)).toEqual(['rnn H=100 T=25 B=1', 'numpy seed']);
  });

  it('renders a header, a rule and one line per measurement', () => {
    const text = formatResultsTable([fake('rnn-h512-t25-b32', 'torch', 29_000)], 80);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^config\s+implementation\s+threads/);
    expect(lines[2]).toContain('29.0k');
  });
});

describe('formatTargets', () => {
  it('marks each target', () => {
    const text = formatTargets([
      { target: 'a', status: 'met', detail: '2×' },
      { target: 'b', status: 'not met', detail: '0.5×' },
      { target: 'c', status: 'not measured', detail: 'skipped' },
    ]);
    expect(text).toBe('[met]           a: 2×\n[NOT met]       b: 0.5×\n[not measured]  c: skipped\n');
  });
});
