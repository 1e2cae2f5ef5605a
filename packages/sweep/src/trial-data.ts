// A trial's data — the vocabulary and the encoded training and validation ids — depends only on the
// text, the validation fraction, the unit (characters or bytes) and the vocabulary. Every trial of a sweep on one thread would encode
// the same text again (about a tenth of a 2,000-step trial on the embedded corpus), so a thread keeps
// the last one and hands it to the next trial that asks for the same. The trainer only reads it.

import { prepareData, type TrainConfig, type TrainingData } from '@charrnn/train';

type Vocabulary = TrainingData['vocab'];
type TextUnit = TrainConfig['unit'];

export interface TrialDataCache {
  /** prepareData's result, the same arrays as the last call's when text, valFraction, unit and vocabulary match. */
  prepare(
    text: string,
    valFraction: number,
    seqLength: number,
    batchSize: number,
    vocab?: Vocabulary,
    unit?: TextUnit,
  ): TrainingData;
}

/** Keeps one prepared text (a second would double the resident ids of a large corpus for a rare case). */
export function createTrialDataCache(): TrialDataCache {
  let last: {
    readonly text: string;
    readonly valFraction: number;
    readonly unit: TextUnit;
    readonly data: TrainingData;
  } | null = null;
  return {
    prepare(text, valFraction, seqLength, batchSize, vocab, unit = 'char') {
      const hit =
        last !== null &&
        last.text === text &&
        last.valFraction === valFraction &&
        last.unit === unit &&
        (vocab === undefined || sameVocabulary(vocab, last.data.vocab)) &&
        // Too short for this trial's windows: prepareData says so, in its own words.
        last.data.train.length >= batchSize * (seqLength + 1);
      if (hit) return last!.data;
      const data = prepareData(text, valFraction, seqLength, batchSize, vocab, unit);
      // A checkpoint's vocabulary may differ from the text's own: keep only the text's.
      if (vocab === undefined) last = { text, valFraction, unit, data };
      return data;
    },
  };
}

function sameVocabulary(a: Vocabulary, b: Vocabulary): boolean {
  if (a.codePoints.length !== b.codePoints.length) return false;
  for (let i = 0; i < a.codePoints.length; i++) if (a.codePoints[i] !== b.codePoints[i]) return false;
  return true;
}
