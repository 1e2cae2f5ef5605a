import { describe, expect, it } from 'vitest';
import { AshaScheduler, ashaRungSteps } from './asha.js';

describe('ashaRungSteps', () => {
  it('a huge rung count (from a spec or a forged job) costs no more than the rungs there can be', () => {
    const started = performance.now();
    expect(ashaRungSteps(1000, 3, 1_000_000_000, 10)).toEqual(ashaRungSteps(1000, 3, 30, 10));
    expect(ashaRungSteps(1000, 3, 1_000_000_000, 10)).toEqual([10, 20, 40, 120, 340]);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('puts rungs at budget·η^-k, rounded up to evaluation steps', () => {
    expect(ashaRungSteps(900, 3, 2, 1)).toEqual([100, 300]);
    expect(ashaRungSteps(900, 3, 2, 40)).toEqual([120, 320]);
    expect(ashaRungSteps(10, 3, 5, 1)).toEqual([1, 3]);
  });

  it('rejects bad arguments', () => {
    expect(() => ashaRungSteps(0, 3, 2, 1)).toThrow(RangeError);
    expect(() => ashaRungSteps(10, 1, 2, 1)).toThrow(/eta must be >= 2/);
  });
});

describe('AshaScheduler', () => {
  it('keeps the top 1/η of the trials that reached a rung, stops the rest', () => {
    const asha = new AshaScheduler(3);
    // Trials arrive in this order with these losses at rung 0.
    const arrivals: [string, number][] = [
      ['a', 2.0],
      ['b', 3.0],
      ['c', 1.5],
      ['d', 2.5],
      ['e', 1.0],
      ['f', 4.0],
    ];
    const decisions = arrivals.map(([id, v]) => [id, asha.report(0, id, v)]);
    expect(decisions).toEqual([
      ['a', 'continue'], // alone at the rung: top 1 of 1
      ['b', 'stop'], // worse than a; top ceil(2/3)=1
      ['c', 'continue'], // best of 3
      ['d', 'stop'], // 3 better than it; top ceil(4/3)=2
      ['e', 'continue'], // best
      ['f', 'stop'], // worst; top 2 of 6
    ]);
    expect(asha.recorded(0).size).toBe(6);
    expect(asha.recorded(1).size).toBe(0);
  });

  it('treats rungs independently, stops non-finite values, and restores recorded values', () => {
    const asha = new AshaScheduler(2);
    asha.restore(1, 'x', 1.0);
    expect(asha.report(1, 'y', 2.0)).toBe('stop');
    expect(asha.report(0, 'y', 2.0)).toBe('continue');
    expect(asha.report(0, 'z', Number.NaN)).toBe('stop');
    expect(() => new AshaScheduler(1.5)).toThrow(RangeError);
  });
});
