// Node's way to start the helper thread of the two-thread kernels: a worker_threads Worker from a
// source string (no worker file to ship or bundle), unref'd so it never keeps the process alive.

import { Worker } from 'node:worker_threads';
import type { WorkerLike } from '@charrnn/kernels-wasm';

/**
 * Starts `source` (a classic script written for a browser Worker) in a worker thread: the first
 * message is forwarded to its `globalThis.onmessage({ data })`, as a browser would deliver it.
 * Errors inside the worker are reported once through `onError` instead of crashing the process.
 */
export function spawnNodeWorker(source: string, onError: (error: Error) => void = () => undefined): WorkerLike {
  const adapter = `\nrequire('node:worker_threads').parentPort.once('message', (data) => globalThis.onmessage({ data }));\n`;
  const worker = new Worker(source + adapter, { eval: true });
  worker.unref();
  worker.once('error', onError);
  return worker;
}
