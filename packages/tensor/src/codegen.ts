// The `@charrnn/tensor/codegen` entry: the kernel table and the helpers that render code from it,
// for a backend package that generates its bindings (see @charrnn/kernels-wasm's wasm-codegen.ts).

export {
  argsTypeName,
  dimCode,
  dimNames,
  GENERATED_HEADER,
  matrices,
  parameters,
  renderKernelMethods,
  signature,
  tableEntries,
} from './kernels/kernel-codegen.js';
export { KERNEL_TABLE, type Dim, type KernelArg, type KernelName, type KernelSpec } from './kernels/kernel-table.js';
