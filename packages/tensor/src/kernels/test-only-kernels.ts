// The reference loops of the table's test-only kernels (kernel-table.ts marks them testOnly): the
// proof that a new fused kernel is one table line, one loop here (in reference.ts for a real one)
// and one AssemblyScript function. Nothing outside tests calls them.

import type { TestOnlyKernelMethods } from './kernels.generated.js';

export const referenceTestOnlyKernels: Required<TestOnlyKernelMethods> = {
  scaledAddTestOnly(rows, cols, alpha, x, xOff, y, out, outOff) {
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++) out[outOff + r * cols + j] = alpha * x[xOff + r * cols + j]! + y[j]!;
    }
  },
};
