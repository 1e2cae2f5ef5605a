// A fake CommandIo for testing commands in-process (used by every app's specs): captured output,
// a fixed environment, a fake clock, and a Ctrl-C that can be fired from the test.

import type { CommandIo } from './main.js';

export interface FakeIo extends CommandIo {
  out(): string;
  err(): string;
  interrupt(): void;
}

export function fakeIo(argv: string[]): FakeIo {
  let stdout = '';
  let stderr = '';
  let now = 0;
  const handlers = new Set<() => void>();
  return {
    argv,
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    env: { CI: '1' },
    clock: () => (now += 1),
    onInterrupt(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    out: () => stdout,
    err: () => stderr,
    interrupt: () => handlers.forEach((h) => h()),
  };
}
