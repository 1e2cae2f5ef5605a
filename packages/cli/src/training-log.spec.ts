import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTrainingLog } from './training-log.js';

const LOG = 'step,loss\n1,2.5\n2,2.4\n3,2.3\n4,2.';

function logFile(text: string | undefined): string {
  const path = join(mkdtempSync(join(tmpdir(), 'charrnn-training-log-')), 'log.csv');
  if (text !== undefined) writeFileSync(path, text);
  return path;
}

describe('openTrainingLog', () => {
  it('on resume cuts the log back to the checkpoint step (and a half-written row) and appends after it', () => {
    const path = logFile(LOG);
    const { file, kept } = openTrainingLog(path, 2, false);
    expect(kept).toBe('step,loss\n1,2.5\n2,2.4\n');
    expect(file.existed).toBe(true);
    file.write('3,2.31\n');
    file.close();
    expect(readFileSync(path, 'utf8')).toBe('step,loss\n1,2.5\n2,2.4\n3,2.31\n');
  });

  it('on resume without a log starts an empty one', () => {
    const path = logFile(undefined);
    const { file, kept } = openTrainingLog(path, 7, false);
    expect([kept, file.existed]).toEqual(['', false]);
    file.close();
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('with force empties an existing log, without force appends to it', () => {
    const forced = openTrainingLog(logFile(LOG), undefined, true);
    expect([forced.kept, forced.file.existed]).toEqual(['', false]);
    forced.file.close();
    const kept = openTrainingLog(logFile(LOG), undefined, false);
    expect([kept.kept, kept.file.existed]).toEqual(['', true]);
    kept.file.close();
  });
});
