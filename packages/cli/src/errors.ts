// The two ways a command fails, and how each maps to an exit code: a usage or input error (2) —
// the user can fix the command — and a failed run or check (1). Ctrl-C is 130.

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** Bad flags, missing or unreadable input files, corrupt checkpoints: exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** The command ran but failed (a diverged loss, a failed gradient check): exit 1. */
export class RunError extends Error {
  override readonly name = 'RunError';
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

export interface ErrorOutput {
  write(text: string): void;
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
  return error instanceof Error && ['CheckpointError', 'DataError', 'SafetensorsError', 'SpecError'].includes(error.name);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 0 ? line : 'unknown error';
}
