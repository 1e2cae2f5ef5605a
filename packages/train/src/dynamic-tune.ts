// Choosing dynamic evaluation's step size and segment length on a text other than the one scored.
// charrnn-eval --dynamic-tune tries each candidate on the tail of the training part (the text just
// before the held-out part), each from the trained weights, and scores the held-out part with the
// best. The score stays honest because the held-out part is read once, with fixed settings.

import type { IdArray } from '@charrnn/corpus';
import type { CharRnnModel } from '@charrnn/model';
import { dynamicEvaluate } from './dynamic-eval.js';
import { poolResults } from './evaluate-documents.js';

export interface DynamicCandidate {
  readonly lr: number;
  readonly segmentLength: number;
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

/** Every pair of a step size and a segment length, step sizes outermost. */
export function dynamicGrid(lrs: readonly number[], segmentLengths: readonly number[]): DynamicCandidate[] {
  return lrs.flatMap((lr) => segmentLengths.map((segmentLength) => ({ lr, segmentLength })));
}

/**
 * Runs dynamic evaluation of `documents` once per candidate, each on a fresh model from
 * `freshModel()` (dynamic evaluation changes the weights it runs on), and returns the one with the
 * lowest pooled loss; a tie keeps the earlier candidate.
 */
export function tuneDynamicEvaluation(
  freshModel: () => CharRnnModel,
  documents: readonly IdArray[],
  candidates: readonly DynamicCandidate[],
  decay = 0,
): DynamicTuning {
  if (candidates.length === 0) throw new RangeError('tuneDynamicEvaluation: candidates must not be empty, got 0');
  if (documents.length === 0)
    throw new RangeError('tuneDynamicEvaluation: documents must hold a text of at least 2 characters, got none');
  const tried: DynamicTrial[] = [];
  let best: DynamicTrial | undefined;
  for (const candidate of candidates) {
    const model = freshModel();
    const options = { lr: candidate.lr, segmentLength: candidate.segmentLength, decay };
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
