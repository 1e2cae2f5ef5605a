export { loadWasmKernels } from './wasm-kernels.js';
export { DEFAULT_NATIVE_MIN_WORK, type WasmKernelsOptions } from './wasm-memory.js';
export {
  KERNEL_PREFERENCES,
  selectKernels,
  type KernelPreference,
  type KernelSelection,
  type SelectKernelsOptions,
} from './select-kernels.js';
export {
  DEFAULT_MIN_SPLIT_ELEMENTS,
  DEFAULT_MIN_SPLIT_WORK,
  createThreadedWasmKernels,
  type SpawnWorker,
  type ThreadedKernelsOptions,
  type WorkerLike,
} from './threaded-kernels.js';
