export { formatTree, treeDepth, treeSize, validateTree, type BinaryTree, type LabelledTree } from './tree.js';
export {
  DEFAULT_TREE_LIMITS,
  TreeSyntaxError,
  formatTreeLine,
  parseTree,
  parseTreeFile,
  parseTreeLine,
  type TreeLimits,
} from './parse-trees.js';
export {
  ARITHMETIC_OPERATORS,
  MAX_GENERATED_OPS,
  arithmeticSplits,
  arithmeticValueMod10,
  generateArithmeticTree,
  type ArithmeticSplitOptions,
  type ArithmeticSplits,
  type ArithmeticTreeOptions,
} from './arithmetic-task.js';
export {
  TREE_CELL_NAMES,
  TREE_PARAM_NAMES,
  TreeModel,
  isTreeCellName,
  packTrees,
  validateTreeModelConfig,
  type EncodedTree,
  type TreeBatch,
  type TreeCellName,
  type TreeModelConfig,
} from './tree-model.js';
export { TreeVocabulary } from './tree-vocabulary.js';
export type { TreeBuffers, TreeCell } from './tree-cell.js';
