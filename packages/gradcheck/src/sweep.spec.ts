import { describe, expect, it } from 'vitest';
import { Prng } from '@charrnn/tensor';
import { DEFAULT_SWEEP_EPS, epsSweep, type SweepRow } from './sweep.js';
import { smallCase } from './test-fixtures.js';

describe('epsSweep', () => {
  it.each([3, 5] as const)('shows the U-curve for the %i-point stencil: ε = 1e-5 beats both ends', (stencil) => {
    const { target } = smallCase('rnn', 1, 1);
    const seen: SweepRow[] = [];
    const rows = epsSweep(target, { stencil, onRow: (row) => seen.push(row) });
    expect(rows.map((r) => r.eps)).toEqual([1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10]);
    expect(seen).toEqual(rows);
    const at = (eps: number): SweepRow => rows.find((r) => r.eps === eps)!;
    for (const key of ['maxRelErr', 'medianRelErr'] as const) {
      expect(at(1e-5)[key]).toBeLessThan(at(1e-1)[key]);
      expect(at(1e-5)[key]).toBeLessThan(at(1e-10)[key]);
    }
  });

  it('uses the same K entries per tensor at every ε, deterministically for a seed', () => {
    const run = (): SweepRow[] =>
      epsSweep(smallCase('gru', 1, 1).target, { epsValues: [1e-3, 1e-5], entries: 3, rng: new Prng(9) });
    expect(run()).toEqual(run());
    expect(DEFAULT_SWEEP_EPS).toHaveLength(10);
  });

  it('refuses a non-positive ε', () => {
    expect(() => epsSweep(smallCase('rnn', 1, 1).target, { epsValues: [1e-3, -1] })).toThrow(
      /epsSweep: options.eps must be a positive finite number, got -1/,
    );
  });
});
