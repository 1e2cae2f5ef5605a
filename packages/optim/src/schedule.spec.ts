import { describe, expect, it } from 'vitest';
import { LrSchedule } from './schedule.js';

const close = (a: number, e: number): void => expect(Math.abs(a - e)).toBeLessThanOrEqual(1e-12 + 1e-10 * Math.abs(e));

describe('LrSchedule', () => {
  it('constant keeps lr, after a linear warmup from lr/warmup', () => {
    const s = new LrSchedule({ kind: 'constant', lr: 0.4, warmup: 4 });
    expect([1, 2, 3, 4, 5, 100].map((t) => s.lrAt(t))).toEqual([0.1, 0.2, 0.30000000000000004, 0.4, 0.4, 0.4]);
  });

  it('cosine follows ½(1 + cos πp) from lr down to the floor at the last step', () => {
    const s = new LrSchedule({ kind: 'cosine', lr: 1, totalSteps: 100, minFactor: 0.1 });
    close(s.lrAt(0), 1);
    close(s.lrAt(50), 0.1 + 0.9 * 0.5);
    close(s.lrAt(25), 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI / 4)));
    close(s.lrAt(100), 0.1);
    close(s.lrAt(150), 0.1);
  });

  it('cosine and linear count progress from the end of warmup', () => {
    const s = new LrSchedule({ kind: 'linear', lr: 2, warmup: 10, totalSteps: 110 });
    close(s.lrAt(5), 1);
    close(s.lrAt(10), 2);
    close(s.lrAt(60), 1);
    close(s.lrAt(110), 0);
  });

  it('step multiplies by decay every decayEvery updates, never below the floor', () => {
    const s = new LrSchedule({ kind: 'step', lr: 1, decay: 0.5, decayEvery: 10, minFactor: 0.2 });
    expect([1, 10, 11, 20, 21, 31, 1000].map((t) => s.lrAt(t))).toEqual([1, 1, 0.5, 0.5, 0.25, 0.2, 0.2]);
  });

  it('plateau decays after patience evaluations without a new best, and its state round-trips', () => {
    const s = new LrSchedule({ kind: 'plateau', lr: 1, decay: 0.1, patience: 2 });
    for (const loss of [3, 2, 2.5, 2.1]) s.observe(loss);
    close(s.lrAt(1), 0.1);
    s.observe(1.9); // a new best resets the count
    s.observe(2);
    close(s.lrAt(1), 0.1);
    const copy = new LrSchedule({ kind: 'plateau', lr: 1, decay: 0.1, patience: 2 });
    copy.setState(s.getState());
    s.observe(2);
    copy.observe(2);
    close(copy.lrAt(1), 0.01);
    expect(copy.getState()).toEqual(s.getState());
  });

  it('other kinds ignore validation', () => {
    const s = new LrSchedule({ kind: 'cosine', lr: 1, totalSteps: 10 });
    for (const loss of [1, 2, 3, 4, 5]) s.observe(loss);
    close(s.lrAt(0), 1);
  });

  it('refuses bad options with the rule and the value', () => {
    expect(() => new LrSchedule({ kind: 'exp' as never, lr: 1 })).toThrow(
      'LrSchedule: kind must be one of constant, cosine, linear, step, plateau, got "exp"',
    );
    expect(() => new LrSchedule({ kind: 'step', lr: 1, decay: 1 })).toThrow(
      'LrSchedule: decay must be in [0, 1), got 1',
    );
    expect(() => new LrSchedule({ kind: 'step', lr: 1, warmup: 1.5 })).toThrow(
      'LrSchedule: warmup must be a non-negative integer, got 1.5',
    );
    expect(() => new LrSchedule({ kind: 'step', lr: 1, minFactor: 2 })).toThrow(
      'LrSchedule: minFactor must be in [0, 1], got 2',
    );
  });
});
