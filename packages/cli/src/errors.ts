// The two ways a command fails, and how each maps to an exit code: a usage or input error (2) —
// the user can fix the command — and a failed run or check (1). Ctrl-C is 130.

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** Bad flags, missing or unreadable input files, corrupt checkpoints: exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The command ran but failed (a diverged loss, a failed gradient check): exit 1. */
export class RunError extends Error {
  override readonly name: string = 'RunError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface ErrorOutput {
  write(text: string): void;
}

/** A file could not be written (disk full, permissions, a directory gone): exit 1, naming the file. */
export class WriteError extends RunError {
  override readonly name: string = 'WriteError';
  constructor(
    readonly path: string,
    readonly code: string,
    hint?: string,
  ) {
    super(`cannot write ${JSON.stringify(path)}: ${describeErrno(code)}`, hint);
  }

  static from(error: unknown, path: string): WriteError {
    if (error instanceof WriteError) return error;
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return new WriteError(path, code, WRITE_HINTS[code] ?? 'check that the directory exists and is writable');
  }
}

const WRITE_HINTS: Record<string, string> = {
  ENOSPC: 'free some space on that disk; --resume then continues from the last checkpoint',
  EDQUOT: 'your disk quota is used up; free some space, then --resume',
  EACCES: 'check the permissions of the file and its directory',
  EPERM: 'check the permissions of the file and its directory',
  EROFS: 'the file system is read-only; write somewhere else',
  ENOENT: 'its directory was removed while the run was going; create it again, then --resume',
};

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on the device (ENOSPC)',
  EDQUOT: 'disk quota exceeded (EDQUOT)',
  EACCES: 'permission denied (EACCES)',
  EPERM: 'operation not permitted (EPERM)',
  EROFS: 'read-only file system (EROFS)',
  ENOENT: 'its directory does not exist (ENOENT)',
  EIO: 'input/output error (EIO)',
  EISDIR: 'it is a directory (EISDIR)',
};

function describeErrno(code: string): string {
  return ERRNO_TEXT[code] ?? code;
}

/** Exit status for a run stopped by a signal: 128 + its number (SIGINT 130, SIGTERM 143, SIGHUP 129). */
export const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

export function exitCodeForSignal(signal: string): number {
  return 128 + (SIGNAL_NUMBERS[signal] ?? 2);
}

/** Prints `<command>: error: <message>` (and a hint line) and returns the exit code for the error. */
export function reportError(command: string, error: unknown, stderr: ErrorOutput, debug = false): number {
  const hint = error instanceof UsageError || error instanceof RunError ? error.hint : undefined;
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`${command}: error: ${firstLine(message)}\n`);
  if (hint) stderr.write(`hint: ${hint}\n`);
  if (debug && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  if (error instanceof RunError) return EXIT_FAILURE;
  if (error instanceof UsageError) return EXIT_USAGE;
  // Library errors about values (RangeError, TypeError, checkpoint and data errors) come from what
  // the user gave us; anything else is a bug, reported the same way but as a failure.
  if (error instanceof RangeError || error instanceof TypeError || isInputError(error)) return EXIT_USAGE;
  return EXIT_FAILURE;
}

function isInputError(error: unknown): boolean {
  return (
    error instanceof Error && ['CheckpointError', 'DataError', 'SafetensorsError', 'SpecError'].includes(error.name)
  );
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 0 ? line : 'unknown error';
}
