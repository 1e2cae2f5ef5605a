// The `@charrnn/tensor/conformance` entry: the kernel conformance suite every backend runs from its
// own spec (tfjs's run_tests pattern), with the test framework passed in.
//   import { describe, it, expect, beforeAll } from 'vitest';
//   describeKernelConformance({ describe, it, expect, beforeAll }, [{ label: 'mine', kernels }]);

export {
  describeKernelConformance,
  expectClose,
  makeArray,
  randomValues,
  rounded,
  TOL,
  type Source,
} from './conformance/kernel-conformance.js';
export { countingKernels } from './conformance/counting-kernels.js';
export {
  checkAgainstReference,
  describeTableConformance,
  evalDim,
  makeCase,
  tableCoveredKernels,
} from './conformance/table-conformance.js';
export type { ConformanceBackend, Matchers, TestApi } from './conformance/suite-api.js';
