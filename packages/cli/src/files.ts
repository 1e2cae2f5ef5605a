// File input and output for the apps, with the errors a user can act on: which file, what is
// wrong, what to do. Reads are bounded: regular files only, read through a handle up to the size
// stat reported. Writes are atomic (temporary file in the same directory, fsync, rename), so a
// crash or a kill leaves either the old file or the new one, never half of one; appended rows are
// whole or absent (a failed append is cut back to where the row began).

import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { decodeUtf8, formatBytes } from '@charrnn/corpus';
import { UsageError, WriteError } from './errors.js';

/**
 * The largest input file read into memory: a JavaScript string holds at most 2^29 − 24 UTF-16
 * units (V8), so a longer text could not be held even before it is encoded.
 */
export const MAX_INPUT_BYTES = 512 * 1024 * 1024;

/** Reads a whole regular file; `what` names it in errors, e.g. "--data file". */
export function readBytes(path: string, what: string, maxBytes = MAX_INPUT_BYTES): Uint8Array {
  const fd = openInput(path, what);
  try {
    const stats = fstatSync(fd);
    requireRegular(stats, path, what);
    if (stats.size > maxBytes) {
      throw new UsageError(
        `${what} ${JSON.stringify(path)} is ${formatBytes(stats.size)}, more than the ${formatBytes(maxBytes)} charrnn can hold in memory`,
        'use a shorter file (split it, or take a part with head -c)',
      );
    }
    return readAt(fd, 0, stats.size, path, what);
  } finally {
    closeSync(fd);
  }
}

/** Opens an input file for reading, with errors that say what to do. */
export function openInput(path: string, what: string): number {
  try {
    // Refuse special files before opening them: opening a FIFO blocks until a writer appears.
    requireRegular(statSync(path), path, what);
    return openSync(path, 'r');
  } catch (error) {
    throw inputError(error, path, what);
  }
}

const READ_REASONS: Record<string, readonly [reason: string, hint: string]> = {
  ELOOP: [
    'too many levels of symbolic links (ELOOP)',
    'a symbolic link there points back into its own chain; remove or fix the link',
  ],
  EACCES: ['permission denied (EACCES)', 'check the permissions of the file and of the directories above it'],
  EPERM: ['operation not permitted (EPERM)', 'check the permissions of the file and of the directories above it'],
  EISDIR: ['it is a directory (EISDIR)', 'name a file, or pass the directory itself to --data'],
  ENOTDIR: ['a part of the path is not a directory (ENOTDIR)', 'check the path'],
  ENAMETOOLONG: ['the path is too long (ENAMETOOLONG)', 'check the path'],
  EIO: ['input/output error (EIO)', 'the disk or network file system failed; check it and run again'],
  EMFILE: ['too many open files (EMFILE)', 'raise the limit (ulimit -n) or close other programs'],
};

/** An errno in words, e.g. "too many levels of symbolic links (ELOOP)"; else its code or message. */
export function errnoText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code !== undefined ? READ_REASONS[code]?.[0] : undefined) ?? code ?? (error as Error).message;
}

/**
 * A failed stat, open, read or directory listing of an input, as one line naming the file and the
 * reason, with a hint (exit 2). Every input path goes through here, so ELOOP, EACCES, EISDIR, …
 * read the same wherever they happen.
 */
