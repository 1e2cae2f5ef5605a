// Outputs checked before any work, locks between runs, temporaries of killed runs: each class of
// hostile target (missing or read-only directory, device, FIFO, symlink, directory, existing file).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { acquireLock, isProcessAlive } from './lock.js';
import {
  checkOutputDirectory,
  checkOutputFile,
  lockOutputFiles,
  makeDirectories,
  removeStaleTemporaries,
  sameFile,
} from './outputs.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'charrnn-out-'));
/** A pid no process has (above Linux's largest pid_max). */
const DEAD_PID = 2 ** 22 + 12345;

describe('checkOutputFile', () => {
  const may = { mayExist: true };
  it('accepts an absent file in a writable directory, and an existing regular file when allowed', () => {
    const d = dir();
    expect(() => checkOutputFile(join(d, 'new.bin'), '--save file', { mayExist: false })).not.toThrow();
    writeFileSync(join(d, 'old.bin'), 'x');
    expect(() => checkOutputFile(join(d, 'old.bin'), '--save file', may)).not.toThrow();
  });

  it('refuses an existing file unless allowed, with the hint given', () => {
    const d = dir();
    writeFileSync(join(d, 'old.bin'), 'x');
    expect(() =>
      checkOutputFile(join(d, 'old.bin'), '--save file', { mayExist: false, refuseHint: 'add --force' }),
    ).toThrow(/--save file ".*old.bin" already exists/);
  });

  it.each([
    ['a missing directory', (d: string) => join(d, 'nope', 'x.bin'), /its directory ".*nope" does not exist/],
    ['a character device', () => '/dev/null', /is a character device; it would be replaced/],
    ['a directory', (d: string) => d, /is a directory/],
    [
      'a symbolic link',
      (d: string) => {
        symlinkSync(join(d, 'target'), join(d, 'link'));
        return join(d, 'link');
      },
      /is a symbolic link/,
    ],
    [
      'a FIFO',
      (d: string) => {
        execFileSync('mkfifo', [join(d, 'pipe')]);
        return join(d, 'pipe');
      },
      /is a named pipe \(FIFO\)/,
    ],
    [
      'a directory that is a symbolic link loop',
      (d: string) => {
        symlinkSync('loop', join(d, 'loop'));
        return join(d, 'loop', 'x.bin');
      },
      /cannot use --save file ".*x.bin": its directory ".*loop": too many levels of symbolic links \(ELOOP\)/,
    ],
    [
      'a file as its directory',
      (d: string) => {
        writeFileSync(join(d, 'f'), '');
        return join(d, 'f', 'x.bin');
      },
      /is a regular file, not a directory/,
    ],
  ])('refuses %s in one line', (_name, make, message) => {
    const path = make(dir());
    expect(() => checkOutputFile(path, '--save file', may)).toThrow(UsageError);
    expect(() => checkOutputFile(path, '--save file', may)).toThrow(message);
  });
});

describe('output directories', () => {
  it('creates missing levels one at a time and accepts an existing directory', () => {
    const d = dir();
    makeDirectories(join(d, 'a', 'b', 'c'), '--out directory');
    expect(existsSync(join(d, 'a', 'b', 'c'))).toBe(true);
    expect(() => makeDirectories(join(d, 'a', 'b', 'c'), '--out directory')).not.toThrow();
    expect(() => checkOutputDirectory(join(d, 'x', 'y'), '--out directory')).not.toThrow();
  });

  it('fails in one line, without looping, where mkdir says ENOENT for a parent that exists (/proc)', () => {
    expect(() => makeDirectories('/proc/charrnn-x/y', '--out directory')).toThrow(
      /cannot create --out directory "\/proc\/charrnn-x\/y": mkdir "\/proc\/charrnn-x" failed with ENOENT/,
    );
  });

  it('refuses a regular file as the directory', () => {
    const d = dir();
    writeFileSync(join(d, 'f'), '');
    expect(() => checkOutputDirectory(join(d, 'f'), '--out directory')).toThrow(/is a regular file, not a directory/);
    expect(() => makeDirectories(join(d, 'f', 'g'), '--out directory')).toThrow(
      /cannot create --out directory .*ENOTDIR/,
    );
  });
});

