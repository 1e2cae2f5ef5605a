// Test support, imported by specs only (never by the package's code, which stays browser-safe):
// the CLI's Node worker spawner, inlined, and a wait until a backend's worker has started.

import { Worker } from 'node:worker_threads';
import { expect } from 'vitest';
import type { Kernels } from '@charrnn/tensor';
import type { WorkerLike } from './threaded-kernels.js';

/** As @charrnn/cli's spawnNodeWorker: a worker_threads Worker eval'd from the source string. */
export function spawnTestWorker(source: string): WorkerLike {
  const worker = new Worker(
    `${source}\nrequire('node:worker_threads').parentPort.once('message', (data) => globalThis.onmessage({ data }));`,
    { eval: true },
  );
  worker.unref();
  return worker;
}

/** Polls until the backend reports `threads` (its worker started), for at most ~5 s. */
export async function untilThreads(kernels: Kernels, threads: number): Promise<void> {
  for (let i = 0; i < 500 && (kernels.threads ?? 1) !== threads; i++) await new Promise((r) => setTimeout(r, 10));
  expect(kernels.threads).toBe(threads);
}
