import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@charrnn/corpus exports', () => {
  it('exports exactly the public API', () => {
    expect(Object.keys(api).sort()).toEqual([
      'ADDITION',
      'CorpusEncoder',
      'DocumentError',
      'MAX_SYMBOLS',
      'SymbolScan',
      'TASK_NAMES',
      'TEXT_UNITS',
      'Vocabulary',
      'WindowStream',
      'additionProblems',
      'createUnitDecoder',
      'decodeUtf8',
      'encodeDocuments',
      'findUtf8Error',
      'formatChar',
      'isSingleChar',
      'isTaskName',
      'splitTrainVal',
      'taskFor',
      'toCodePoints',
      'windowsPerPass',
    ]);
  });
});
