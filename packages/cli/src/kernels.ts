// Picks the compute kernels for --kernels: "auto" takes WebAssembly SIMD when this Node has it and
// falls back to the reference loops with a one-line notice; a missing fast path never fails a run.
// threads: 2 adds a worker thread for the large matrix products (same results, one-line notice if not).
// The wasm kernels hand their large gemms to the native addon (@charrnn/native) when it was built;
// when it was not, they keep them, silently (the addon is an optional accelerator).

import { loadNativeGemm } from '@charrnn/native';
import { selectKernels, type KernelPreference } from '@charrnn/kernels-wasm';
import type { Kernels } from '@charrnn/tensor';
import { UsageError } from './errors.js';
import { spawnNodeWorker } from './node-worker.js';

export interface ChooseKernelsOptions {
  /** 1 (default) or 2 threads for one run's matrix products. */
  readonly threads?: number;
  /** Use the native gemm when it is built (default true). */
  readonly native?: boolean;
}

export function chooseKernels(
  preference: string,
  notice: (line: string) => void,
  options: ChooseKernelsOptions = {},
): Kernels {
  const threads = options.threads ?? 1;
  if (threads !== 1 && threads !== 2) throw new UsageError(`--threads must be 1 or 2, got ${String(threads)}`);
  try {
    const nativeGemm = options.native === false || preference === 'reference' ? null : loadNativeGemm();
    const selection = selectKernels(preference as KernelPreference, {
      threads,
      nativeGemm,
      spawnWorker: (source) =>
        spawnNodeWorker(source, (error) => notice(`notice: kernels: the worker thread failed (${error.message})`)),
    });
    if (selection.notice) notice(`notice: ${selection.notice}`);
    return selection.kernels;
  } catch (error) {
    throw new UsageError(
      `--kernels ${preference} is not available here: ${(error as Error).message}`,
      'use --kernels auto or --kernels reference',
    );
  }
}
