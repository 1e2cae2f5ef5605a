// A queue worker's thread pools, one per --kernels preference the sweeps ask for: the default one
// starts with the worker, so its first trial does not wait for threads to load. A sweep asking for
// other kernels gets its own pool, and the idle pools of other kernels go (a worker runs
// `concurrency` threads, not more). Threads are told the text of each trial they run, once per text.

import { chooseKernels } from '@charrnn/cli';
import { createWorkerPool, type WorkerPool } from './worker-executor.js';

export interface KernelPoolsOptions {
  readonly concurrency: number;
  readonly notice: (line: string) => void;
  readonly workerUrl?: URL;
}

export interface KernelPools {
  poolFor(kernels: string): WorkerPool;
  close(): Promise<void>;
}

export function createKernelPools(options: KernelPoolsOptions): KernelPools {
  const pools = new Map<string, WorkerPool>();
  const poolFor = (kernels: string): WorkerPool => {
    let pool = pools.get(kernels);
    if (pool) return pool;
    for (const [other, idle] of pools) {
      if (idle.busy > 0) continue;
      pools.delete(other);
      void idle.close();
    }
    pool = createWorkerPool({
      workers: options.concurrency,
      kernels,
      // The same choice of kernels as every other command; the threads check theirs against it.
      expectedKernels: chooseKernels(kernels, options.notice).name,
      onNotice: options.notice,
      ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
    });
    pools.set(kernels, pool);
    return pool;
  };
  poolFor('auto');
  return {
    poolFor,
    close: async () => void (await Promise.all([...pools.values()].map((pool) => pool.close()))),
  };
}
