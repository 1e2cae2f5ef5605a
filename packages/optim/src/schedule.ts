// Learning-rate schedules: the rate for update number s (1-based) as a pure function of s, the
// run's length and, for "plateau", the validation history seen so far. The trainer asks for the
// rate before each optimizer step and reports every validation loss; the little state a plateau
// schedule keeps is saved in checkpoints so a resumed run gets the same rates to the last bit.
//
//   constant  lr
//   cosine    lr · (f + (1 − f)·½(1 + cos πp))        p = progress after warmup in [0, 1], f = minFactor
//   linear    lr · (1 − (1 − f)·p)
//   step      lr · max(f, decay^⌊(s − warmup − 1) / decayEvery⌋)
//   plateau   lr · max(f, decay^k), k = times validation went `patience` evaluations without improving
// Every kind ramps linearly from lr/warmup to lr over the first `warmup` updates.

import { nonNegative, positive, unitInterval } from './check.js';

export const LR_SCHEDULES = ['constant', 'cosine', 'linear', 'step', 'plateau'] as const;
export type LrScheduleName = (typeof LR_SCHEDULES)[number];

export interface LrScheduleOptions {
  readonly kind: LrScheduleName;
  /** The peak rate, reached after warmup. */
  readonly lr: number;
  /** Updates of linear warmup (0: none). */
  readonly warmup?: number;
  /** Updates in the whole run; cosine and linear reach their floor here. */
  readonly totalSteps?: number;
  /** The floor as a fraction of lr (cosine and linear end there; step and plateau stop there). Default 0. */
  readonly minFactor?: number;
  /** step and plateau multiply the rate by this. Default 0.5. */
  readonly decay?: number;
  /** step: updates between decays. Default 1000. */
  readonly decayEvery?: number;
  /** plateau: evaluations without improvement before a decay. Default 2. */
  readonly patience?: number;
}

/** What a plateau schedule has learned from validation; empty of meaning for the other kinds. */
export interface LrScheduleState {
  readonly best: number | null;
  readonly badEvals: number;
  readonly decays: number;
}

export class LrSchedule {
  readonly kind: LrScheduleName;
  private readonly lr: number;
  private readonly warmup: number;
  private readonly totalSteps: number;
  private readonly minFactor: number;
  private readonly decay: number;
  private readonly decayEvery: number;
  private readonly patience: number;
  private best: number | null = null;
  private badEvals = 0;
  private decays = 0;

  constructor(options: LrScheduleOptions) {
    const fn = 'LrSchedule';
    if (!(LR_SCHEDULES as readonly string[]).includes(options.kind)) {
      throw new RangeError(
        `${fn}: kind must be one of ${LR_SCHEDULES.join(', ')}, got ${JSON.stringify(options.kind)}`,
      );
    }
    this.kind = options.kind;
    this.lr = nonNegative(fn, 'lr', options.lr);
    this.warmup = wholeNumber(fn, 'warmup', options.warmup ?? 0);
    this.totalSteps = wholeNumber(fn, 'totalSteps', options.totalSteps ?? 0);
    this.minFactor = nonNegative(fn, 'minFactor', options.minFactor ?? 0);
    if (this.minFactor > 1) throw new RangeError(`${fn}: minFactor must be in [0, 1], got ${this.minFactor}`);
    this.decay = unitInterval(fn, 'decay', options.decay ?? 0.5);
    this.decayEvery = wholeNumber(fn, 'decayEvery', positive(fn, 'decayEvery', options.decayEvery ?? 1000));
    this.patience = wholeNumber(fn, 'patience', positive(fn, 'patience', options.patience ?? 2));
  }

  /** The rate for update number `step` (1 for the first update). */
  lrAt(step: number): number {
    const warm = this.warmup > 0 && step <= this.warmup ? step / this.warmup : 1;
    return this.lr * warm * this.factorAfterWarmup(step);
  }

  private factorAfterWarmup(step: number): number {
    const f = this.minFactor;
    const span = this.totalSteps - this.warmup;
    const progress = span > 0 ? Math.min(1, Math.max(0, (step - this.warmup) / span)) : 0;
    switch (this.kind) {
      case 'constant':
        return 1;
      case 'cosine':
        return f + (1 - f) * 0.5 * (1 + Math.cos(Math.PI * progress));
      case 'linear':
        return 1 - (1 - f) * progress;
      case 'step':
        return Math.max(f, this.decay ** Math.floor(Math.max(0, step - this.warmup - 1) / this.decayEvery));
      case 'plateau':
        return Math.max(f, this.decay ** this.decays);
    }
  }

  /** Reports a validation loss; a plateau schedule decays after `patience` evaluations without a new best. */
  observe(valLoss: number): void {
    if (this.best === null || valLoss < this.best) {
      this.best = valLoss;
      this.badEvals = 0;
      return;
    }
    this.badEvals++;
    if (this.kind === 'plateau' && this.badEvals >= this.patience) {
      this.decays++;
      this.badEvals = 0;
    }
  }

  getState(): LrScheduleState {
    return { best: this.best, badEvals: this.badEvals, decays: this.decays };
  }

  setState(state: LrScheduleState): void {
    const fn = 'LrSchedule.setState';
    if (state.best !== null && !Number.isFinite(state.best))
      throw new RangeError(`${fn}: best must be a finite number or null, got ${state.best}`);
    this.best = state.best;
    this.badEvals = wholeNumber(fn, 'badEvals', state.badEvals);
    this.decays = wholeNumber(fn, 'decays', state.decays);
  }
}

function wholeNumber(fn: string, what: string, value: number): number {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${fn}: ${what} must be a non-negative integer, got ${value}`);
  return value;
}
