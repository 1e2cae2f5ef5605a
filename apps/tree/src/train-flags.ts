// charrnn-tree train's flags: one per TreeTrainConfig key (the table is typed against the config,
// so a setting without a flag does not compile) plus the run's files.

import type { FlagSpec, FlagTableFor } from '@charrnn/cli';
import { TREE_CELL_NAMES } from '@charrnn/model';
import { OPTIMIZER_NAMES } from '@charrnn/optim';
import { DEFAULT_TREE_TRAIN_CONFIG as D, TREE_TASKS, type TreeTrainConfig } from '@charrnn/train';

/** Shared with eval. Results depend on the kernels in float32's last bits: resume with the same ones. */
export const KERNELS_FLAG = {
  flag: 'kernels',
  kind: 'enum',
  values: ['auto', 'reference', 'wasm'],
  default: 'auto',
  help: 'matrix-product kernels: auto (WebAssembly SIMD when available, ~10× the reference loops here), reference, wasm',
} as const satisfies FlagSpec;

const CONFIG_FLAGS: FlagTableFor<TreeTrainConfig> = {
  task: {
    flag: 'task',
    kind: 'enum',
    values: TREE_TASKS,
    default: D.task,
    help: 'arithmetic: generated expression trees → value mod 10 (from --seed); file: trees from --data (set by --data)',
  },
  cell: { flag: 'cell', kind: 'enum', values: TREE_CELL_NAMES, default: D.cell, help: 'node cell' },
  hidden: { flag: 'hidden', kind: 'int', min: 1, max: 4096, default: D.hidden, help: 'hidden units (H)' },
  dtype: {
    flag: 'dtype',
    kind: 'enum',
    values: ['f32', 'f64'],
    default: D.dtype,
    help: 'float type of weights and buffers',
  },
  optimizer: { flag: 'optimizer', kind: 'enum', values: OPTIMIZER_NAMES, default: D.optimizer, help: 'optimizer' },
  lr: { flag: 'lr', kind: 'number', min: 0, exclusiveMin: true, max: 10, default: D.lr, help: 'learning rate' },
  clip: {
    flag: 'clip',
    kind: 'number',
    min: 0,
    default: D.clip,
    help: 'clip the gradient to this global L2 norm (0: off)',
  },
  batchSize: {
    flag: 'batch-size',
    kind: 'int',
    min: 1,
    max: 65_536,
    default: D.batchSize,
    help: 'trees per step (drawn with replacement)',
  },
  steps: {
    flag: 'steps',
    kind: 'int',
    min: 0,
    default: D.steps,
    help: 'optimizer steps in all (a resumed run continues to this)',
  },
  seed: {
    flag: 'seed',
    kind: 'int',
    min: 0,
    max: 0xffffffff,
    default: D.seed,
    help: 'seed of the task, the initial weights and the batches',
  },
  evalEvery: {
    flag: 'eval-every',
    kind: 'int',
    min: 0,
    default: D.evalEvery,
    help: 'evaluate held-out trees every N steps and at the end (0: only at the end)',
  },
  logEvery: { flag: 'log-every', kind: 'int', min: 1, default: D.logEvery, help: 'print and log a row every N steps' },
  saveEvery: {
    flag: 'save-every',
    kind: 'int',
    min: 0,
    default: D.saveEvery,
    help: 'write --save every N steps (and at the end)',
  },
  trainTrees: {
    flag: 'train-trees',
    kind: 'int',
    min: 1,
    max: 10_000_000,
    default: D.trainTrees,
    help: 'arithmetic task: training trees',
  },
  heldOutTrees: {
    flag: 'held-out-trees',
    kind: 'int',
    min: 0,
    max: 1_000_000,
    default: D.heldOutTrees,
    help: 'arithmetic task: held-out trees, none of them in training',
  },
  deepTrees: {
    flag: 'deep-trees',
    kind: 'int',
    min: 0,
    max: 1_000_000,
    default: D.deepTrees,
    help: 'arithmetic task: larger trees (max-ops+1 … 2·max-ops operators) checked at the end',
  },
  minOps: {
    flag: 'min-ops',
    kind: 'int',
    min: 0,
    max: 1000,
    default: D.minOps,
    help: 'arithmetic task: fewest operators per tree',
  },
  maxOps: {
    flag: 'max-ops',
    kind: 'int',
    min: 0,
    max: 1000,
    default: D.maxOps,
    help: 'arithmetic task: most operators per tree',
  },
};

export const TRAIN_FLAGS = {
  ...CONFIG_FLAGS,
  data: {
    flag: 'data',
    kind: 'string',
    placeholder: 'FILE',
    help: 'train on these trees (label<TAB>tree lines) instead of a generated task',
  },
  val: {
    flag: 'val',
    kind: 'string',
    placeholder: 'FILE',
    help: 'held-out trees for --data (evaluated every --eval-every steps)',
  },
  save: {
    flag: 'save',
    kind: 'string',
    placeholder: 'FILE',
    help: 'checkpoint (.safetensors) written every --save-every steps and at the end',
  },
  log: { flag: 'log', kind: 'string', placeholder: 'FILE', help: 'CSV log, one row per logged step' },
  resume: {
    flag: 'resume',
    kind: 'string',
    placeholder: 'FILE',
    help: 'continue the run saved in this checkpoint, bit for bit',
  },
  force: { flag: 'force', kind: 'boolean', help: 'replace an existing --save or --log file' },
  kernels: KERNELS_FLAG,
  minAccuracy: {
    flag: 'min-accuracy',
    kind: 'number',
    min: 0,
    max: 1,
    help: 'exit 1 when the final held-out accuracy is below this (e.g. 0.95)',
  },
} satisfies Record<string, FlagSpec>;

export const CONFIG_KEYS = Object.keys(CONFIG_FLAGS) as (keyof TreeTrainConfig)[];
