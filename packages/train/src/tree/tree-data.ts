// Where a tree run's trees come from. The arithmetic task is regenerated from the config's seed
// (the first fork of Prng(seed); the trainer takes the next ones), so a checkpoint of a task run
// needs no data file to resume.

import { Prng } from '@charrnn/tensor';
import { ARITHMETIC_OPERATORS, TreeVocabulary, arithmeticSplits, type LabelledTree } from '@charrnn/model';
import type { TreeTrainConfig } from './tree-config.js';
import type { TreeData } from './tree-trainer.js';

/** The arithmetic task's fixed tables: digits and operators → value mod 10. */
export const ARITHMETIC_VOCABULARY = new TreeVocabulary([...'0123456789', ...ARITHMETIC_OPERATORS], [...'0123456789']);

/** Training and held-out trees of the arithmetic task, and the deep set (larger trees) for a generalisation check. */
export function arithmeticTreeData(
  config: TreeTrainConfig,
): TreeData & { readonly deep: LabelledTree[]; readonly heldOut: LabelledTree[] } {
  const splits = arithmeticSplits(new Prng(config.seed).fork(), {
    train: config.trainTrees,
    heldOut: config.heldOutTrees,
    deep: config.deepTrees,
    minOps: config.minOps,
    maxOps: config.maxOps,
  });
  const encode = (trees: LabelledTree[]) => trees.map((t) => ARITHMETIC_VOCABULARY.encode(t));
  return {
    vocab: ARITHMETIC_VOCABULARY,
    train: encode(splits.train),
    val: encode(splits.heldOut),
    heldOut: splits.heldOut,
    deep: splits.deep,
  };
}
