// Picks the compute kernels for --kernels: the reference loops, or a fast backend when present.
// A missing fast path never fails a run: it falls back with a one-line notice.

import { referenceKernels, type Kernels } from '@charrnn/tensor';

export function chooseKernels(preference: string, notice: (line: string) => void): Kernels {
  if (preference === 'wasm') notice('notice: WebAssembly kernels are not available in this build; using the reference kernels');
  return referenceKernels;
}
