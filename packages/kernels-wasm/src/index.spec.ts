import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented API', () => {
  expect(Object.keys(api).sort()).toEqual([
    'DEFAULT_MIN_SPLIT_ELEMENTS',
    'DEFAULT_MIN_SPLIT_WORK',
    'DEFAULT_NATIVE_MIN_WORK',
    'KERNEL_PREFERENCES',
    'createThreadedWasmKernels',
    'loadWasmKernels',
    'selectKernels',
  ]);
});
