// Pins the public API: adding or removing an export must be a deliberate change of this list.
import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented API', () => {
  expect(Object.keys(api).sort()).toEqual([
    'CHECKPOINT_FORMAT',
    'CONFIG_RULES',
    'CheckpointError',
    'DEFAULT_DIVERGENCE',
    'DEFAULT_TRAIN_CONFIG',
    'DataError',
    'DivergenceWatch',
    'TRAINING_KEYS',
    'TagCounts',
    'Trainer',
    'checkConfigValue',
    'conflictingKeys',
    'decodeCheckpoint',
    'decodeCheckpointFrom',
    'displayText',
    'documentViews',
    'dynamicEvaluate',
    'encodeCheckpoint',
    'estimateKernelBytes',
    'evaluateDocuments',
    'evaluateTagging',
    'extendVocabulary',
    'labelLoss',
    'largestHiddenThatFits',
    'loadTrainingState',
    'loadTrainingWeights',
    'loadWeights',
    'loadWeightsExtendingVocab',
    'modelFromCheckpoint',
    'poolResults',
    'prepareCorpus',
    'prepareData',
    'prepareTaskData',
    'requireKnown',
    'resolveTrainConfig',
    'unitBytes',
  ]);
});
