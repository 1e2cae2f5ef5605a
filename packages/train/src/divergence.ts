// When is a run diverging rather than merely noisy? A non-finite loss always; otherwise a loss
// above `factor` × ln V — that many times worse than guessing every character uniformly — on
// `window` consecutive steps. A model that is learning is below ln V within a few steps and a
// spike recovers within a few more; a run that stays far above it for a window has blown up.

export interface DivergenceRule {
  /** Multiple of ln V (the uniform guess's loss) a step's loss must exceed to count; 0 turns the check off. */
  readonly factor: number;
  /** Consecutive steps above the line that stop the run. */
  readonly window: number;
}

export const DEFAULT_DIVERGENCE: DivergenceRule = { factor: 3, window: 100 };

export class DivergenceWatch {
  private readonly limit: number;
  private run = 0;

  constructor(
    private readonly rule: DivergenceRule,
    vocabSize: number,
  ) {
    if (!(rule.factor >= 0) || !Number.isInteger(rule.window) || rule.window < 1) {
      throw new RangeError(
        `DivergenceWatch: factor must be >= 0 and window a positive integer, got ${rule.factor} and ${rule.window}`,
      );
    }
    this.limit = rule.factor * Math.log(Math.max(vocabSize, 2));
  }

  /** Steps in a row so far above the line (periodic checkpoints wait while it is > 0). */
  get streak(): number {
    return this.run;
  }

  /** Records one step's loss per character; returns why the run diverged, or null. */
  observe(lossPerChar: number, step: number): string | null {
    if (!Number.isFinite(lossPerChar)) return `loss became ${lossPerChar} at step ${step}`;
    if (this.rule.factor === 0 || lossPerChar <= this.limit) {
      this.run = 0;
      return null;
    }
    this.run++;
    if (this.run < this.rule.window) return null;
    return `loss stayed above ${this.rule.factor} × ln V = ${this.limit.toFixed(2)} nats for ${this.rule.window} steps (step ${step}: ${lossPerChar.toPrecision(4)})`;
  }
}
