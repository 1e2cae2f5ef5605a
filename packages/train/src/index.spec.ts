// Pins the public API: adding or removing an export must be a deliberate change of this list.
import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented API', () => {
  expect(Object.keys(api).sort()).toEqual(['CONFIG_RULES', 'CheckpointError', 'DEFAULT_TRAIN_CONFIG', 'DataError', 'TRAINING_KEYS', 'Trainer', 'checkConfigValue', 'decodeCheckpoint', 'dynamicEvaluate', 'encodeCheckpoint', 'extendVocabulary', 'loadTrainingState', 'loadWeights', 'loadWeightsExtendingVocab', 'modelFromCheckpoint', 'prepareData', 'resolveTrainConfig']);
});
