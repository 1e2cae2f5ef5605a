// A fake CommandIo for testing commands in-process (used by every app's specs): captured output,
// a fixed environment, a fake clock, and a Ctrl-C that can be fired from the test.

import type { CommandIo } from './main.js';

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
