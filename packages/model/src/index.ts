export {
  DECODER_BIAS,
  DECODER_WEIGHT,
  INIT_NAMES,
  directionCount,
  layerParamNames,
  outputCount,
  validateModelConfig,
  type CellName,
  type InitName,
  type ModelConfig,
} from './config.js';
export { CharRnnModel, type WindowOptions } from './model.js';
export { modelFloats, parameterCount, stateFloats, stepperFloats, workspaceFloats } from './allocation.js';
export { initializeParams } from './init.js';
export { cloneState, copyState, createState, resetState, type RecurrentState } from './state.js';
export { CharacterDraw, sampleChunks, sampleIds, validateSampleOptions, type SampleOptions } from './sample.js';
export { ForwardStepper } from './forward-only.js';
export { evaluateText, type EvalResult } from './evaluate.js';
export type { Cell, LayerBuffers, LayerWeights } from './cells/cell.js';
export {
  CELL_NAMES,
  cellFor,
  cellForGateCount,
  defaultInit,
  gateCount,
  isCellName,
  registerCell,
} from './cells/registry.js';
export { StreamTagger, argmaxRows, type TagSink, type TaggerOptions } from './tagger.js';
export {
  ARITHMETIC_OPERATORS,
  DEFAULT_TREE_LIMITS,
  MAX_GENERATED_OPS,
  TREE_CELL_NAMES,
  TREE_PARAM_NAMES,
  TreeModel,
  TreeSyntaxError,
  TreeVocabulary,
  arithmeticSplits,
  arithmeticValueMod10,
  formatTree,
  formatTreeLine,
  generateArithmeticTree,
  isTreeCellName,
  packTrees,
  parseTree,
  parseTreeFile,
  parseTreeLine,
  treeDepth,
  treeSize,
  validateTree,
  validateTreeModelConfig,
  type ArithmeticSplitOptions,
  type ArithmeticSplits,
  type ArithmeticTreeOptions,
  type BinaryTree,
  type EncodedTree,
  type LabelledTree,
  type TreeBatch,
  type TreeBuffers,
  type TreeCell,
  type TreeCellName,
  type TreeLimits,
  type TreeModelConfig,
} from './tree/index.js';
