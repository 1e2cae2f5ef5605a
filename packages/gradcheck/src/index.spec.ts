import { expect, it } from 'vitest';
import * as api from './index.js';

it('pins the public exports', () => {
  expect(Object.keys(api).sort()).toEqual([
    'DEFAULT_SWEEP_EPS',
    'ENTRY_COLUMNS',
    'STENCILS',
    'STENCIL_DEFAULTS',
    'checkGradients',
    'epsSweep',
    'formatIndex',
    'median',
    'modelTarget',
    'randomState',
    'relativeError',
    'treeModelTarget',
  ]);
  expect(api.ENTRY_COLUMNS).toEqual(['param', 'index', 'analytic', 'numeric', 'abs_err', 'rel_err', 'ok']);
});
