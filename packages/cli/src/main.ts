// The shell around every command: runs it, turns errors into one stderr line and an exit code,
// and handles Ctrl-C (first press: ask the command to stop cleanly; second press: exit at once).

import { EXIT_INTERRUPTED, EXIT_OK, reportError } from './errors.js';
import { appVersion, asksForVersion } from './version.js';

export interface CommandIo {
  readonly argv: readonly string[];
  readonly stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  readonly env: Record<string, string | undefined>;
  /** Milliseconds, monotonic. */
  readonly clock: () => number;
  /** Registers a Ctrl-C handler; returns a function that removes it. */
  readonly onInterrupt: (handler: () => void) => () => void;
}

/** A command returns its exit code; thrown errors are reported by runCommand. */
export type Command = (io: CommandIo) => Promise<number>;

export function processIo(): CommandIo {
  return {
    argv: process.argv.slice(2),
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    clock: () => performance.now(),
    onInterrupt(handler) {
      let pressed = false;
      const listener = (): void => {
        if (pressed) process.exit(EXIT_INTERRUPTED);
        pressed = true;
        handler();
      };
      process.on('SIGINT', listener);
      process.on('SIGTERM', listener);
      return () => {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
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

/** Entry point helper for main.ts files. */
export function main(name: string, command: Command): void {
  void runCommand(name, command, processIo()).then((code) => {
    process.exitCode = code;
  });
}
