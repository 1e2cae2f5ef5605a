// File input and output for the apps, with the errors a user can act on: which file, what is
// wrong, what to do. Writes are atomic (temporary file in the same directory, fsync, rename), so
// a crash or a kill leaves either the old file or the new one, never half of one.

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { decodeUtf8 } from '@charrnn/corpus';
import { UsageError } from './errors.js';

/** Reads a whole file; `what` names it in errors, e.g. "--data file". */
export function readBytes(path: string, what: string): Uint8Array {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${what} ${JSON.stringify(path)} does not exist`, 'check the path; relative paths start from the current directory');
    throw new UsageError(`cannot read ${what} ${JSON.stringify(path)}: ${(error as Error).message}`);
  }
  if (stats.isDirectory()) throw new UsageError(`${what} ${JSON.stringify(path)} is a directory, not a file`);
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${JSON.stringify(path)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Reads a UTF-8 text file; invalid bytes are reported with their position. */
export function readText(path: string, what: string): string {
  const bytes = readBytes(path, what);
  try {
    return decodeUtf8(bytes);
  } catch (error) {
    throw new UsageError(`${what} ${JSON.stringify(path)} is not valid UTF-8: ${(error as Error).message.replace(/^[^:]*: /, '')}`, 'charrnn reads UTF-8 text; convert the file (e.g. iconv -f latin1 -t utf-8)');
  }
}

/** Writes bytes to path atomically: temporary file beside it, fsync, rename over. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temporary, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
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
    throw new UsageError(`cannot write ${JSON.stringify(path)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'check that the directory exists and is writable');
  }
}

/** An append-only text file written row by row (each write reaches the OS at once). */
export interface AppendFile {
  write(chunk: string): void;
  close(): void;
  /** True when the file already had content before it was opened. */
  readonly existed: boolean;
}

export function openAppendFile(path: string, what: string): AppendFile {
  let existed = false;
  try {
    existed = statSync(path).size > 0;
  } catch {
    existed = false;
  }
  let fd: number;
  try {
    fd = openSync(path, 'a');
  } catch (error) {
    throw new UsageError(`cannot open ${what} ${JSON.stringify(path)} for writing: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let open = true;
  return {
    existed,
    write(chunk: string): void {
      if (open) writeSync(fd, chunk);
    },
    close(): void {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
