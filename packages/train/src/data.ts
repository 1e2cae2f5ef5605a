// From text to what the trainer reads: the vocabulary (the text's own, or a checkpoint's), the
// encoded training part and the held-out validation part (the last valFraction of the text).

import { Vocabulary, formatChar, splitTrainVal } from '@charrnn/corpus';

export interface TrainingData {
  readonly vocab: Vocabulary;
  readonly train: Int32Array;
  readonly val: Int32Array;
}

export class DataError extends Error {
  override readonly name = 'DataError';
}

export function prepareData(
  text: string,
  valFraction: number,
  seqLength: number,
  batchSize: number,
  vocab?: Vocabulary,
): TrainingData {
  const chosen = vocab ?? Vocabulary.fromText(text);
  const unknown = chosen.findUnknown(text);
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 10).map(formatChar).join(', ');
    throw new DataError(
      `the text has ${unknown.length} character(s) outside the checkpoint's vocabulary: ${shown}${unknown.length > 10 ? ', …' : ''}`,
    );
  }
  const { train, val } = splitTrainVal(chosen.encode(text), valFraction);
  const needed = batchSize * (seqLength + 1);
  if (train.length < needed) {
    throw new DataError(
      `the training text must have at least ${needed} characters (batch-size × (seq-length + 1)), got ${train.length}; use a longer text, a smaller --seq-length or --batch-size, or a smaller --val-fraction`,
    );
  }
  return { vocab: chosen, train, val };
}
