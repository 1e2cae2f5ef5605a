export {
  DEFAULT_TREE_TRAIN_CONFIG,
  TREE_TASKS,
  TREE_TRAINING_KEYS,
  TreeTrainConfigSchema,
  resolveTreeTrainConfig,
  type TreeTrainConfig,
} from './tree-config.js';
export {
  TREE_CHECKPOINT_FORMAT,
  decodeTreeCheckpoint,
  encodeTreeCheckpoint,
  loadTreeOptimizerState,
  treeModelFromCheckpoint,
  type TreeCheckpoint,
  type TreeTrainingSnapshot,
} from './tree-checkpoint.js';
export {
  TreeTrainer,
  evaluateTrees,
  type TreeData,
  type TreeStepEvent,
  type TreeTrainerOptions,
  type TreeTrainingEvent,
} from './tree-trainer.js';
export { ARITHMETIC_VOCABULARY, arithmeticTreeData } from './tree-data.js';
