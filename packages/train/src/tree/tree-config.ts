// The settings of a tree-model training run (charrnn-tree train): model, optimizer, schedule of
// steps, and where the trees come from — the generated arithmetic task (regenerated from the
// seed, so a checkpoint needs no data file) or tree files. Stored in checkpoints; validated with
// zod on the way in from flags and from a file alike.

import * as z from 'zod/mini';
import { TREE_CELL_NAMES } from '@charrnn/model';
import { OPTIMIZER_NAMES } from '@charrnn/optim';
import { ENGLISH } from '../checkpoint-metadata.js';

export const TREE_TASKS = ['arithmetic', 'file'] as const;

const between = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));

// zod/mini, as the char checkpoints' metadata: this package ships in the page's worker.
export const TreeTrainConfigSchema = z.strictObject({
  cell: z.enum(TREE_CELL_NAMES),
  hidden: between(1, 4096),
  dtype: z.enum(['f32', 'f64']),
  optimizer: z.enum(OPTIMIZER_NAMES),
  lr: z.number().check(z.positive(), z.maximum(10)),
  /** Global L2-norm clip (0: off). */
  clip: z.number().check(z.minimum(0)),
  batchSize: between(1, 65_536),
  steps: z.int().check(z.minimum(0)),
  seed: between(0, 0xffffffff),
  evalEvery: z.int().check(z.minimum(0)),
  logEvery: z.int().check(z.minimum(1)),
  saveEvery: z.int().check(z.minimum(0)),
  task: z.enum(TREE_TASKS),
  /** The arithmetic task: trees in each set and operators per tree. */
  trainTrees: between(1, 10_000_000),
  heldOutTrees: between(0, 1_000_000),
  deepTrees: between(0, 1_000_000),
  minOps: between(0, 1000),
  maxOps: between(0, 1000),
});

export type TreeTrainConfig = z.infer<typeof TreeTrainConfigSchema>;

export const DEFAULT_TREE_TRAIN_CONFIG: TreeTrainConfig = {
  cell: 'tree-lstm',
  hidden: 64,
  dtype: 'f32',
  optimizer: 'adam',
  lr: 0.01,
  clip: 5,
  batchSize: 32,
  steps: 3000,
  seed: 1,
  evalEvery: 250,
  logEvery: 50,
  saveEvery: 500,
  task: 'arithmetic',
  trainTrees: 50_000,
  heldOutTrees: 1000,
  deepTrees: 500,
  minOps: 1,
  maxOps: 4,
};

/** Settings that define a run; --resume refuses to change them (the others only steer it: steps, periods). */
export const TREE_TRAINING_KEYS = [
  'cell',
  'hidden',
  'dtype',
  'optimizer',
  'lr',
  'clip',
  'batchSize',
  'seed',
  'task',
  'trainTrees',
  'heldOutTrees',
  'deepTrees',
  'minOps',
  'maxOps',
] as const satisfies readonly (keyof TreeTrainConfig)[];

/** Defaults filled in, every value checked: a RangeError naming the first bad setting. */
export function resolveTreeTrainConfig(partial: Partial<TreeTrainConfig>): TreeTrainConfig {
  const parsed = TreeTrainConfigSchema.safeParse({ ...DEFAULT_TREE_TRAIN_CONFIG, ...partial }, { error: ENGLISH });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RangeError(`resolveTreeTrainConfig: ${issue.path.map(String).join('.')} ${issue.message}`);
  }
  if (parsed.data.maxOps < parsed.data.minOps)
    throw new RangeError(
      `resolveTreeTrainConfig: maxOps must be at least minOps (${parsed.data.minOps}), got ${parsed.data.maxOps}`,
    );
  return parsed.data;
}
