// From text to what the trainer reads: the vocabulary (the text's own, or a checkpoint's), the
// encoded training part and the held-out validation part (the last valFraction of the text, or of
// the concatenation of a corpus's documents), with the document starts in each.

import { Prng } from '@charrnn/tensor';
import {
  Vocabulary,
  WindowStream,
  encodeDocuments,
  formatChar,
  splitTrainVal,
  type EncodedCorpus,
  type IdArray,
  type TaggingTask,
  type TextUnit,
} from '@charrnn/corpus';

export interface TrainingData {
  readonly vocab: Vocabulary;
  readonly train: IdArray;
  readonly val: IdArray;
  /** Where documents begin within train, ascending from 0 (absent: one document). */
  readonly trainStarts?: readonly number[];
  /** Where documents begin within val, ascending from 0 (absent: one document). */
  readonly valStarts?: readonly number[];
  /** A tagging task's labels, one per symbol of train and of val (absent: next-symbol prediction). */
  readonly trainLabels?: Int32Array;
  readonly valLabels?: Int32Array;
}

export class DataError extends Error {
  override readonly name = 'DataError';
}

/** One text held as a string (the embedded corpus, a sweep's text, the web page's); unit "byte" takes its UTF-8 bytes. */
export function prepareData(
  text: string,
  valFraction: number,
  seqLength: number,
  batchSize: number,
  vocab?: Vocabulary,
  unit: TextUnit = 'char',
): TrainingData {
  if (unit === 'byte') {
    const bytes = new TextEncoder().encode(text);
    const scanned = encodeDocuments([bytes], 'byte');
    if (vocab) requireKnown(scanned.vocab.chars, vocab);
    return prepareCorpus(vocab ? encodeDocuments([bytes], 'byte', vocab) : scanned, valFraction, seqLength, batchSize);
  }
  const chosen = vocab ?? Vocabulary.fromText(text);
  requireKnown(chosen.findUnknown(text), chosen);
  const { train, val } = splitTrainVal(chosen.encode(text), valFraction);
  requireLength(train.length, seqLength, batchSize);
  return { vocab: chosen, train, val };
}

/** A corpus encoded by @charrnn/corpus (several documents, 16-bit ids): split, and checked that windows fit. */
export function prepareCorpus(
  corpus: EncodedCorpus,
  valFraction: number,
  seqLength: number,
  batchSize: number,
): TrainingData {
  const split = splitTrainVal(corpus.ids, valFraction, corpus.documentStarts);
  requireLength(split.train.length, seqLength, batchSize);
  try {
    new WindowStream(split.train, { seqLength, batchSize, documentStarts: split.trainStarts });
  } catch (error) {
    throw new DataError((error as Error).message.replace(/^WindowStream: /, ''));
  }
  return {
    vocab: corpus.vocab,
    train: split.train,
    val: split.val,
    trainStarts: split.trainStarts,
    valStarts: split.valStarts,
  };
}

/**
 * A tagging task's examples: derived from the text (its held-out tail for validation) or generated
 * from `seed` (binary addition), encoded with the derived text's own vocabulary or a checkpoint's.
 */
export function prepareTaskData(
  task: TaggingTask,
  text: string,
  options: {
    readonly valFraction: number;
    readonly seed: number;
    readonly seqLength: number;
    readonly batchSize: number;
  },
  vocab?: Vocabulary,
): TrainingData {
  const { train, val } = task.examples(text, { valFraction: options.valFraction, random: new Prng(options.seed) });
  const chosen = vocab ?? Vocabulary.fromText(train.text + val.text);
  requireKnown(chosen.findUnknown(train.text + val.text), chosen);
  requireLength(train.labels.length, options.seqLength, options.batchSize);
  return {
    vocab: chosen,
    train: chosen.encode(train.text),
    val: chosen.encode(val.text),
    trainLabels: train.labels,
    valLabels: val.labels,
  };
}

/** Characters of the data outside a checkpoint's vocabulary: one line naming the first ten. */
export function requireKnown(chars: readonly string[], vocab: Vocabulary): void {
  const unknown = chars.filter((ch) => !vocab.has(ch));
  if (unknown.length === 0) return;
  const shown = unknown.slice(0, 10).map(formatChar).join(', ');
  throw new DataError(
    `the text has ${unknown.length} character(s) outside the checkpoint's vocabulary: ${shown}${unknown.length > 10 ? ', …' : ''}`,
  );
}

function requireLength(length: number, seqLength: number, batchSize: number): void {
  const needed = batchSize * (seqLength + 1);
  if (length < needed) {
    throw new DataError(
      `the training text must have at least ${needed} characters (batch-size × (seq-length + 1)), got ${length}; use a longer text, a smaller --seq-length or --batch-size, or a smaller --val-fraction`,
    );
  }
}
