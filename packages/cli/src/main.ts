// The shell around every command: runs it, turns errors into one stderr line and an exit code,
// and handles Ctrl-C, SIGTERM and SIGHUP alike (first signal: ask the command to stop cleanly —
// save, flush — and exit 128 + the signal's number; a second signal: exit at once).

import { EXIT_INTERRUPTED, EXIT_OK, exitCodeForSignal, reportError } from './errors.js';
import { appVersion, asksForVersion } from './version.js';

export interface CommandIo {
  readonly argv: readonly string[];
  /** Text, or raw bytes (charrnn-sample in byte mode writes exactly what the model generated). */
  readonly stdout: {
    write(chunk: string | Uint8Array): unknown;
    isTTY?: boolean;
    columns?: number;
    /** True once the reader is gone (EPIPE: `| head` has read enough): endless output stops there. */
    readonly closed?: boolean;
  };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  readonly env: Record<string, string | undefined>;
  /** Milliseconds, monotonic. */
  readonly clock: () => number;
  /** Registers a handler for Ctrl-C, SIGTERM and SIGHUP; returns a function that removes it. */
  readonly onInterrupt: (handler: () => void) => () => void;
}

/** A command returns its exit code; thrown errors are reported by runCommand. */
export type Command = (io: CommandIo) => Promise<number>;

/** The signals a run stops cleanly on. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function processIo(): CommandIo & { readonly signal: () => string | undefined } {
  let received: string | undefined;
  // A console that fails (a closed pipe, `| head`; a full disk under a redirect) must not crash the
  // run with a stack trace: its files matter more than its progress lines. Writes there just stop,
  // and `closed` tells a command whose output is its whole point (charrnn-sample) to stop too. A
  // pipe's EPIPE does not destroy process.stdout, so it is recorded here.
  let stdoutClosed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') stdoutClosed = true;
  });
  process.stderr.on('error', () => undefined);
  const stdout = process.stdout;
  return {
    argv: process.argv.slice(2),
    stdout: {
      write: (chunk: string | Uint8Array) => stdout.write(chunk),
      get isTTY() {
        return stdout.isTTY;
      },
      get columns() {
        return stdout.columns;
      },
      get closed() {
        return stdoutClosed;
      },
    },
    stderr: process.stderr,
    env: process.env,
    clock: () => performance.now(),
    signal: () => received,
    onInterrupt(handler) {
      const listener = (signal: string): void => {
        if (received !== undefined) process.exit(exitCodeForSignal(signal));
        received = signal;
        handler();
      };
      for (const signal of STOP_SIGNALS) process.on(signal, listener);
      return () => {
        for (const signal of STOP_SIGNALS) process.off(signal, listener);
      };
    },
  };
}

/**
 * Runs a command with errors reported as `<name>: error: …`; returns the exit code. `--version`
 * is answered here, for every command alike, before the command parses its flags.
 */
export async function runCommand(name: string, command: Command, io: CommandIo): Promise<number> {
  if (asksForVersion(io.argv)) {
    io.stdout.write(`${name} ${appVersion()}\n`);
    return EXIT_OK;
  }
  try {
    return await command(io);
  } catch (error) {
    return reportError(name, error, { write: (t) => void io.stderr.write(t) }, io.env['CHARRNN_DEBUG'] !== undefined);
  }
}

/** Entry point helper for main.ts files: an interrupted run exits 128 + the signal that stopped it. */
export function main(name: string, command: Command): void {
  const io = processIo();
  void runCommand(name, command, io).then((code) => {
    const signal = io.signal();
    process.exitCode = code === EXIT_INTERRUPTED && signal !== undefined ? exitCodeForSignal(signal) : code;
  });
}
