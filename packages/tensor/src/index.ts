export { DTYPES, allocate, bytesPerElement, dtypeOf, isDtype, type Dtype, type FloatArray } from './dtype.js';
export { formatShape, shapesEqual, sizeOf } from './tensor.js';
export { Prng, type PrngState } from './prng.js';
export { ParamRegistry, type Param } from './params.js';
export { softmax } from './ops.js';
export type { CompleteKernels, Kernels } from './kernels/kernels.js';
export { completeKernels } from './kernels/complete.js';
export { referenceKernels } from './kernels/reference.js';
export { loadWasmKernels } from './kernels/wasm/wasm-kernels.js';
export { DEFAULT_NATIVE_MIN_WORK, type WasmKernelsOptions } from './kernels/wasm/wasm-memory.js';
export {
  KERNEL_PREFERENCES,
  selectKernels,
  type KernelPreference,
  type KernelSelection,
  type SelectKernelsOptions,
} from './kernels/wasm/select-kernels.js';
export {
  DEFAULT_MIN_SPLIT_ELEMENTS,
  DEFAULT_MIN_SPLIT_WORK,
  createThreadedWasmKernels,
  type SpawnWorker,
  type ThreadedKernelsOptions,
  type WorkerLike,
} from './kernels/wasm/threaded-kernels.js';
