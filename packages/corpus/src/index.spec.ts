import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@charrnn/corpus exports', () => {
  it('exports exactly the public API', () => {
    expect(Object.keys(api).sort()).toEqual([
      'CorpusEncoder',
      'DocumentError',
      'MAX_CORPUS_BYTES',
      'MAX_SYMBOLS',
      'SymbolScan',
      'TEXT_UNITS',
      'Vocabulary',
      'WindowStream',
      'createUnitDecoder',
      'decodeUtf8',
      'encodeDocuments',
      'findUtf8Error',
      'formatBytes',
      'formatChar',
      'isSingleChar',
      'notUtf8',
      'splitTrainVal',
      'toCodePoints',
      'tooManySymbols',
      'windowsPerPass',
    ]);
  });
});
