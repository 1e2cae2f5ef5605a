// Which measurements a run makes: charrnn's kernels × threads per config, and the Python peers
// per config. Pure, so the defaults (reference kernels only on the seed config, the thread axis
// only at H=512 B=32) are tested without timing anything.

import { RNN_H512_B32, SEED_CONFIG, type BenchConfig } from './configs.js';

export interface CharrnnRun {
  readonly config: BenchConfig;
  /** A --kernels preference: "auto", "reference" or "wasm". */
  readonly kernels: string;
  /** Set only when the train config has a threads option. */
  readonly threads?: number;
}

export interface KernelChoice {
  /** Preferences to time, distinct backends only (auto that fell back to reference is dropped by the caller). */
  readonly preferences: readonly string[];
  /** True when the user listed them: then each runs on every config. */
  readonly explicit: boolean;
}

/** The reference kernels are slow; by default they run on the seed's config only, for the record. */
export function planCharrnnRuns(
  configs: readonly BenchConfig[],
  kernels: KernelChoice,
  threads: readonly number[] | undefined,
): CharrnnRun[] {
  const runs: CharrnnRun[] = [];
  for (const config of configs) {
    const prefs =
      kernels.explicit || config.id === SEED_CONFIG.id
        ? kernels.preferences
        : kernels.preferences.filter((k) => k !== 'reference');
    for (const pref of prefs) {
      if (threads === undefined) runs.push({ config, kernels: pref });
      else if (config.id === RNN_H512_B32.id && pref !== 'reference')
        for (const t of threads) runs.push({ config, kernels: pref, threads: t });
      else runs.push({ config, kernels: pref, threads: 1 });
    }
  }
  return runs;
}

export interface PeerRun {
  readonly config: BenchConfig;
  readonly tool: 'numpy' | 'torch';
  readonly script: 'bench_numpy.py' | 'bench_torch.py';
  readonly args: readonly string[];
}

/**
 * numpy: the seed's code on the seed config; the batched version on every rnn config (float64 at
 * batch 1, as in the table; float32 otherwise). torch: nn.RNN / nn.LSTM on every config
 * (nn.LSTM(bidirectional=True) on the tagger's).
 */
export function planPeerRuns(
  configs: readonly BenchConfig[],
  dataPath: string,
  seconds: number,
  tools: { readonly numpy: boolean; readonly torch: boolean },
): PeerRun[] {
  const runs: PeerRun[] = [];
  const shape = (c: BenchConfig): string[] => [
    '--data',
    dataPath,
    '--seconds',
    String(seconds),
    '--hidden',
    String(c.hidden),
    '--seq-length',
    String(c.seqLength),
    '--batch',
    String(c.batchSize),
  ];
  for (const c of configs) {
    if (tools.numpy && c.cell === 'rnn') {
      if (c.id === SEED_CONFIG.id)
        runs.push({ config: c, tool: 'numpy', script: 'bench_numpy.py', args: ['--impl', 'seed', ...shape(c)] });
      runs.push({
        config: c,
        tool: 'numpy',
        script: 'bench_numpy.py',
        args: ['--impl', 'batched', ...shape(c), '--dtype', c.batchSize === 1 ? 'float64' : 'float32'],
      });
    }
    if (tools.torch)
      runs.push({
        config: c,
        tool: 'torch',
        script: 'bench_torch.py',
        args: ['--cell', c.cell, ...shape(c), ...(c.bidirectional ? ['--bidirectional'] : [])],
      });
  }
  return runs;
}
