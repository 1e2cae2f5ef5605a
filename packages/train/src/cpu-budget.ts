// The --max-cpu-seconds rule: a session stops once the process has used this much CPU time since
// the session began. CPU time, not wall time, so a run on a busy machine gets the same amount of
// work as on a quiet one. The trainer checks it after each step. The app passes in the clock
// (process.cpuUsage()), so this package stays browser-safe.

/** Seconds of CPU time (user + system) this process has used so far; only differences matter. */
export type CpuClock = () => number;

export class CpuBudget {
  private readonly startSeconds: number;

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

  /** True once the session has used its whole budget. */
  exhausted(): boolean {
    return this.limitSeconds > 0 && this.used() >= this.limitSeconds;
  }

  /** The run's last line says why it stopped before --steps, as for --max-seconds. */
  stopMessage(step: number, totalSteps: number): string {
    return `stopped at the CPU-time limit: ${this.limitSeconds} CPU-s (max-cpu-seconds; ${this.used().toFixed(1)} used), step ${step} of ${totalSteps}`;
  }
}
