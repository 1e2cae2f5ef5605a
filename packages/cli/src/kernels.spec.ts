import { describe, expect, it } from 'vitest';
import { loadNativeGemm } from '@charrnn/native';
import type { Kernels } from '@charrnn/tensor';
import { UsageError } from './errors.js';
import { chooseKernels } from './kernels.js';
import { spawnNodeWorker } from './node-worker.js';

async function untilThreads(kernels: Kernels, threads: number): Promise<void> {
  for (let i = 0; i < 500 && (kernels.threads ?? 1) !== threads; i++) await new Promise((r) => setTimeout(r, 10));
  expect(kernels.threads ?? 1).toBe(threads);
}

describe('chooseKernels', () => {
  it('threads 2 starts a worker thread for the wasm kernels, and close stops it', async () => {
    const notices: string[] = [];
    const kernels = chooseKernels('auto', (line) => notices.push(line), { threads: 2 });
    expect(notices).toEqual([]);
    await untilThreads(kernels, 2);
    kernels.close?.();
    expect(kernels.threads).toBe(1);
  });

  it('threads 1 (the default) starts no worker', () => {
    expect(chooseKernels('auto', () => undefined).threads ?? 1).toBe(1);
  });

  it('threads 2 with the reference kernels runs one thread with a one-line notice', () => {
    const notices: string[] = [];
    const kernels = chooseKernels('reference', (line) => notices.push(line), { threads: 2 });
    expect(kernels.name).toBe('reference');
    expect(notices).toEqual([
      'notice: kernels: threads 2 needs the wasm kernels; the reference kernels run on one thread',
    ]);
  });

  it('uses the native gemm when it is built, silently; native: false keeps wasm alone', () => {
    const notices: string[] = [];
    const kernels = chooseKernels('auto', (line) => notices.push(line));
    expect(notices).toEqual([]);
    expect(kernels.name).toBe(loadNativeGemm() ? 'wasm-simd+native' : 'wasm-simd');
    expect(chooseKernels('auto', () => undefined, { native: false }).name).toBe('wasm-simd');
  });

  it('refuses other thread counts as a usage error', () => {
    expect(() => chooseKernels('auto', () => undefined, { threads: 3 })).toThrow(UsageError);
  });
});

describe('spawnNodeWorker', () => {
  it("delivers the first message to the source's onmessage, as a browser would", async () => {
    const shared = new Int32Array(new SharedArrayBuffer(4));
    const worker = spawnNodeWorker(
      'globalThis.onmessage = (e) => { Atomics.store(e.data, 0, 42); Atomics.notify(e.data, 0); };',
    );
    worker.postMessage(shared);
    for (let i = 0; i < 500 && Atomics.load(shared, 0) !== 42; i++) await new Promise((r) => setTimeout(r, 10));
    expect(shared[0]).toBe(42);
    await worker.terminate();
  });

  it('reports an error inside the worker instead of crashing the process', async () => {
    const errors: Error[] = [];
    spawnNodeWorker('throw new Error("boom");', (error) => errors.push(error));
    for (let i = 0; i < 500 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(errors.map((e) => e.message)).toEqual(['boom']);
  });
});
