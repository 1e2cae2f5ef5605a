// The coordinator writes a trial's checkpoint files from bytes it reads out of Redis, where anyone with
// the password can put anything. Before a file is written the bytes are parsed as a checkpoint
// (safetensors header, metadata, tensor table, finite values: decodeCheckpoint) and must be this
// trial's: the model its config describes, on the sweep's vocabulary, at the step its marker names.
// A local run's files then load in charrnn-eval, --resume and --init whichever worker sent them.

import { Vocabulary, encodeDocuments } from '@charrnn/corpus';
import { CheckpointError, decodeCheckpoint, type TrainConfig } from '@charrnn/train';

export interface TrialCheckpointExpectation {
  readonly config: TrainConfig;
  /** The vocabulary of the sweep's text in the trial's unit (what every trial trains on). */
  readonly vocab: Vocabulary;
  /** The step the stream marker names. */
  readonly step: number;
}

/** Why the bytes are not this trial's checkpoint at this step, or null when they are. */
export function trialCheckpointProblem(bytes: Uint8Array, expected: TrialCheckpointExpectation): string | null {
  let checkpoint;
  try {
    checkpoint = decodeCheckpoint(bytes);
  } catch (error) {
    if (error instanceof CheckpointError) return error.message;
    throw error;
  }
  const { config, step } = expected;
  const model = checkpoint.model;
  const want = `${config.layers}-layer ${config.cell} with H=${config.hidden}, ${config.dtype}`;
  const got = `${model.layers}-layer ${model.cell} with H=${model.hiddenSize}, ${model.dtype}`;
  if (want !== got) return `it holds a ${got}, the trial trains a ${want}`;
  if (!sameVocabulary(checkpoint.vocab, expected.vocab))
    return `its vocabulary (${checkpoint.vocab.size} symbols) is not the sweep text's (${expected.vocab.size})`;
  const at = checkpoint.training?.step;
  if (at !== step) return `it is from step ${at ?? '(none: no training state)'}, its marker says ${step}`;
  return null;
}

function sameVocabulary(a: Vocabulary, b: Vocabulary): boolean {
  if (a.size !== b.size) return false;
  for (let i = 0; i < a.size; i++) if (a.codePoints[i] !== b.codePoints[i]) return false;
  return true;
}

/** The vocabulary a trial in `unit` builds from the sweep's text (as prepareData does). */
export function sweepVocabulary(text: string, unit: TrainConfig['unit']): Vocabulary {
  return unit === 'char' ? Vocabulary.fromText(text) : encodeDocuments([new TextEncoder().encode(text)], 'byte').vocab;
}
