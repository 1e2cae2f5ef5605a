// charrnn-sweep's flags: where the sweep goes, how many trials run at once, resume, and the
// overrides that belong to the machine rather than the spec (data file, kernels, executor).

import { availableParallelism } from 'node:os';
import type { FlagSpec } from '@charrnn/cli';
import { DEFAULT_MAX_TRIALS } from '@charrnn/sweep';
import { CHECKPOINT_SECONDS_FLAG } from './checkpoint-uploads.js';
import { LOCK_SECONDS_FLAG } from './queue-lock.js';

export const SWEEP_FLAGS = {
  out: {
    flag: 'out',
    kind: 'string',
    placeholder: 'DIR',
    help: "directory for the sweep's files (summary.csv, report.html, trials/<id>/…)",
  },
  workers: {
    flag: 'workers',
    kind: 'int',
    min: 0,
    max: 1024,
    default: availableParallelism(),
    help: 'trials run at once, each on its own worker thread (default: the number of cores); with --queue: trials this machine runs too (0: coordinate only)',
  },
  resume: {
    flag: 'resume',
    kind: 'boolean',
    help: 'continue the sweep in --out: skip finished trials, restart unfinished ones from their last checkpoint',
  },
  data: {
    flag: 'data',
    kind: 'string',
    placeholder: 'FILE',
    help: "UTF-8 text to train on, relative to the current directory (overrides the spec's data; default: data/devils-dictionary.txt, bundled)",
  },
  maxTrials: {
    flag: 'max-trials',
    kind: 'int',
    min: 1,
    default: DEFAULT_MAX_TRIALS,
    help: 'refuse a spec with more trials than this (a grid multiplies its lists): a typo must not start a million runs',
  },
  kernels: {
    flag: 'kernels',
    kind: 'enum',
    values: ['auto', 'reference', 'wasm'],
    default: 'auto',
    help: 'compute kernels in every trial, chosen as in charrnn-train: auto picks WebAssembly SIMD (with the native gemm where built) when available',
  },
  executor: {
    flag: 'executor',
    kind: 'enum',
    values: ['threads', 'inline'],
    default: 'threads',
    help: 'threads: one worker thread per running trial; inline: interleave trials on the main thread (debugging)',
  },
  queue: {
    flag: 'queue',
    kind: 'string',
    placeholder: 'URL',
    help: 'run trials on charrnn-worker processes through Redis: redis://[:PASSWORD@]HOST:PORT[/DB] or rediss:// (password also from CHARRNN_REDIS_PASSWORD)',
  },
  status: {
    flag: 'status',
    kind: 'string',
    placeholder: 'DIR',
    help: 'show each trial of the sweep in DIR: its state, and for a queued sweep the worker running it',
  },
  lockSeconds: {
    ...LOCK_SECONDS_FLAG,
    help: "with --queue and --workers: the local workers' lock time (how soon a dead worker's trial moves on)",
  },
  checkpointSeconds: {
    ...CHECKPOINT_SECONDS_FLAG,
    help: "with --queue and --workers: how often at most the local workers send a trial's checkpoints to Redis (see charrnn-worker --help)",
  },
} satisfies Record<string, FlagSpec>;
