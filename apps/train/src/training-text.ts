// Which text a run trains on, and the reference stored with its checkpoints: --data FILE, else
// (for --resume) the file the checkpoint remembers — refused in one line if it moved or changed —
// else the embedded corpus. The SHA-256 of the bytes tells "the same text" from "a similar one".

import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { UsageError, decodeText, loadEmbeddedCorpus, readBytes } from '@charrnn/cli';
import type { Checkpoint, DataReference } from '@charrnn/train';

export interface TrainingText {
  readonly text: string;
  readonly ref: DataReference;
  /** Where it came from, for messages: a path or "the embedded corpus". */
  readonly label: string;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function loadTrainingText(dataFlag: string | undefined, resume: Checkpoint | undefined): TrainingText {
  if (dataFlag) return fromFile(dataFlag, '--data file');
  const stored = resume?.data;
  if (stored?.source === 'file' && stored.path) {
    let text: TrainingText;
    try {
      text = fromFile(stored.path, 'the training text');
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      throw new UsageError(
        `the run's training text ${JSON.stringify(stored.path)} cannot be read: ${error.message.replace(/^.*?" /, '')}`,
        'pass --data FILE to resume on the text where it is now',
      );
    }
    if (text.ref.sha256 !== stored.sha256) {
      throw new UsageError(
        `the run's training text ${JSON.stringify(stored.path)} has changed since the checkpoint was written (${stored.bytes} bytes then, ${text.ref.bytes} now; SHA-256 differs)`,
        'restore the file, or pass --data FILE to resume on another text on purpose',
      );
    }
    return text;
  }
  const text = loadEmbeddedCorpus();
  const bytes = Buffer.from(text, 'utf8');
  const ref: DataReference = { source: 'embedded', sha256: sha256(bytes), bytes: bytes.length };
  if (stored?.source === 'embedded' && stored.sha256 !== ref.sha256) {
    throw new UsageError(
      "the run trained on the embedded corpus of another build (its SHA-256 differs from this build's)",
      'pass --data FILE with the text to resume on',
    );
  }
  return { text, ref, label: 'the embedded corpus' };
}

function fromFile(path: string, what: string): TrainingText {
  const bytes = readBytes(path, what);
  const text = decodeText(bytes, path, what);
  return {
    text,
    ref: { source: 'file', path: resolve(path), sha256: sha256(bytes), bytes: bytes.length },
    label: path,
  };
}
