// The --max-cpu-seconds rule: a session stops once the process has used this much CPU time since
// the session began. CPU time, not wall time, so a run on a busy machine gets the same amount of
// work as on a quiet one. The trainer checks it after each step. The app passes in the clock
// (process.cpuUsage()), so this package stays browser-safe.
//
// A run the budget ends still evaluates its last weights, so the budget keeps that evaluation's cost
// in hand (the CPU time of the latest evaluation, which the trainer reports): training stops early
// enough that the whole session, final evaluation included, fits the limit.

/** Seconds of CPU time (user + system) this process has used so far; only differences matter. */
export type CpuClock = () => number;

export class CpuBudget {
  private readonly startSeconds: number;
  private reservedSeconds = 0;

  /**
   * @param limitSeconds the budget of this session (0: no limit; then the clock is never read)
   * @param clock the process's CPU clock; required when limitSeconds > 0
   */
  constructor(
    private readonly limitSeconds: number,
    private readonly clock: CpuClock | undefined,
  ) {
    CpuBudget.check(limitSeconds, clock);
    this.startSeconds = limitSeconds > 0 ? clock!() : 0;
  }

  /** Throws unless a budget of limitSeconds can be kept with this clock (the trainer checks before any work). */
  static check(limitSeconds: number, clock: CpuClock | undefined): void {
    if (!(limitSeconds >= 0) || !Number.isFinite(limitSeconds))
      throw new RangeError(`CpuBudget: limitSeconds must be a finite number >= 0, got ${limitSeconds}`);
    if (limitSeconds > 0 && clock === undefined)
      throw new TypeError(
        `CpuBudget: a CPU clock must be given when maxCpuSeconds > 0 (the trainer option cpuClock), got none for ${limitSeconds} s`,
      );
  }

  /** CPU seconds used since the session began (0 without a limit). */
  used(): number {
    return this.limitSeconds > 0 ? this.clock!() - this.startSeconds : 0;
  }

  /**
   * Keeps this many CPU-seconds for the evaluation a stop still owes (the trainer passes the cost of
   * its latest evaluation; each call replaces the last).
   */
  reserveForFinalEvaluation(seconds: number): void {
    if (!(seconds >= 0) || !Number.isFinite(seconds))
      throw new RangeError(`CpuBudget.reserveForFinalEvaluation: seconds must be a finite number >= 0, got ${seconds}`);
    this.reservedSeconds = seconds;
  }

  /** True once the session has used its whole budget, less what is kept for the final evaluation. */
  exhausted(): boolean {
    return this.limitSeconds > 0 && this.used() + this.reservedSeconds >= this.limitSeconds;
  }

  /** The run's last line says why it stopped before --steps, as for --max-seconds. */
  stopMessage(step: number, totalSteps: number): string {
    const kept = this.reservedSeconds > 0 ? `, ${this.reservedSeconds.toFixed(1)} kept for the final evaluation` : '';
    return `stopped at the CPU-time limit: ${this.limitSeconds} CPU-s (max-cpu-seconds; ${this.used().toFixed(1)} used${kept}), step ${step} of ${totalSteps}`;
  }
}
