import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@charrnn/corpus exports', () => {
  it('exports exactly the public API', () => {
    expect(Object.keys(api).sort()).toEqual([
      'ADDITION',
      'CorpusEncoder',
      'DocumentError',
      'MAX_CORPUS_BYTES',
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
      'formatBytes',
      'formatChar',
      'isSingleChar',
      'isTaskName',
      'notUtf8',
      'splitTrainVal',
      'taskFor',
      'toCodePoints',
      'tooManySymbols',
      'windowsPerPass',
    ]);
  });
});
