// The metadata parsers' messages, word for word: zod/mini loads no English messages unless asked,
// so a schema that lost them would say only "Invalid input" — these pin the full lines.
import { describe, expect, it } from 'vitest';
import { parseDataReference, parseTraining } from './checkpoint-metadata.js';

const TRAINING = {
  step: 1,
  chars: 2,
  smoothLoss: 1,
  bestValLoss: null,
  stream: { seqLength: 1, batchSize: 1, length: 3, pointers: [0], pendingReset: [false] },
  dropoutRng: { words: [1, 2, 3, 4], spareNormal: null },
  sampleRng: { words: [1, 2, 3, 4], spareNormal: 0.5 },
  optimizerScalars: { t: 1 },
};
const HASH = 'a'.repeat(64);

function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('checkpoint metadata messages', () => {
  it('keeps fields added by later versions and reads a valid record', () => {
    const parsed = parseTraining(JSON.stringify({ ...TRAINING, later: 'x' }));
    expect(parsed.step).toBe(1);
    expect((parsed as Record<string, unknown>)['later']).toBe('x');
  });

  it.each([
    [{ step: -3 }, 'metadata "training" field step is invalid: Too small: expected number to be >=0'],
    [{ step: 2.5 }, 'metadata "training" field step is invalid: Invalid input: expected int, received number'],
    [
      { dropoutRng: { words: [1, 2], spareNormal: null } },
      'metadata "training" field dropoutRng.words is invalid: Too small: expected array to have exactly 4 items',
    ],
    [
      { sampleRng: { words: [1, 2, 3, 2 ** 33], spareNormal: null } },
      'metadata "training" field sampleRng.words.3 is invalid: Too big: expected number to be <=4294967295',
    ],
    [{ elapsedSec: -1 }, 'metadata "training" field elapsedSec is invalid: Too small: expected number to be >=0'],
  ])('training %j: %s', (edit, message) => {
    expect(refusal(() => parseTraining(JSON.stringify({ ...TRAINING, ...edit })))).toBe(message);
  });

  it.each([
    [
      { source: 'nope', sha256: HASH, bytes: 1 },
      'metadata "data" field source is invalid: Invalid option: expected one of "file"|"files"|"embedded"',
    ],
    [{ source: 'file', sha256: HASH, bytes: 1, more: 1 }, 'metadata "data" is invalid: Unrecognized key: "more"'],
    [
      { source: 'files', files: [{ path: 'a', sha256: 'x', bytes: 1 }], sha256: HASH, bytes: 1 },
      'metadata "data" field files.0.sha256 is invalid: Invalid string: must match pattern /^[0-9a-f]{64}$/',
    ],
  ])('data %j: %s', (data, message) => {
    expect(refusal(() => parseDataReference(JSON.stringify(data)))).toBe(message);
  });
});
