// One measured implementation on one workload: the record every runner (TypeScript trainer,
// numpy, PyTorch) produces and the table, the ratios, the targets and the files all read.

import type { BenchCell } from './configs.js';

/** Which kind of implementation a row is; ratios compare "charrnn" rows against the peers. */
export type Family = 'charrnn' | 'numpy-seed' | 'numpy-batched' | 'torch';

export interface Measurement {
  readonly configId: string;
  readonly cell: BenchCell;
  readonly hidden: number;
  readonly seqLength: number;
  readonly batchSize: number;
  /** The restore-spaces tagger with a bidirectional layer (see BenchConfig). */
  readonly bidirectional?: true;
  readonly family: Family;
  /** What ran, for the table: "charrnn wasm-simd", "numpy seed", "torch nn.RNN", … */
  readonly implementation: string;
  /** What was timed: training steps (absent: train), evaluation of a text, or sampling. */
  readonly task?: 'train' | 'eval' | 'sample';
  /** Kernel backend for charrnn rows ("wasm-simd", "reference"). */
  readonly kernels?: string;
  readonly threads: number;
  readonly dtype: string;
  readonly charsPerSec: number;
  readonly msPerStep: number;
  /** Timed steps (after the warm-up). */
  readonly steps: number;
  readonly seconds: number;
  /** Peak resident memory of the process while it ran, MB (1 MB = 2^20 bytes). */
  readonly peakMb: number;
}

/** The row the targets are judged on: charrnn's fastest kernels on one thread, for this config. */
export function bestCharrnn(all: readonly Measurement[], configId: string, threads = 1): Measurement | undefined {
  let best: Measurement | undefined;
  for (const m of all) {
    if (m.family !== 'charrnn' || m.configId !== configId || m.threads !== threads) continue;
    if (!best || m.charsPerSec > best.charsPerSec) best = m;
  }
  return best;
}

/** The peer of a family for a config (the fastest, if there are several). */
export function peer(
  all: readonly Measurement[],
  configId: string,
  family: Exclude<Family, 'charrnn'>,
): Measurement | undefined {
  let best: Measurement | undefined;
  for (const m of all) {
    if (m.family === family && m.configId === configId && (!best || m.charsPerSec > best.charsPerSec)) best = m;
  }
  return best;
}

export interface Ratios {
  readonly numpySeed?: number;
  readonly numpyBatched?: number;
  readonly torch?: number;
}

/** How many times faster `m` is than each peer measured on the same config in the same run. */
export function ratiosFor(m: Measurement, all: readonly Measurement[]): Ratios {
  const ratio = (family: Exclude<Family, 'charrnn'>): number | undefined => {
    const p = peer(all, m.configId, family);
    return p && p.charsPerSec > 0 ? m.charsPerSec / p.charsPerSec : undefined;
  };
  const numpySeed = ratio('numpy-seed');
  const numpyBatched = ratio('numpy-batched');
  const torch = ratio('torch');
  return {
    ...(numpySeed !== undefined ? { numpySeed } : {}),
    ...(numpyBatched !== undefined ? { numpyBatched } : {}),
    ...(torch !== undefined ? { torch } : {}),
  };
}
