// One run per output file: a lock file beside it (`FILE.lock`), created exclusively, holding the
// owner's pid, host and command. A second run is refused with one line naming the holder. A lock
// whose process is gone (a run killed with kill -9) is stale and taken over.

import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { UsageError } from './errors.js';

export interface Lock {
  readonly path: string;
  release(): void;
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
}

/** True when a process with this pid exists (EPERM: it exists but is someone else's). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const held = new Set<string>();
let exitHookInstalled = false;

/**
 * Takes the lock for `target` (a file, or a directory for a sweep); `what` names it in errors.
 * Released by release(), and at process exit.
 */
export function acquireLock(target: string, what: string, command: string, lockPath = `${target}.lock`): Lock {
  const me: Holder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST')
        throw new UsageError(
          `cannot create the lock file ${JSON.stringify(lockPath)} for ${what}: ${code ?? (error as Error).message}`,
          'check that its directory is writable',
        );
      const holder = readHolder(lockPath);
      if (holder && (holder.host !== me.host || isProcessAlive(holder.pid))) {
        throw new UsageError(
          `${what} ${JSON.stringify(target)} is in use by ${holder.command} (pid ${holder.pid}${holder.host !== me.host ? ` on ${holder.host}` : ''}, since ${holder.since})`,
          `wait for that run to end or stop it; if it no longer exists, delete ${lockPath}`,
        );
      }
      if (!holder && isFresh(lockPath)) {
        // Just created by a run that has not written its pid yet.
        throw new UsageError(
          `${what} ${JSON.stringify(target)} is in use by another run (it is taking the lock ${lockPath})`,
          'try again in a moment',
        );
      }
      removeQuietly(lockPath); // stale: its process is gone (or the file is unreadable and old)
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(me)}\n`);
    } finally {
      closeSync(fd);
    }
    held.add(lockPath);
    installExitHook();
    return {
      path: lockPath,
      release() {
        if (!held.delete(lockPath)) return;
        const holder = readHolder(lockPath);
        if (holder?.pid === process.pid) removeQuietly(lockPath);
      },
    };
  }
  throw new UsageError(
    `cannot take the lock ${JSON.stringify(lockPath)} for ${what}: another run took it at the same moment`,
    'try again',
  );
}

function readHolder(path: string): Holder | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null;
    return {
      pid: parsed.pid,
      host: parsed.host,
      command: String(parsed.command ?? 'another run'),
      since: String(parsed.since ?? 'an unknown time'),
    };
  } catch {
    return null;
  }
}

function isFresh(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < 2000;
  } catch {
    return false;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const path of held) {
      const holder = readHolder(path);
      if (holder?.pid === process.pid) removeQuietly(path);
    }
  });
}
