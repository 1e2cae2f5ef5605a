import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@charrnn/corpus exports', () => {
  it('exports exactly the public API', () => {
    expect(Object.keys(api).sort()).toEqual([
      'Vocabulary',
      'WindowStream',
      'decodeUtf8',
      'findUtf8Error',
      'formatChar',
      'isSingleChar',
      'splitTrainVal',
      'toCodePoints',
      'windowsPerPass',
    ]);
  });
});
