// --data for corpora of any size and shape: files, directories (their regular files, recursively,
// in sorted order) and globs become an ordered list of documents, read twice in 4 MiB chunks
// (the vocabulary, then the ids) so the text is never held whole: 2 bytes per character stay
// resident. Each file's SHA-256 is taken on the first pass for the checkpoint's data reference.

import { createHash } from 'node:crypto';
import { closeSync, lstatSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DocumentError,
  MAX_CORPUS_BYTES,
  MAX_SYMBOLS,
  encodeDocuments,
  formatBytes,
  notUtf8,
  tooManySymbols,
  type EncodedCorpus,
  type SymbolScan,
  type TextUnit,
  type UnknownUnits,
  type Vocabulary,
} from '@charrnn/corpus';
import type { DataFileReference, DataReference } from '@charrnn/train';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from './errors.js';
import { inputError, openInput } from './files.js';

/** The largest corpus, in bytes (its ids are one array of at most 2^32 entries); the page shares it. */
export { MAX_CORPUS_BYTES };

/** Bytes read per call: large enough that system calls cost nothing, small beside the ids. */
const CHUNK_BYTES = 4 * 1024 * 1024;

export interface CorpusFile {
  readonly path: string;
  readonly bytes: number;
}

/**
 * The files `args` name, in order: a regular file as is; a directory's regular files, recursively,
 * sorted by name at each level (hidden entries, symbolic links to directories and special files
 * are skipped); a glob's matches (sorted; hidden files only when the pattern names them). A file
 * named twice is read once.
 */
export async function resolveCorpusFiles(args: readonly string[], flag = '--data'): Promise<CorpusFile[]> {
  const files: CorpusFile[] = [];
  const seen = new Set<string>();
  const add = (path: string, bytes: number): void => {
    const absolute = resolve(path);
    if (seen.has(absolute)) return;
    seen.add(absolute);
    files.push({ path, bytes });
  };
  for (const arg of args) {
    let stats;
    try {
      stats = statSync(arg);
    } catch {
      stats = undefined;
    }
    if (stats?.isDirectory()) {
      const found = walkDirectory(arg, flag);
      if (found.length === 0)
        throw new UsageError(
          `${flag} directory ${JSON.stringify(arg)} has no regular files`,
          'hidden files, symbolic links to directories and special files are skipped; name the files or a glob instead',
        );
      for (const f of found) add(f.path, f.bytes);
    } else if (stats === undefined && isDynamicPattern(arg)) {
      const matches = (await glob(arg, { onlyFiles: true, expandDirectories: false })).sort();
      const regular = matches.flatMap((path) => {
        const s = fsCall(() => statSync(path, { throwIfNoEntry: false }), path, `${flag} file`);
        return s?.isFile() ? [{ path, bytes: s.size }] : [];
      });
      if (regular.length === 0)
        throw new UsageError(
          `${flag} pattern ${JSON.stringify(arg)} matches no files`,
          'check the pattern (quote it so the shell does not expand it; ** matches directories at any depth)',
        );
      for (const f of regular) add(f.path, f.bytes);
    } else {
      // A single file: openInput gives the one-line errors for a missing path or a special file.
      closeSync(openInput(arg, `${flag} file`));
      add(arg, statSync(arg).size);
    }
  }
  const total = files.reduce((n, f) => n + f.bytes, 0);
  if (total > MAX_CORPUS_BYTES)
    throw new UsageError(
      `${flag} is ${formatBytes(total)} in ${files.length} file(s), more than the ${formatBytes(MAX_CORPUS_BYTES)} a corpus may have (its ids are one array of at most 2^32 entries)`,
      'train on a part of it (fewer files, or head -c)',
    );
  return files;
}

function walkDirectory(dir: string, flag: string): CorpusFile[] {
  const out: CorpusFile[] = [];
  for (const name of fsCall(() => readdirSync(dir), dir, `${flag} directory`).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const link = fsCall(() => lstatSync(path), path, `${flag} file`);
    if (link.isDirectory()) {
      out.push(...walkDirectory(path, flag));
      continue;
    }
    // A link to a file is followed; a link to a directory is not (it could loop). A dangling link
    // is skipped; a link loop (ELOOP) or an unreadable target is an error naming it.
    const stats = link.isSymbolicLink()
      ? fsCall(() => statSync(path, { throwIfNoEntry: false }), path, `${flag} file`)
      : link;
    if (stats?.isFile()) out.push({ path, bytes: stats.size });
  }
  return out;
}

