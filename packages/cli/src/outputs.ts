// Output paths checked before any work: a run that would fail at its first save fails at its start
// instead, with one line. A target is absent or a regular file — never a device, FIFO, socket,
// directory or symbolic link, which an atomic rename would replace — and its directory exists and
// is writable. Directories are created one level at a time, so no failing mkdir can loop.

import { accessSync, constants, lstatSync, mkdirSync, readdirSync, realpathSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { describeFileType, errnoText } from './files.js';
import { acquireLock, isProcessAlive, type Lock } from './lock.js';

export interface OutputFileOptions {
  /** May an existing regular file be replaced (or appended to)? If not, `refuseHint` says what to do. */
  readonly mayExist: boolean;
  readonly refuseHint?: string;
}

/** Checks that `path` can be written as a whole file; `what` names it, e.g. "--save file". */
export function checkOutputFile(path: string, what: string, options: OutputFileOptions): void {
  const quoted = JSON.stringify(path);
  if (path === '' || path.endsWith('/')) throw new UsageError(`${what} ${quoted} must name a file, not a directory`);
  checkWritableDirectory(dirname(resolve(path)), `${what} ${quoted}: its directory`);
  let stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new UsageError(`cannot check ${what} ${quoted}: ${errnoText(error)}`);
  }
  if (stats.isSymbolicLink()) {
    throw new UsageError(
      `${what} ${quoted} is a symbolic link; charrnn replaces files by renaming over them, which would replace the link, not its target`,
      'give the real path of the file',
    );
  }
  if (!stats.isFile())
    throw new UsageError(
      `${what} ${quoted} is ${describeFileType(stats)}; it would be replaced by a regular file`,
      'choose a regular file path',
    );
  if (!options.mayExist) throw new UsageError(`${what} ${quoted} already exists`, options.refuseHint);
}

/**
 * Do two paths name the same file? Compared by real path (symbolic links and `..` resolved) and,
 * when both exist, by device and inode (a hard link is the same file under another name). An
 * output must never be one of the run's inputs, whatever path the user spelled it with.
 */
export function sameFile(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  if (real(a) === real(b)) return true;
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/** Checks that files can be created in `dir` (an existing, writable, searchable directory). */
export function checkWritableDirectory(dir: string, what: string): void {
  let stats;
  try {
    stats = statSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new UsageError(`${what} ${JSON.stringify(dir)} does not exist`, `create it first (mkdir -p ${dir})`);
    throw new UsageError(`cannot use ${what} ${JSON.stringify(dir)}: ${errnoText(error)}`);
  }
  if (!stats.isDirectory())
    throw new UsageError(`${what} ${JSON.stringify(dir)} is ${describeFileType(stats)}, not a directory`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${what} ${JSON.stringify(dir)} is not writable (${code ?? 'no access'})`,
      code === 'EROFS' ? 'the file system is read-only; write somewhere else' : 'check its permissions',
    );
  }
}

/**
 * Checks an output directory that may not exist yet: it is a writable directory, or its nearest
 * existing ancestor is one (so it can be created).
 */
export function checkOutputDirectory(dir: string, what: string): void {
  const full = resolve(dir);
  let existing = full;
  for (;;) {
    try {
      const stats = lstatSync(existing);
      if (existing === full && !stats.isDirectory() && !stats.isSymbolicLink()) {
        throw new UsageError(`${what} ${JSON.stringify(dir)} is ${describeFileType(stats)}, not a directory`);
      }
      break;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new UsageError(`cannot use ${what} ${JSON.stringify(dir)}: ${errnoText(error)}`);
      const parent = dirname(existing);
      if (parent === existing) break;
      existing = parent;
    }
  }
  checkWritableDirectory(existing, existing === full ? what : `${what} ${JSON.stringify(dir)}: its parent`);
}

/**
 * mkdir -p, one component at a time: every failure is an error that names the directory. (Node's
 * recursive mkdirSync loops forever on a path under /proc, where mkdir says ENOENT for a parent
 * that exists.)
 */
export function makeDirectories(dir: string, what: string): void {
  const full = resolve(dir);
  const missing: string[] = [];
  for (let d = full; ; d = dirname(d)) {
    try {
      if (!statSync(d).isDirectory())
        throw new UsageError(`${what} ${JSON.stringify(dir)}: ${JSON.stringify(d)} is not a directory`);
      break;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(d) === d) {
        throw new UsageError(
          `cannot create ${what} ${JSON.stringify(dir)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
      }
      missing.push(d);
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(d).isDirectory()) continue;
      throw new UsageError(
        `cannot create ${what} ${JSON.stringify(dir)}: mkdir ${JSON.stringify(d)} failed with ${code ?? (error as Error).message}`,
        'check the path and its permissions',
      );
    }
  }
}

const TEMPORARY = /^\..+\.(\d+)\.tmp$/;

/**
 * Removes the temporary files (`.NAME.PID.tmp`) that killed runs left in `dir`: those whose process
 * is gone. `only` limits it to the temporaries of one file name. Returns how many were removed.
 */
export function removeStaleTemporaries(dir: string, only?: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const match = TEMPORARY.exec(name);
    if (!match) continue;
    if (only !== undefined && !name.startsWith(`.${basename(only)}.`)) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isProcessAlive(pid)) continue;
    try {
      unlinkSync(join(dir, name));
      removed++;
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/**
 * Takes the lock of each output file a run writes (undefined ones, flags not given, are skipped) and
 * removes the temporaries killed runs left of it. All or none: when one lock is refused, those
 * already taken are released before the error is thrown.
 */
export function lockOutputFiles(
  files: readonly (readonly [path: string | undefined, what: string])[],
  command: string,
): Lock[] {
  const locks: Lock[] = [];
  try {
    for (const [path, what] of files) {
      if (!path) continue;
      locks.push(acquireLock(path, what, command));
      removeStaleTemporaries(dirname(resolve(path)), path);
    }
  } catch (error) {
    for (const lock of locks) lock.release();
    throw error;
  }
  return locks;
}
