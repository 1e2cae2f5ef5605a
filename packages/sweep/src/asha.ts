// Asynchronous successive halving (ASHA-style early stopping). Rungs sit at budget·η^-k steps;
// when a trial reaches a rung it continues only if its metric ranks in the top 1/η (rounded up)
// of all trials that reached that rung so far, else it is stopped. Pure logic, lower is better.

export type AshaDecision = 'continue' | 'stop';

/**
 * Rung steps for a trial of `totalSteps`: totalSteps·η^-k for k = rungs … 1, each rounded up to a
 * multiple of `evalEvery` (decisions need an evaluation), ascending, distinct, below totalSteps.
 */
export function ashaRungSteps(totalSteps: number, eta: number, rungs: number, evalEvery: number): number[] {
  if (!Number.isInteger(totalSteps) || totalSteps < 1)
    throw new RangeError(`ashaRungSteps: totalSteps must be a positive integer, got ${totalSteps}`);
  if (!(eta >= 2)) throw new RangeError(`ashaRungSteps: eta must be >= 2, got ${eta}`);
  if (!Number.isInteger(evalEvery) || evalEvery < 1)
    throw new RangeError(`ashaRungSteps: evalEvery must be a positive integer, got ${evalEvery}`);
  const steps = new Set<number>();
  // Past log_eta(totalSteps) every rung rounds to the first evaluation: a spec (or a job from Redis)
  // asking for 10⁹ rungs costs no more than one asking for as many as there can be.
  const deepest = Math.min(rungs, Math.ceil(Math.log(totalSteps) / Math.log(eta)) + 1);
  for (let k = deepest; k >= 1; k--) {
    const raw = Math.max(1, Math.round(totalSteps * eta ** -k));
    const step = Math.ceil(raw / evalEvery) * evalEvery;
    if (step < totalSteps) steps.add(step);
  }
  return [...steps].sort((a, b) => a - b);
}

export class AshaScheduler {
  private readonly rungs = new Map<number, Map<string, number>>();

  constructor(readonly eta: number) {
    if (!(eta >= 2)) throw new RangeError(`AshaScheduler: eta must be >= 2, got ${eta}`);
  }

  /** Records a trial's metric at rung `rung` (0 = the earliest) and decides whether it goes on. */
  report(rung: number, trialId: string, value: number): AshaDecision {
    if (!Number.isFinite(value)) return 'stop';
    const recorded = this.rungs.get(rung) ?? new Map<string, number>();
    this.rungs.set(rung, recorded);
    recorded.set(trialId, value);
    let better = 0;
    for (const [id, v] of recorded) if (id !== trialId && v < value) better++;
    return better < Math.ceil(recorded.size / this.eta) ? 'continue' : 'stop';
  }

  /** Restores a value recorded before a resume, without a decision. */
  restore(rung: number, trialId: string, value: number): void {
    const recorded = this.rungs.get(rung) ?? new Map<string, number>();
    this.rungs.set(rung, recorded);
    recorded.set(trialId, value);
  }

  /** Values at a rung, by trial id. */
  recorded(rung: number): ReadonlyMap<string, number> {
    return this.rungs.get(rung) ?? new Map();
  }
}
