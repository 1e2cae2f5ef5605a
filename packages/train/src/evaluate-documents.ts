// Evaluation of a text made of documents: each document is scored from a zero hidden state, as
// training resets there, and the results are pooled per prediction (a document contributes
// length − 1 predictions). One document is exactly evaluateText.

import type { IdArray } from '@charrnn/corpus';
import { evaluateText, type CharRnnModel, type EvalResult } from '@charrnn/model';

/** Pools per-document results, weighting each by its number of predictions. */
export function poolResults(results: readonly EvalResult[]): EvalResult {
  let total = 0;
  let count = 0;
  for (const r of results) {
    total += r.loss * r.count;
    count += r.count;
  }
  const loss = count > 0 ? total / count : Number.NaN;
  return { loss, bpc: loss / Math.LN2, count };
}

/** The documents of `ids` (starting at `starts`, ascending from 0) with at least 2 characters, as views. */
export function documentViews(ids: IdArray, starts: readonly number[] = [0]): IdArray[] {
  const views: IdArray[] = [];
  for (let i = 0; i < starts.length; i++) {
    const view = ids.subarray(starts[i]!, starts[i + 1] ?? ids.length);
    if (view.length >= 2) views.push(view);
  }
  return views;
}

/** Mean cross-entropy over every document's predictions; a document of one character predicts nothing. */
export function evaluateDocuments(model: CharRnnModel, ids: IdArray, starts: readonly number[] = [0]): EvalResult {
  const views = documentViews(ids, starts);
  if (views.length === 0)
    throw new RangeError(
      `evaluateDocuments: the text must have a document of at least 2 characters, got ${ids.length} characters`,
    );
  return poolResults(views.map((view) => evaluateText(model, view)));
}
