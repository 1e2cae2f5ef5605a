// Which part of charrnn-eval's --data is scored, and which part dynamic evaluation may learn about
// it from. --held-out F scores the last F of the text, cut exactly as charrnn-train --val-fraction F
// cuts it (the same splitTrainVal), so a run's held-out score can be checked without writing the
// part to a file. --dynamic-tune N tunes on the last N characters of the training part, and
// --dynamic-stats-chars N gathers the RMS rule's statistics there: text that is never scored.

import { splitTrainVal, type EncodedCorpus, type IdArray } from '@charrnn/corpus';
import { documentViews } from '@charrnn/train';

export interface EvalParts {
  /** The text scored, and where its documents start (each is scored from a zero hidden state). */
  readonly scored: { readonly ids: IdArray; readonly starts: readonly number[] };
  /** The documents of the last `chars` characters of the training part (empty without --held-out). */
  trainingTail(chars: number): IdArray[];
}

/** heldOut 0 scores the whole text; otherwise the last heldOut of it, as charrnn-train's validation part. */
export function evalParts(corpus: EncodedCorpus, heldOut: number): EvalParts {
  if (heldOut === 0) return { scored: { ids: corpus.ids, starts: corpus.documentStarts }, trainingTail: () => [] };
  const split = splitTrainVal(corpus.ids, heldOut, corpus.documentStarts);
  return {
    scored: { ids: split.val, starts: split.valStarts },
    trainingTail(chars) {
      const from = Math.max(0, split.train.length - chars);
      // The slice starts in the middle of a document: from a zero state there, as the held-out part does.
      const starts = [0, ...split.trainStarts.filter((s) => s > from).map((s) => s - from)];
      return documentViews(split.train.subarray(from), starts);
    },
  };
}
