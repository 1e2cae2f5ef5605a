// Pins the public API: adding or removing an export must be a deliberate change of this list.
import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented API', () => {
  expect(Object.keys(api).sort()).toEqual([
    'CELL_NAMES',
    'CharRnnModel',
    'CharacterDraw',
    'DECODER_BIAS',
    'DECODER_WEIGHT',
    'ForwardStepper',
    'INIT_NAMES',
    'StreamTagger',
    'argmaxRows',
    'cellFor',
    'cellForGateCount',
    'cloneState',
    'copyState',
    'createState',
    'defaultInit',
    'directionCount',
    'evaluateText',
    'gateCount',
    'initializeParams',
    'isCellName',
    'layerParamNames',
    'outputCount',
    'registerCell',
    'resetState',
    'sampleChunks',
    'sampleIds',
    'validateModelConfig',
    'validateSampleOptions',
  ]);
});
