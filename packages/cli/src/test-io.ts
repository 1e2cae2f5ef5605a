// A fake CommandIo for testing commands in-process (used by every app's specs): captured output,
// a fixed environment, a fake clock, and a Ctrl-C that can be fired from the test.

import { runCommand, type Command, type CommandIo } from './main.js';

export interface FakeIo extends CommandIo {
  /** stdout as UTF-8 text (invalid bytes become U+FFFD). */
  out(): string;
  /** stdout's bytes exactly as written (strings as UTF-8). */
  outBytes(): Uint8Array;
  err(): string;
  interrupt(): void;
}

export function fakeIo(argv: string[]): FakeIo {
  const stdout: Buffer[] = [];
  let stderr = '';
  let now = 0;
  const handlers = new Set<() => void>();
  return {
    argv,
    stdout: {
      write: (chunk: string | Uint8Array) =>
        stdout.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk)),
      isTTY: false,
    },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    env: { CI: '1' },
    clock: () => (now += 1),
    onInterrupt(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    out: () => Buffer.concat(stdout).toString('utf8'),
    outBytes: () => new Uint8Array(Buffer.concat(stdout)),
    err: () => stderr,
    interrupt: () => handlers.forEach((h) => h()),
  };
}

/** What a command run on a fake io did: its exit code and its output. */
export interface FakeRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs a command in-process, as `runCommand` does for a real process, on a fresh fake io. */
export async function runOnFakeIo(command: Command, name: string, argv: string[]): Promise<FakeRun> {
  const io = fakeIo(argv);
  const code = await runCommand(name, command, io);
  return { code, out: io.out(), err: io.err() };
}