describe('locks', () => {
  it('refuses a second holder with one line naming the first, and frees the lock on release', () => {
    const target = join(dir(), 'run.safetensors');
    const lock = acquireLock(target, '--save file', 'charrnn-train');
    expect(JSON.parse(readFileSync(`${target}.lock`, 'utf8')).pid).toBe(process.pid);
    expect(() => acquireLock(target, '--save file', 'charrnn-train')).toThrow(
      new RegExp(`--save file ".*run.safetensors" is in use by charrnn-train \\(pid ${process.pid}, since `),
    );
    lock.release();
    expect(existsSync(`${target}.lock`)).toBe(false);
    acquireLock(target, '--save file', 'charrnn-train').release();
  });

  it('takes over a stale lock whose process is gone (a run killed with kill -9)', () => {
    const target = join(dir(), 'run.csv');
    expect(isProcessAlive(DEAD_PID)).toBe(false);
    const lockText = { pid: DEAD_PID, host: '', command: 'x', since: 'then' };
    lockText.host = hostname();
    writeFileSync(`${target}.lock`, JSON.stringify(lockText));
    const lock = acquireLock(target, '--log file', 'charrnn-train');
    expect(JSON.parse(readFileSync(`${target}.lock`, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });
});

describe('lockOutputFiles', () => {
  it('locks every given file and removes its dead temporaries; one refusal releases the locks taken', () => {
    const d = dir();
    const [save, log] = [join(d, 'run.safetensors'), join(d, 'run.csv')];
    writeFileSync(join(d, `.run.csv.${DEAD_PID}.tmp`), 'half');
    const locks = lockOutputFiles(
      [
        [save, '--save file'],
        [undefined, '--save-best file'],
        [log, '--log file'],
      ],
      'charrnn-train',
    );
    expect(locks.map((lock) => lock.path)).toEqual([`${save}.lock`, `${log}.lock`]);
    expect(existsSync(join(d, `.run.csv.${DEAD_PID}.tmp`))).toBe(false);
    for (const lock of locks) lock.release();

    const held = acquireLock(log, '--log file', 'charrnn-tree');
    expect(() =>
      lockOutputFiles(
        [
          [save, '--save file'],
          [log, '--log file'],
        ],
        'charrnn-train',
      ),
    ).toThrow(/--log file ".*run.csv" is in use by charrnn-tree/);
    expect(existsSync(`${save}.lock`)).toBe(false);
    held.release();
  });
});

describe('removeStaleTemporaries', () => {
  it('removes the temporaries of dead processes only', () => {
    const d = dir();
    writeFileSync(join(d, `.run.safetensors.${DEAD_PID}.tmp`), 'half');
    writeFileSync(join(d, `.run.safetensors.${process.pid}.tmp`), 'mine');
    writeFileSync(join(d, '.other.1.txt'), 'not a temporary');
    mkdirSync(join(d, 'sub'));
    expect(removeStaleTemporaries(d)).toBe(1);
    expect(existsSync(join(d, `.run.safetensors.${DEAD_PID}.tmp`))).toBe(false);
    expect(existsSync(join(d, `.run.safetensors.${process.pid}.tmp`))).toBe(true);
    expect(existsSync(join(d, '.other.1.txt'))).toBe(true);
  });
});

describe('sameFile', () => {
  it('matches a path, its symlinked spelling and a hard link, and nothing else', async () => {
    const { linkSync } = await import('node:fs');
    const d = dir();
    writeFileSync(join(d, 'a.csv'), 'x');
    writeFileSync(join(d, 'b.csv'), 'x');
    symlinkSync(d, join(d, 'alias'));
    linkSync(join(d, 'a.csv'), join(d, 'hard.csv'));
    expect(sameFile(join(d, 'a.csv'), join(d, '.', 'a.csv'))).toBe(true);
    expect(sameFile(join(d, 'alias', 'a.csv'), join(d, 'a.csv'))).toBe(true);
    expect(sameFile(join(d, 'hard.csv'), join(d, 'a.csv'))).toBe(true);
    expect(sameFile(join(d, 'b.csv'), join(d, 'a.csv'))).toBe(false);
    expect(sameFile(join(d, 'missing.csv'), join(d, 'a.csv'))).toBe(false);
  });
});
