export {
  checkGradients,
  ENTRY_COLUMNS,
  STENCIL_DEFAULTS,
  type CheckOptions,
  type EntryRow,
  type GradcheckReport,
  type TensorReport,
  type Tolerances,
  type WorstEntry,
} from './check.js';
export { STENCILS, type EntrySelection, type Stencil } from './differences.js';
export { modelTarget, randomState, type ModelWindow } from './model-target.js';
export { treeModelTarget } from './tree-target.js';
export { formatIndex, median, relativeError } from './stats.js';
export { DEFAULT_SWEEP_EPS, epsSweep, type SweepOptions, type SweepRow } from './sweep.js';
export type { GradTarget, GradTensor } from './target.js';