export function inputError(error: unknown, path: string, what: string): UsageError {
  if (error instanceof UsageError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT')
    return new UsageError(
      `${what} ${JSON.stringify(path)} does not exist`,
      'check the path; relative paths start from the current directory',
    );
  const known = code !== undefined ? READ_REASONS[code] : undefined;
  if (known) return new UsageError(`cannot read ${what} ${JSON.stringify(path)}: ${known[0]}`, known[1]);
  return new UsageError(`cannot read ${what} ${JSON.stringify(path)}: ${code ?? (error as Error).message}`);
}

/** Reads exactly `length` bytes at `position` (fewer only if the file shrank meanwhile). */
export function readAt(fd: number, position: number, length: number, path: string, what: string): Uint8Array {
  const bytes = new Uint8Array(length);
  let done = 0;
  try {
    while (done < length) {
      const n = readSync(fd, bytes, done, Math.min(length - done, 1 << 30), position + done);
      if (n === 0) break; // end of file: never loop on a read that returns nothing
      done += n;
    }
  } catch (error) {
    throw inputError(error, path, what);
  }
  return done === length ? bytes : bytes.subarray(0, done);
}

function requireRegular(stats: Stats, path: string, what: string): void {
  if (stats.isFile()) return;
  throw new UsageError(
    `${what} ${JSON.stringify(path)} is ${describeFileType(stats)}, not a regular file`,
    'charrnn reads regular files only (an endless device or pipe would never end)',
  );
}

export function describeFileType(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'a regular file';
}

// Shared with the page (its size refusal): one formatter for every size charrnn prints.
export { formatBytes };

/** Reads a UTF-8 text file; invalid bytes are reported with their position. */
export function readText(path: string, what: string): string {
  return decodeText(readBytes(path, what), path, what);
}

export function decodeText(bytes: Uint8Array, path: string, what: string): string {
  try {
    return decodeUtf8(bytes);
  } catch (error) {
    throw new UsageError(
      `${what} ${JSON.stringify(path)} is not valid UTF-8: ${(error as Error).message.replace(/^[^:]*: /, '')}`,
      'charrnn reads UTF-8 text; convert the file (e.g. iconv -f latin1 -t utf-8)',
    );
  }
}

/** Temporary files being written right now; removed if the process exits mid-write. */
const inFlight = new Set<string>();
let exitHookInstalled = false;

function track(temporary: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const path of inFlight) {
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      }
    });
  }
  inFlight.add(temporary);
}

/** The temporary file writeFileAtomic uses for `path` in this process (removeStaleTemporaries finds those of dead ones). */
export function temporaryPath(path: string, pid = process.pid): string {
  return join(dirname(path), `.${basename(path)}.${pid}.tmp`);
}

/** Writes bytes to path atomically: temporary file beside it, fsync, rename over. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const temporary = temporaryPath(path);
  track(temporary);
  try {
    const fd = openSync(temporary, 'w');
    try {
      writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing to clean up
    }
    throw WriteError.from(error, path);
  } finally {
    inFlight.delete(temporary);
  }
}

/** Writes every byte or throws; a write that makes no progress is an error, never a loop. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) {
    const n = writeSync(fd, bytes, written, bytes.length - written);
    if (n <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    written += n;
  }
}

/** An append-only text file written row by row (each write reaches the OS at once). */
export interface AppendFile {
  /** Appends a whole chunk, or nothing: a failed write is cut back and throws a WriteError. */
  write(chunk: string): void;
  close(): void;
  /** True when the file already had content before it was opened. */
  readonly existed: boolean;
}

export function openAppendFile(path: string, what: string): AppendFile {
  let fd: number;
  try {
    fd = openSync(path, 'a');
  } catch (error) {
    throw new UsageError(
      `cannot open ${what} ${JSON.stringify(path)} for writing: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let size = fstatSync(fd).size;
  const existed = size > 0;
  let open = true;
  return {
    existed,
    write(chunk: string): void {
      if (!open) return;
      const bytes = Buffer.from(chunk, 'utf8');
      try {
        writeAll(fd, bytes);
        size += bytes.length;
      } catch (error) {
        // Part of the row may have reached the file (ENOSPC after a partial write): cut it off,
        // so the file keeps only whole rows.
        try {
          ftruncateSync(fd, size);
        } catch {
          // the file keeps a partial last row; a reader of CSV will flag it
        }
        throw WriteError.from(error, path);
      }
    },
    close(): void {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
