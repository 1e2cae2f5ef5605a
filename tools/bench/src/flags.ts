// The benchmark's flags: what to run (configs, kernels, threads), for how long, against which
// peers, and where the results go. Lists are comma-separated and parsed by parseList.

import { UsageError, type FlagSpec } from '@charrnn/cli';

export const BENCH_FLAGS = {
  data: {
    flag: 'data',
    kind: 'string',
    placeholder: 'FILE',
    help: 'training text (default: ../shared/data/kafka.txt beside the repository; else the bundled text, data/devils-dictionary.txt)',
  },
  seconds: {
    flag: 'seconds',
    kind: 'number',
    min: 0,
    exclusiveMin: true,
    default: 2.5,
    help: 'timed seconds per measurement (plus a tenth for warm-up)',
  },
  configs: {
    flag: 'configs',
    kind: 'string',
    placeholder: 'LIST',
    default: 'all',
    help: 'configs to run: all, or ids such as rnn-h100-t25-b1,rnn-h512-t25-b32,eval-rnn-h100,eval-lstm-h256,sample-rnn-h100',
  },
  kernels: {
    flag: 'kernels',
    kind: 'string',
    placeholder: 'LIST',
    help: 'kernels to time on every config, e.g. auto,reference (default: auto everywhere, reference on the seed config only)',
  },
  threads: {
    flag: 'threads',
    kind: 'string',
    placeholder: 'LIST',
    default: '1,2',
    help: 'threads to time at rnn H=512 B=32, when the train config has a threads option',
  },
  python: {
    flag: 'python',
    kind: 'string',
    placeholder: 'CMD',
    default: 'python3',
    help: 'python interpreter for the numpy peers (the torch peer also tries /usr/bin/python3)',
  },
  noPython: { flag: 'no-python', kind: 'boolean', help: 'skip the numpy and PyTorch peers' },
  ceilingGflops: {
    flag: 'ceiling-gflops',
    kind: 'number',
    min: 0,
    exclusiveMin: true,
    placeholder: 'N',
    help: 'single-thread float32 matmul ceiling (default: measured with numpy, else 100)',
  },
  memoryChild: {
    flag: 'memory-child',
    kind: 'int',
    min: 1,
    placeholder: 'STEPS',
    help: 'internal (the memory check runs two of these): train the seed model STEPS steps in this process, print its RSS as JSON',
  },
  out: {
    flag: 'out',
    kind: 'string',
    placeholder: 'DIR',
    default: 'bench-results',
    help: 'directory for bench-<time>.json/.csv and latest.json/.csv (relative to the repository)',
  },
} as const satisfies Record<string, FlagSpec>;

export type BenchFlagKey = keyof typeof BENCH_FLAGS;

/** "a, b,,c" → ["a","b","c"]; an empty list is a usage error naming the flag. */
export function parseList(flag: string, text: string): string[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) throw new UsageError(`--${flag} must list at least one value, got ${JSON.stringify(text)}`);
  return items;
}

/** A list of positive integers, e.g. --threads 1,2. */
export function parseIntList(flag: string, text: string): number[] {
  return parseList(flag, text).map((item) => {
    const n = Number(item);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`--${flag} must list positive integers, got ${JSON.stringify(item)}`);
    return n;
  });
}
