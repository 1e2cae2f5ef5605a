import { expect, it } from 'vitest';
import * as api from './index.js';

it('pins the public exports', () => {
  expect(Object.keys(api).sort()).toEqual([
    'Adagrad',
    'Adam',
    'CLIP_KINDS',
    'LR_SCHEDULES',
    'LrSchedule',
    'Momentum',
    'OPTIMIZER_NAMES',
    'Optimizer',
    'RMSProp',
    'SGD',
    'applyClip',
    'clipElementwise',
    'clipGlobalNorm',
    'createOptimizer',
    'globalGradNorm',
    'isOptimizerName',
  ]);
  expect(api.OPTIMIZER_NAMES).toEqual(['adagrad', 'sgd', 'momentum', 'rmsprop', 'adam']);
  expect(api.CLIP_KINDS).toEqual(['elementwise', 'norm', 'none']);
});
