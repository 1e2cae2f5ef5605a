export { DTYPES, allocate, bytesPerElement, dtypeOf, isDtype, type Dtype, type FloatArray } from './dtype.js';
export { formatShape, shapesEqual, sizeOf } from './tensor.js';
export { Prng, type PrngState } from './prng.js';
export { ParamRegistry, type Param } from './params.js';
export { softmax } from './ops.js';
export type { CompleteKernels, Kernels } from './kernels/kernels.js';
export { completeKernels } from './kernels/complete.js';
export { referenceKernels } from './kernels/reference.js';
export { rnnBackwardStepsWith, rnnForwardStepsWith, RECURRENCE_DOT_ROWS } from './kernels/recurrence.js';
export { rnnWindowBackwardWith, rnnWindowForwardWith } from './kernels/rnn-window.js';
export {
  checkPacked,
  gemmPackedWith,
  packSource,
  rememberSource,
  sourceOperand,
  type PackedOperand,
} from './kernels/packed.js';
export type { KernelArgs, KernelMethods, TestOnlyKernelMethods } from './kernels/kernels.generated.js';
