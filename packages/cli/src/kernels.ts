// Picks the compute kernels for --kernels: "auto" takes WebAssembly SIMD when this Node has it and
// falls back to the reference loops with a one-line notice; a missing fast path never fails a run.

import { selectKernels, type Kernels, type KernelPreference } from '@charrnn/tensor';
import { UsageError } from './errors.js';

export function chooseKernels(preference: string, notice: (line: string) => void): Kernels {
  try {
    const selection = selectKernels(preference as KernelPreference);
    if (selection.notice) notice(`notice: ${selection.notice}`);
    return selection.kernels;
  } catch (error) {
    throw new UsageError(`--kernels ${preference} is not available here: ${(error as Error).message}`, 'use --kernels auto or --kernels reference');
  }
}
