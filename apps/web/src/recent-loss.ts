// The training loss the page shows: the mean over the recent steps, in bits per character like
// validation, so the two can be compared at a glance. The seed's 0.999 moving average starts at a
// uniform guess (ln V) and trails the real loss for thousands of steps; a plain window does not.

/**
 * Step events in the window: the page logs every 10th step, so this spans the last 200 steps — long
 * enough to average out batch-1 noise, short enough not to carry the first steps along for long.
 */
export const RECENT_STEP_EVENTS = 20;

export class RecentLoss {
  private readonly values: number[] = [];
  private sum = 0;

  constructor(private readonly size = RECENT_STEP_EVENTS) {}

  /** Adds one step's mean loss (nats per character); returns the window's mean in bits per character. */
  add(lossNats: number): number {
    this.values.push(lossNats);
    this.sum += lossNats;
    if (this.values.length > this.size) this.sum -= this.values.shift()!;
    return this.bits();
  }

  /** The window's mean, bits per character (NaN when empty). */
  bits(): number {
    return this.sum / this.values.length / Math.LN2;
  }

  clear(): void {
    this.values.length = 0;
    this.sum = 0;
  }
}
