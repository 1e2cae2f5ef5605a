import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@charrnn/sweep public API', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([
      'AshaScheduler',
      'DEFAULT_MAX_TRIALS',
      'RecordError',
      'SUMMARY_METRIC_COLUMNS',
      'SpecError',
      'SweepError',
      'SweepLimitError',
      'ashaRungSteps',
      'checkTrialCount',
      'createInProcessExecutor',
      'createMemoryStore',
      'createTrialDataCache',
      'describeParams',
      'expandTrials',
      'formatProgress',
      'formatTrialEnd',
      'newRecord',
      'parseSpecText',
      'parseTrialRecord',
      'printable',
      'renderReport',
      'runSweep',
      'runTrial',
      'sample',
      'summaryCsv',
      'sweepIdentity',
      'trialPath',
      'trialRungSteps',
      'trialScore',
      'truncateLogRows',
      'validateSpec',
    ]);
  });
});
