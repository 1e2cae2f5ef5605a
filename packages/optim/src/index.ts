// @charrnn/optim: optimizers that update a ParamRegistry in place, gradient clipping, and the
// optimizer state a checkpoint saves and restores.

export {
  OPTIMIZER_NAMES,
  Optimizer,
  isOptimizerName,
  type OptimizerName,
  type StateTensor,
  type StateTensorInput,
} from './optimizer.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { SGD, Momentum, type SGDOptions, type MomentumOptions } from './sgd.js';
export { RMSProp, type RMSPropOptions } from './rmsprop.js';
export { Adam, type AdamOptions } from './adam.js';
export {
  LR_SCHEDULES,
  LrSchedule,
  type LrScheduleName,
  type LrScheduleOptions,
  type LrScheduleState,
} from './schedule.js';
export { createOptimizer, type OptimizerOptions } from './factory.js';
export {
  CLIP_KINDS,
  applyClip,
  clipElementwise,
  clipGlobalNorm,
  globalGradNorm,
  type ClipConfig,
  type ClipKind,
  type ClipResult,
  type ElementwiseClipResult,
  type NormClipResult,
} from './clip.js';
