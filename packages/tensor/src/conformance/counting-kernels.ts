// Kernels that count the bytes they allocate: the specs of the memory estimates (model's
// allocation.ts, train's memory.ts) compare their sums with what a real run asked for.

import type { Dtype } from '../dtype.js';
import type { Kernels } from '../kernels/kernels.js';
import { referenceKernels } from '../kernels/reference.js';

/** The reference kernels, counting the bytes of every array alloc hands out. */
export function countingKernels(): { kernels: Kernels; bytes: () => number } {
  let bytes = 0;
  const kernels: Kernels = {
    ...referenceKernels,
    name: 'counting',
    alloc(dtype: Dtype, length: number) {
      const array = referenceKernels.alloc(dtype, length);
      bytes += array.byteLength;
      return array;
    },
  };
  return { kernels, bytes: () => bytes };
}
