// Which text a run trains on, and the reference stored with its checkpoints: --data FILE|DIR|GLOB
// (one or more; each file a document), else (for --resume) the files the checkpoint remembers —
// refused in one line if one moved or changed, or if the checkpoint names no text — else the
// bundled text (data/devils-dictionary.txt). The text is read in two streamed passes into 16-bit ids (see @charrnn/cli's
// corpus-files); the SHA-256 of each file's bytes tells "the same text" from "a similar one".

import { createHash } from 'node:crypto';
import {
  EMBEDDED_CORPUS_LABEL,
  UsageError,
  loadEmbeddedCorpus,
  readCorpus,
  resolveCorpusFiles,
  type CorpusFile,
} from '@charrnn/cli';
import { encodeDocuments, type EncodedCorpus, type SymbolScan, type TextUnit, type Vocabulary } from '@charrnn/corpus';
import type { Checkpoint, DataReference } from '@charrnn/train';

export interface TrainingCorpus {
  readonly corpus: EncodedCorpus;
  readonly ref: DataReference;
  /** Where it came from, for messages: a path, "3 files" or the bundled text (EMBEDDED_CORPUS_LABEL). */
  readonly label: string;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface CorpusRequest {
  /** The --data arguments (files, directories, globs); empty: the checkpoint's files, or the embedded corpus. */
  readonly data: readonly string[];
  readonly resume: Checkpoint | undefined;
  readonly unit: TextUnit;
  /** Picks the vocabulary from the first pass (a checkpoint's, or one extended); default: the text's own. */
  readonly vocabulary?: (scan: SymbolScan) => Vocabulary;
}

export async function loadTrainingCorpus(request: CorpusRequest): Promise<TrainingCorpus> {
  const options = { unit: request.unit, ...(request.vocabulary ? { vocabulary: request.vocabulary } : {}) };
  if (request.data.length > 0) {
    const files = await resolveCorpusFiles(request.data);
    const loaded = readCorpus(files, options);
    return { ...loaded, label: files.length === 1 ? files[0]!.path : `${files.length} files` };
  }
  const stored = request.resume?.data;
  if ((stored?.source === 'file' && stored.path) || (stored?.source === 'files' && stored.files)) {
    const paths = stored.source === 'file' ? [stored.path!] : stored.files!.map((f) => f.path);
    return reloadStored(paths, stored, options);
  }
  // A resumed run continues on its own text or not at all: the embedded corpus stands in only for
  // a run that trained on it, never for a text that cannot be found.
  if (request.resume && stored?.source !== 'embedded')
    throw new UsageError(
      "the --resume checkpoint does not say which text it trained on, so the run's text cannot be found",
      'pass --data FILE with the text to resume on',
    );
  const bytes = new TextEncoder().encode(loadEmbeddedCorpus());
  const ref: DataReference = { source: 'embedded', sha256: sha256(bytes), bytes: bytes.length };
  if (stored?.source === 'embedded' && stored.sha256 !== ref.sha256) {
    throw new UsageError(
      "the run trained on the embedded corpus of another build (its SHA-256 differs from this build's)",
      'pass --data FILE with the text to resume on',
    );
  }
  return { corpus: encodeDocuments([bytes], request.unit, request.vocabulary), ref, label: EMBEDDED_CORPUS_LABEL };
}

/** The checkpoint's own files, each checked against the SHA-256 it had. */
async function reloadStored(
  paths: readonly string[],
  stored: DataReference,
  options: { unit: TextUnit; vocabulary?: (scan: SymbolScan) => Vocabulary },
): Promise<TrainingCorpus> {
  const what = paths.length === 1 ? "the run's training text" : "a file of the run's training text";
  let files: CorpusFile[] = [];
  for (const path of paths) {
    try {
      files = files.concat(await resolveCorpusFiles([path], 'the training text'));
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      throw new UsageError(
        `${what} ${JSON.stringify(path)} cannot be read: ${error.message.replace(/^.*?" /, '')}`,
        'pass --data FILE to resume on the text where it is now',
      );
    }
  }
  const check = (ref: DataReference): void => {
    if (ref.sha256 === stored.sha256) return;
    const now = ref.source === 'files' ? (ref.files ?? []) : [ref as Required<DataReference>];
    const then = stored.source === 'files' ? (stored.files ?? []) : [stored as Required<DataReference>];
    const changed = now.findIndex((f, i) => f.sha256 !== then[i]?.sha256);
    const i = Math.max(0, changed);
    throw new UsageError(
      `${what} ${JSON.stringify(paths[i])} has changed since the checkpoint was written (${then[i]?.bytes} bytes then, ${now[i]?.bytes} now; SHA-256 differs)`,
      'restore the file, or pass --data FILE to resume on another text on purpose',
    );
  };
  const loaded = readCorpus(files, { ...options, flag: 'the training text', check });
  return { ...loaded, label: paths.length === 1 ? paths[0]! : `${paths.length} files` };
}
