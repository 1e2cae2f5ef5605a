// A checkpoint's __metadata__ is untrusted text: each field is parsed here against a zod schema
// (zod/mini: the same library and messages as the sweep spec, tree-shaken, as this module ships in
// the page's worker) before anything reads it — the format version, the step
// counters, the stored config (every key against CONFIG_RULES) and the data reference — so a
// hand-edited or foreign file is refused with one line that names the field.

import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { CONFIG_RULES, checkConfigValue, type TrainConfig } from './config.js';

/** The checkpoint format this version writes and reads. */
export const CHECKPOINT_FORMAT = 'charrnn-1';

/** One file of a corpus: where it was and what it held. */
export interface DataFileReference {
  /** Absolute path. */
  readonly path: string;
  /** SHA-256 of the file's bytes, hex. */
  readonly sha256: string;
  readonly bytes: number;
}

/** The text a run trained on: enough to find it again and to notice when it changed. */
export interface DataReference {
  /** "file" (one path), "files" (several, in order: a directory, a glob, a list) or "embedded" (the bundled text, data/devils-dictionary.txt). */
  readonly source: 'file' | 'files' | 'embedded';
  /** Absolute path of the file, for source "file". */
  readonly path?: string;
  /** Each file, in training order, for source "files". */
  readonly files?: readonly DataFileReference[];
  /**
   * SHA-256 of the text's bytes, hex; for "files", of the lines "<sha256> <bytes>\n" of each file in
   * order, so the same files in the same order give the same hash wherever they are.
   */
  readonly sha256: string;
  /** Total bytes. */
  readonly bytes: number;
}

/** Thrown for metadata that cannot be used; checkpoint.ts turns it into a CheckpointError. */
export class MetadataError extends Error {
  override readonly name = 'MetadataError';
}

const count = z.int().check(z.minimum(0));
const prngSnapshot = z.object({
  words: z.array(z.int().check(z.minimum(0), z.maximum(0xffffffff))).check(z.length(4)),
  spareNormal: z.nullable(z.number()),
});

// looseObject: fields added by later versions pass through untouched (and are still typed here).
const TrainingSchema = z.looseObject({
  step: count,
  chars: count,
  smoothLoss: z.number(),
  bestValLoss: z.nullable(z.number()),
  stream: z.looseObject({
    seqLength: z.int().check(z.minimum(1)),
    batchSize: z.int().check(z.minimum(1)),
    length: count,
    pointers: z.array(count),
    pendingReset: z.array(z.boolean()),
  }),
  dropoutRng: prngSnapshot,
  sampleRng: prngSnapshot,
  optimizerScalars: z.record(z.string(), z.number()),
  elapsedSec: z.optional(z.number().check(z.minimum(0))),
  optimizer: z.optional(z.string()),
});

const Sha256 = z.string().check(z.regex(/^[0-9a-f]{64}$/));
const DataSchema = z.strictObject({
  source: z.enum(['file', 'files', 'embedded']),
  path: z.optional(z.string().check(z.minLength(1))),
  files: z.optional(z.array(z.strictObject({ path: z.string().check(z.minLength(1)), sha256: Sha256, bytes: count }))),
  sha256: Sha256,
  bytes: count,
});

/** zod/mini loads no messages by default: the English ones, per parse (the sweep's zod keeps its own config). */
export const ENGLISH = en().localeError;

export type TrainingMetadata = z.infer<typeof TrainingSchema>;

export function parseFormat(value: string | undefined): void {
  if (value !== undefined && value !== CHECKPOINT_FORMAT) {
    throw new MetadataError(
      `metadata "format" must be ${CHECKPOINT_FORMAT} (the version this charrnn reads), got ${JSON.stringify(value.slice(0, 40))}`,
    );
  }
}

export function parseTraining(text: string): TrainingMetadata {
  return withSchema('training', text, TrainingSchema);
}

export function parseDataReference(text: string): DataReference {
  return withSchema('data', text, DataSchema) as DataReference;
}

/** The stored config: known keys only, each within its rule (missing keys take today's defaults). */
export function parseStoredConfig(text: string): Partial<TrainConfig> {
  const raw = withSchema('config', text, z.record(z.string(), z.unknown()));
  for (const [key, value] of Object.entries(raw)) {
    if (!(key in CONFIG_RULES))
      throw new MetadataError(`metadata "config" has an unknown setting ${JSON.stringify(key.slice(0, 40))}`);
    const problem = checkConfigValue(key as keyof TrainConfig, value);
    if (problem)
      throw new MetadataError(`metadata "config" ${key} ${problem}, got ${JSON.stringify(value)?.slice(0, 40)}`);
  }
  return raw as Partial<TrainConfig>;
}

/** Parses metadata field `key` as JSON against `schema`; a MetadataError naming the field otherwise. */
export function withSchema<T>(key: string, text: string, schema: z.ZodMiniType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new MetadataError(`metadata "${key}" must be JSON, got ${JSON.stringify(text.slice(0, 40))}`);
  }
  const parsed = schema.safeParse(raw, { error: ENGLISH });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  throw new MetadataError(`metadata "${key}"${path ? ` field ${path}` : ''} is invalid: ${issue.message}`);
}
