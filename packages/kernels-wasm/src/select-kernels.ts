// Picks the kernels a run uses: the wasm SIMD kernels when the engine can run them, else the
// reference kernels with a one-line notice (a missing fast path is never an error under 'auto').
// With threads: 2 and a way to spawn workers, the wasm kernels split large products over two threads.

import { type Kernels, referenceKernels } from '@charrnn/tensor';
import { createThreadedWasmKernels, type SpawnWorker } from './threaded-kernels.js';
import { loadWasmKernels } from './wasm-kernels.js';
import type { WasmKernelsOptions } from './wasm-memory.js';

export type KernelPreference = 'auto' | 'reference' | 'wasm';

export const KERNEL_PREFERENCES: readonly KernelPreference[] = ['auto', 'reference', 'wasm'];

export interface KernelSelection {
  readonly kernels: Kernels;
  /** Set when the choice fell short of the request (reference instead of wasm, one thread instead of two); one line. */
  readonly notice?: string;
}

export interface SelectKernelsOptions extends WasmKernelsOptions {
  /** 1 (default) or 2: two runs the large matrix products on a worker too (wasm kernels only). */
  readonly threads?: number;
  /** How this host starts a worker; without it threads: 2 falls back to one thread with a notice. */
  readonly spawnWorker?: SpawnWorker;
}

/**
 * 'auto' → wasm if it loads, else reference with a notice; 'reference' → reference;
 * 'wasm' → wasm, throwing an Error when it cannot load (it was asked for explicitly).
 * threads: 2 never fails: without wasm or a worker it runs on one thread and says so in `notice`.
 */
export function selectKernels(preference: KernelPreference, options: SelectKernelsOptions = {}): KernelSelection {
  if (!KERNEL_PREFERENCES.includes(preference)) {
    throw new RangeError(
      `selectKernels: preference must be one of ${KERNEL_PREFERENCES.join(', ')}, got ${String(preference)}`,
    );
  }
  const threads = options.threads ?? 1;
  if (threads !== 1 && threads !== 2)
    throw new RangeError(`selectKernels: threads must be 1 or 2, got ${String(threads)}`);
  if (preference === 'reference') {
    return threads === 1
      ? { kernels: referenceKernels }
      : {
          kernels: referenceKernels,
          notice: 'kernels: threads 2 needs the wasm kernels; the reference kernels run on one thread',
        };
  }
  let threadNotice: string | undefined;
  if (threads === 2) {
    if (options.spawnWorker) {
      const threaded = createThreadedWasmKernels({ ...options, spawnWorker: options.spawnWorker });
      if (!('unavailable' in threaded)) return { kernels: threaded };
      threadNotice = `kernels: using one thread (${threaded.unavailable})`;
    } else {
      threadNotice = 'kernels: using one thread (this host gave no way to start a worker)';
    }
  }
  const loaded = loadWasmKernels(options);
  if (!('unavailable' in loaded)) return threadNotice ? { kernels: loaded, notice: threadNotice } : { kernels: loaded };
  if (preference === 'wasm') {
    throw new Error(`selectKernels: wasm kernels must be available when asked for, got: ${loaded.unavailable}`);
  }
  return {
    kernels: referenceKernels,
    notice: `kernels: using reference kernels (wasm-simd unavailable: ${loaded.unavailable})`,
  };
}
