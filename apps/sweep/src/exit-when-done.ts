// The entry point of charrnn-sweep and charrnn-worker: like every command's (runCommand), but the
// process exits as soon as the command has returned and its output is flushed. ioredis's reply
// parser keeps a 50 ms interval alive after a large reply (a checkpoint) while it shrinks its buffer
// pool, which held a finished sweep's process open for up to two more seconds; by the time the
// command returns every connection is closed and every file written, so nothing is cut short.

import { EXIT_INTERRUPTED, exitCodeForSignal, processIo, runCommand, type Command } from '@charrnn/cli';

export function mainExitingWhenDone(name: string, command: Command): void {
  const io = processIo();
  void runCommand(name, command, io).then((code) => {
    const signal = io.signal();
    const exitCode = code === EXIT_INTERRUPTED && signal !== undefined ? exitCodeForSignal(signal) : code;
    // Both streams' queued writes go out before the exit (pipes may be asynchronous off Linux).
    process.stdout.write('', () => process.stderr.write('', () => process.exit(exitCode)));
  });
}
