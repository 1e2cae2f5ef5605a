// charrnn-report end to end: a real training log from charrnn-train, the settings found beside
// it, the page written, and the usage errors.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '@charrnn/cli';
import { fakeIo } from '@charrnn/cli/testing';
import { trainCommand } from '../../train/src/train-command.js';
import { reportCommand } from './report-command.js';

const TEXT = 'Gregor Samsa woke one morning from uneasy dreams. He found himself transformed in his bed. '.repeat(12);

async function run(
  command: typeof reportCommand,
  name: string,
  argv: string[],
): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo(argv);
  const code = await runCommand(name, command, io);
  return { code, out: io.out(), err: io.err() };
}

describe('charrnn-report', () => {
  it('draws a trained run and a second labelled log, with settings from the checkpoint and a sidecar', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charrnn-report-'));
    writeFileSync(join(dir, 'data.txt'), TEXT);
    const train = await run(trainCommand, 'charrnn-train', [
      '--data',
      join(dir, 'data.txt'),
      '--hidden',
      '16',
      '--seq-length',
      '10',
      '--steps',
      '60',
      '--eval-every',
      '20',
      '--log-every',
      '10',
      '--sample-every',
      '0',
      '--kernels',
      'reference',
      '--log',
      join(dir, 'run.csv'),
      '--save',
      join(dir, 'run.safetensors'),
      '--lr-schedule',
      'cosine',
    ]);
    expect(train.code).toBe(0);
    writeFileSync(join(dir, 'other.csv'), readFileSync(join(dir, 'run.csv'), 'utf8'));
    writeFileSync(join(dir, 'other.config.json'), JSON.stringify({ impl: 'pytorch 1.13', lr: 0.01 }));
    const result = await run(reportCommand, 'charrnn-report', [
      join(dir, 'run.csv'),
      `torch=${join(dir, 'other.csv')}`,
      '--out',
      join(dir, 'report.html'),
      '--title',
      'two runs',
    ]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toBe(`wrote ${join(dir, 'report.html')} (2 runs)\n`);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<title>two runs</title>');
    expect(html).toContain('>run</td>');
    expect(html).toContain('>torch</td>');
    expect(html).toContain('<th>lr-schedule</th>');
    expect(html).toContain('<td>cosine</td>');
    expect(html).toContain('<td>pytorch 1.13</td>');
  });

  it('refuses a missing --out, no logs, and a file that is not a log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charrnn-report-'));
    writeFileSync(join(dir, 'x.csv'), 'a,b\n1,2\n');
    const noOut = await run(reportCommand, 'charrnn-report', [join(dir, 'x.csv')]);
    expect(noOut.code).toBe(2);
    expect(noOut.err.split('\n')[0]).toBe('charrnn-report: error: --out FILE.html is required');
    const none = await run(reportCommand, 'charrnn-report', ['--out', join(dir, 'r.html')]);
    expect(none.err.split('\n')[0]).toBe(
      'charrnn-report: error: give at least one training log (the CSV from charrnn-train --log)',
    );
    const bad = await run(reportCommand, 'charrnn-report', [join(dir, 'x.csv'), '--out', join(dir, 'r.html')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^charrnn-report: error: .*x\.csv: the header must have the trainer's columns/);
  });
});
