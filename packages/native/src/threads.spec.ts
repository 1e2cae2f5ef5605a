// The addon is loaded once per process but called from several Node worker threads at once (a sweep
// runs one trial per worker thread). Each thread's products must be exactly what it gets alone.

import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { loadNativeGemm, nativeAddonPath } from './index.js';

// Runs in each worker: C = A·B (and, with two threads, the split) over and over on this thread's own
// memory, counting results that differ in any bit from the first one.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const addon = require(workerData.path);
const { m, n, k, rounds, seed } = workerData;
const memory = new ArrayBuffer(4 * (m * k + k * n + m * n));
const handle = addon.registerMemory(new Uint8Array(memory));
const a = new Float32Array(memory, 0, m * k);
const b = new Float32Array(memory, 4 * m * k, k * n);
const c = new Float32Array(memory, 4 * (m * k + k * n), m * n);
let state = seed;
const next = () => ((state = (state * 1103515245 + 12345) >>> 0) / 4294967296) - 0.5;
a.forEach((_, i) => (a[i] = next()));
b.forEach((_, i) => (b[i] = next()));
const multiply = (threads) => addon.gemm(handle, 0, 0, 0, m, n, k, 1, 0, k, 4 * m * k, n, 0, 4 * (m * k + k * n), n, threads);
multiply(1);
const first = Float32Array.from(c);
let differing = 0;
for (let r = 0; r < rounds; r++) {
  c.fill(0);
  multiply(1 + (r % 2));
  if (c.some((v, i) => v !== first[i])) differing++;
}
parentPort.postMessage(differing);
`;

function runWorker(path: string, m: number, n: number, k: number, seed: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { path, m, n, k, rounds: 400, seed } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

describe.runIf(loadNativeGemm() !== null)('native gemm from several worker threads', () => {
  it('gives every thread the products it gets alone (no shared packing buffers or helper)', async () => {
    const path = nativeAddonPath()!;
    // Different shapes, so the threads' packed panels differ in size and content.
    const differing = await Promise.all([
      runWorker(path, 96, 130, 150, 1),
      runWorker(path, 70, 200, 90, 2),
      runWorker(path, 128, 64, 256, 3),
    ]);
    expect(differing).toEqual([0, 0, 0]);
  });
});
