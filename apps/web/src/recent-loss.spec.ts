import { describe, expect, it } from 'vitest';
import { RecentLoss } from './recent-loss.js';

describe('RecentLoss', () => {
  it('is the mean of the last steps in bits per character', () => {
    const recent = new RecentLoss(3);
    expect(recent.add(Math.LN2 * 4)).toBe(4);
    expect(recent.add(Math.LN2 * 2)).toBe(3);
    recent.add(Math.LN2 * 3);
    // The first value leaves the window: mean of 2, 3, 1.
    const bits = recent.add(Math.LN2 * 1);
    expect(Math.abs(bits - 2)).toBeLessThanOrEqual(1e-12 + 1e-10 * 2);
    recent.clear();
    expect(recent.bits()).toBeNaN();
  });

  it('follows a falling loss at once, where the seed 0.999 average still sits near its start', () => {
    const recent = new RecentLoss(50);
    let smooth = Math.log(65);
    let bits = 0;
    for (let i = 0; i < 400; i++) {
      const loss = 1.5;
      smooth = smooth * 0.999 + loss * 0.001;
      bits = recent.add(loss);
    }
    expect(Math.abs(bits - 1.5 / Math.LN2)).toBeLessThanOrEqual(1e-12);
    expect(smooth / Math.LN2).toBeGreaterThan(bits + 1.5);
  });
});
