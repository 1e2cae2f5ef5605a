// Choosing dynamic evaluation's step size, pull-back and segment length on a text other than the
// one scored. charrnn-eval --dynamic-tune tries each candidate on the tail of the training part (the
// text just before the held-out part), each from the trained weights, and scores the held-out part
// with the best. The score stays honest because the held-out part is read once, with fixed settings.

import type { IdArray } from '@charrnn/corpus';
import type { CharRnnModel } from '@charrnn/model';
import { dynamicEvaluate, type DynamicRule } from './dynamic-eval.js';
import type { GradientStatistics } from './dynamic-statistics.js';
import { poolResults } from './evaluate-documents.js';

export interface DynamicCandidate {
  readonly lr: number;
  readonly segmentLength: number;
  /** The pull towards the trained weights (λ); absent: the tuning's fixed decay. */
  readonly decay?: number;
}

export interface DynamicTrial extends DynamicCandidate {
  /** Bits per character on the tuning text (Infinity when this step size diverged). */
  readonly bpc: number;
}

export interface DynamicTuning {
  readonly best: DynamicTrial;
  /** Every candidate, in the order tried. */
  readonly tried: readonly DynamicTrial[];
}

/** What every candidate shares: the rule, and for 'rms' its ε and statistics per segment length. */
export interface DynamicTuningSettings {
  /** The pull for candidates without their own decay. Default 0. */
  readonly decay?: number;
  readonly rule?: DynamicRule;
  readonly epsilon?: number;
  /** 'rms': the statistics for a segment length (asked once per length; the tuner keeps them). */
  readonly statistics?: (segmentLength: number) => GradientStatistics;
}

/**
 * Every combination of a step size, a segment length and (when given) a decay; step sizes
 * outermost, decays innermost.
 */
export function dynamicGrid(
  lrs: readonly number[],
  segmentLengths: readonly number[],
  decays?: readonly number[],
): DynamicCandidate[] {
  return lrs.flatMap((lr) =>
    segmentLengths.flatMap((segmentLength) =>
      decays ? decays.map((decay) => ({ lr, segmentLength, decay })) : [{ lr, segmentLength }],
    ),
  );
}

/**
 * Runs dynamic evaluation of `documents` once per candidate, each on a fresh model from
 * `freshModel()` (dynamic evaluation changes the weights it runs on), and returns the one with the
 * lowest pooled loss; a tie keeps the earlier candidate. `settings` may be a number: the decay.
 */
export function tuneDynamicEvaluation(
  freshModel: () => CharRnnModel,
  documents: readonly IdArray[],
  candidates: readonly DynamicCandidate[],
  settings: number | DynamicTuningSettings = 0,
): DynamicTuning {
  if (candidates.length === 0) throw new RangeError('tuneDynamicEvaluation: candidates must not be empty, got 0');
  if (documents.length === 0)
    throw new RangeError('tuneDynamicEvaluation: documents must hold a text of at least 2 characters, got none');
  const shared = typeof settings === 'number' ? { decay: settings } : settings;
  const statistics = new Map<number, GradientStatistics>();
  const statisticsFor = (n: number): GradientStatistics | undefined => {
    if (!shared.statistics) return undefined;
    if (!statistics.has(n)) statistics.set(n, shared.statistics(n));
    return statistics.get(n);
  };
  const tried: DynamicTrial[] = [];
  let best: DynamicTrial | undefined;
  for (const candidate of candidates) {
    const model = freshModel();
    const options = {
      lr: candidate.lr,
      segmentLength: candidate.segmentLength,
      decay: candidate.decay ?? shared.decay ?? 0,
      rule: shared.rule ?? 'sgd',
      ...(shared.epsilon !== undefined ? { epsilon: shared.epsilon } : {}),
      statistics: statisticsFor(candidate.segmentLength),
    };
    const pooled = poolResults(documents.map((ids) => dynamicEvaluate(model, ids, options)));
    // A step size that blows the weights up is a candidate that lost, not a failed tuning.
    const trial = { ...candidate, bpc: Number.isFinite(pooled.bpc) ? pooled.bpc : Number.POSITIVE_INFINITY };
    tried.push(trial);
    if (best === undefined || trial.bpc < best.bpc) best = trial;
  }
  if (!Number.isFinite(best!.bpc))
    throw new RangeError('tuneDynamicEvaluation: every candidate diverged; try smaller step sizes');
  return { best: best!, tried };
}