/** A file-system call whose failure is a one-line usage error naming the path (see inputError). */
function fsCall<T>(call: () => T, path: string, what: string): T {
  try {
    return call();
  } catch (error) {
    throw inputError(error, path, what);
  }
}

export interface ReadCorpusOptions {
  readonly unit: TextUnit;
  /** The vocabulary to encode with, from the first pass (default: the corpus's own). */
  readonly vocabulary?: (scan: SymbolScan) => Vocabulary;
  /** Names the input in errors, e.g. "--data". */
  readonly flag?: string;
  /** Sees the data reference after the first pass, before any vocabulary check (a resume refuses changed files here). */
  readonly check?: (ref: DataReference) => void;
  /** Characters outside the chosen vocabulary: refused (default), skipped or mapped (charrnn-eval --unknown). */
  readonly unknown?: UnknownUnits;
}

export interface LoadedCorpus {
  readonly corpus: EncodedCorpus;
  readonly ref: DataReference;
}

/** Reads and encodes the files in two streamed passes; one-line errors name the file at fault. */
export function readCorpus(files: readonly CorpusFile[], options: ReadCorpusOptions): LoadedCorpus {
  const flag = options.flag ?? '--data';
  const hashes = files.map(() => createHash('sha256'));
  const sizes = files.map(() => 0);
  let pass = 0;
  // One buffer for every file of both passes (the files are read one after another): a fresh
  // 4 MiB buffer per file made 20,000 tiny files take minutes. Sized to the largest file, so a
  // small corpus does not reserve 4 MiB either.
  const largest = files.reduce((n, f) => Math.max(n, f.bytes), 0);
  const buffer = new Uint8Array(Math.min(CHUNK_BYTES, largest + 1));
  const sources = files.map(
    (file, index) => () =>
      readChunks(file.path, `${flag} file`, buffer, (chunk) => {
        if (pass !== 0) return;
        hashes[index]!.update(chunk);
        sizes[index]! += chunk.length;
      }),
  );
  let ref: DataReference | undefined;
  const choose = (scan: SymbolScan): Vocabulary => {
    pass = 1;
    ref = dataReference(
      files.map((file, i) => ({ path: resolve(file.path), sha256: hashes[i]!.digest('hex'), bytes: sizes[i]! })),
    );
    options.check?.(ref);
    if (options.vocabulary) return options.vocabulary(scan);
    const distinct = scan.codePoints().length;
    if (distinct === 0)
      throw new UsageError(
        `${flag} ${files.length === 1 ? `file ${JSON.stringify(files[0]!.path)} is` : `files (${files.length}) are`} empty`,
        'train on a text with at least a few hundred characters',
      );
    if (distinct > MAX_SYMBOLS) {
      const refusal = tooManySymbols(flag, distinct);
      throw new UsageError(refusal.message, refusal.hint);
    }
    return scan.vocabulary();
  };
  let corpus: EncodedCorpus;
  try {
    corpus = encodeDocuments(sources, options.unit, choose, options.unknown);
  } catch (error) {
    if (error instanceof DocumentError) {
      const path = files[error.documentIndex]!.path;
      const refusal = notUtf8(`${flag} file ${JSON.stringify(path)}`, error.message);
      throw new UsageError(refusal.message, refusal.hint);
    }
    if (error instanceof RangeError && /first pass|changed meanwhile/.test(error.message))
      throw new UsageError(`${flag} changed while it was being read`, 'run again when the files are not being written');
    throw error;
  }
  return { corpus, ref: ref! };
}

/** One file: its own reference (as before several files existed); several: the list and a combined hash. */
export function dataReference(files: readonly DataFileReference[]): DataReference {
  if (files.length === 1) return { source: 'file', ...files[0]! };
  const combined = createHash('sha256');
  for (const f of files) combined.update(`${f.sha256} ${f.bytes}\n`);
  return {
    source: 'files',
    files,
    sha256: combined.digest('hex'),
    bytes: files.reduce((n, f) => n + f.bytes, 0),
  };
}

/** The file's bytes in chunks of `buffer`'s size (reused: each chunk is consumed before the next read). */
function* readChunks(
  path: string,
  what: string,
  buffer: Uint8Array,
  observe: (chunk: Uint8Array) => void,
): Generator<Uint8Array> {
  const fd = openInput(path, what);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        throw inputError(error, path, what);
      }
      if (n === 0) return;
      const chunk = buffer.subarray(0, n);
      observe(chunk);
      yield chunk;
    }
  } finally {
    closeSync(fd);
  }
}
