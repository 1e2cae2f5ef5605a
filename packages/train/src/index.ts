export {
  CONFIG_RULES,
  DEFAULT_TRAIN_CONFIG,
  TRAINING_KEYS,
  checkConfigValue,
  conflictingKeys,
  resolveTrainConfig,
  type TrainConfig,
} from './config.js';
export {
  CheckpointError,
  decodeCheckpoint,
  decodeCheckpointFrom,
  encodeCheckpoint,
  loadTrainingState,
  loadTrainingWeights,
  loadWeights,
  modelFromCheckpoint,
  type Checkpoint,
  type CheckpointSource,
  type EncodeCheckpointInput,
  type PrngSnapshot,
  type TrainingSnapshot,
} from './checkpoint.js';
export { CHECKPOINT_FORMAT, type DataFileReference, type DataReference } from './checkpoint-metadata.js';
export { DataError, prepareCorpus, prepareData, prepareTaskData, requireKnown, type TrainingData } from './data.js';
export { TagCounts, evaluateTagging, labelLoss, type TaggingResult } from './tagging.js';
export { documentViews, evaluateDocuments, poolResults } from './evaluate-documents.js';
export { displayText, unitBytes } from './display-text.js';
export { Trainer, type TrainerOptions } from './trainer.js';
export { CpuBudget, type CpuClock } from './cpu-budget.js';
export { DEFAULT_DIVERGENCE, DivergenceWatch, type DivergenceRule } from './divergence.js';
export {
  estimateKernelBytes,
  kernelFloats,
  largestHiddenThatFits,
  type KernelFloats,
  type SizeConfig,
} from './memory.js';
export { extendVocabulary, loadWeightsExtendingVocab } from './extend-vocab.js';
export { DEFAULT_RMS_EPSILON, dynamicEvaluate, type DynamicEvalOptions, type DynamicRule } from './dynamic-eval.js';
export { gradientStatistics, type GradientStatistics } from './dynamic-statistics.js';
export {
  dynamicGrid,
  tuneDynamicEvaluation,
  type DynamicCandidate,
  type DynamicTrial,
  type DynamicTuning,
  type DynamicTuningSettings,
} from './dynamic-tune.js';
export {
  ARITHMETIC_VOCABULARY,
  DEFAULT_TREE_TRAIN_CONFIG,
  TREE_CHECKPOINT_FORMAT,
  TREE_TASKS,
  TREE_TRAINING_KEYS,
  TreeTrainConfigSchema,
  TreeTrainer,
  arithmeticTreeData,
  decodeTreeCheckpoint,
  encodeTreeCheckpoint,
  evaluateTrees,
  loadTreeOptimizerState,
  resolveTreeTrainConfig,
  treeModelFromCheckpoint,
  type TreeCheckpoint,
  type TreeData,
  type TreeStepEvent,
  type TreeTrainConfig,
  type TreeTrainerOptions,
  type TreeTrainingEvent,
  type TreeTrainingSnapshot,
} from './tree/index.js';
