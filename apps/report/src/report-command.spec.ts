// charrnn-report end to end: a real training log from charrnn-train, the settings found beside
// it, the page written, and the usage errors.

import { execFileSync } from 'node:child_process';
import { linkSync, lstatSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOnFakeIo } from '@charrnn/cli/testing';
import { trainCommand } from '../../train/src/train-command.js';
import { reportCommand } from './report-command.js';

const TEXT = 'Gregor Samsa woke one morning from uneasy dreams. He found himself transformed in his bed. '.repeat(12);

describe('charrnn-report', () => {
  it('draws a trained run and a second labelled log, with settings from the checkpoint and a sidecar', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charrnn-report-'));
    writeFileSync(join(dir, 'data.txt'), TEXT);
    const train = await runOnFakeIo(trainCommand, 'charrnn-train', [
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
    const result = await runOnFakeIo(reportCommand, 'charrnn-report', [
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
    expect(html).toContain('>lr-schedule=cosine</code>');
    expect(html).toContain('>impl=pytorch 1.13</code>');
  });

  it('refuses a missing --out, no logs, and a file that is not a log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charrnn-report-'));
    writeFileSync(join(dir, 'x.csv'), 'a,b\n1,2\n');
    const noOut = await runOnFakeIo(reportCommand, 'charrnn-report', [join(dir, 'x.csv')]);
    expect(noOut.code).toBe(2);
    expect(noOut.err.split('\n')[0]).toBe('charrnn-report: error: --out FILE.html is required');
    const none = await runOnFakeIo(reportCommand, 'charrnn-report', ['--out', join(dir, 'r.html')]);
    expect(none.err.split('\n')[0]).toBe(
      'charrnn-report: error: give at least one training log (the CSV from charrnn-train --log)',
    );
    const bad = await runOnFakeIo(reportCommand, 'charrnn-report', [join(dir, 'x.csv'), '--out', join(dir, 'r.html')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^charrnn-report: error: .*x\.csv: the header must have the trainer's columns/);
  });
});

describe('charrnn-report on a long log', () => {
  it('draws 250,000 rows (it used to overflow the call stack at 200,000)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charrnn-report-long-'));
    const lines = ['step,chars,loss,smooth_loss,val_loss,val_bpc,lr,grad_norm,clipped_frac,chars_per_s,elapsed_s'];
    for (let i = 1; i <= 250_000; i++) {
      const val = i % 1000 === 0 ? `${1.4 + 100 / i},${(1.4 + 100 / i) / Math.LN2}` : ',';
      lines.push(
        `${i},${i * 64},${1.5 + 50 / (50 + i) + 0.1 * Math.sin(i)},2,${val},0.002,${3 + Math.cos(i)},0,20000,${i / 50}`,
      );
    }
    writeFileSync(join(dir, 'long.csv'), `${lines.join('\n')}\n`);
    const result = await runOnFakeIo(reportCommand, 'charrnn-report', [
      join(dir, 'long.csv'),
      '--out',
      join(dir, 'long.html'),
    ]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const html = readFileSync(join(dir, 'long.html'), 'utf8');
    expect(html).toMatch(/Best: <b>long<\/b> 2\.0\d{3} val bpc/);
    expect(html.length).toBeLessThan(1_000_000);
  }, 60_000);

  it('reads quoted cells as CSV (a comma inside quotes is not a separator) and names a broken file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charrnn-report-csv-'));
    writeFileSync(
      join(dir, 'q.csv'),
      'note,step,chars,loss,smooth_loss,val_loss,val_bpc,lr,grad_norm,clipped_frac,chars_per_s,elapsed_s\n"a, b",1,64,3,3,2,2.885,0.1,1,0,100,1\n',
    );
    const ok = await runOnFakeIo(reportCommand, 'charrnn-report', [join(dir, 'q.csv'), '--out', join(dir, 'q.html')]);
    expect(ok.err).toBe('');
    expect(readFileSync(join(dir, 'q.html'), 'utf8')).toMatch(/Best: <b>q<\/b> 2\.8850 val bpc/);
    writeFileSync(join(dir, 'bad.csv'), 'step,chars,loss,val_bpc,lr,elapsed_s\n1,"64,3,2,0.1,1\n');
    const bad = await runOnFakeIo(reportCommand, 'charrnn-report', [
      join(dir, 'bad.csv'),
      '--out',
      join(dir, 'b.html'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^charrnn-report: error: .*bad\.csv is not valid CSV: /);
  });
});

describe('charrnn-report --out', () => {
  const LOG =
    'step,chars,loss,smooth_loss,val_loss,val_bpc,lr,grad_norm,clipped_frac,chars_per_s,elapsed_s\n1,10,4,4,,,0.1,1,0,100,0.1\n2,20,3.9,4,3.8,5.48,0.1,1,0,100,0.2\n';
  const setup = (): { dir: string; log: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'charrnn-report-out-'));
    writeFileSync(join(dir, 'run.csv'), LOG);
    return { dir, log: join(dir, 'run.csv') };
  };

  it('never writes over its own input, even with --force, by path, symlinked directory or hard link', async () => {
    const { dir, log } = setup();
    symlinkSync(dir, join(dir, 'alias'));
    linkSync(log, join(dir, 'hard.csv'));
    for (const out of [log, join(dir, 'alias', 'run.csv'), join(dir, 'hard.csv')]) {
      const result = await runOnFakeIo(reportCommand, 'charrnn-report', [log, '--out', out, '--force']);
      expect(result.code).toBe(2);
      expect(result.err.split('\n')[0]).toBe(
        `charrnn-report: error: --out ${JSON.stringify(out)} is the log file ${JSON.stringify(log)}; it would be overwritten`,
      );
    }
    expect(readFileSync(log, 'utf8')).toBe(LOG);
  });

  it('refuses a symbolic link and a FIFO, and an existing page without --force', async () => {
    const { dir, log } = setup();
    writeFileSync(join(dir, 'target.html'), 'keep');
    symlinkSync(join(dir, 'target.html'), join(dir, 'link.html'));
    const link = await runOnFakeIo(reportCommand, 'charrnn-report', [log, '--out', join(dir, 'link.html'), '--force']);
    expect(link.code).toBe(2);
    expect(link.err).toMatch(/^charrnn-report: error: --out file ".*link\.html" is a symbolic link/);
    expect(lstatSync(join(dir, 'link.html')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'target.html'), 'utf8')).toBe('keep');

    execFileSync('mkfifo', [join(dir, 'pipe')]);
    const fifo = await runOnFakeIo(reportCommand, 'charrnn-report', [log, '--out', join(dir, 'pipe'), '--force']);
    expect(fifo.code).toBe(2);
    expect(fifo.err).toMatch(/^charrnn-report: error: --out file ".*pipe" is a named pipe \(FIFO\)/);
    expect(lstatSync(join(dir, 'pipe')).isFIFO()).toBe(true);

    const exists = await runOnFakeIo(reportCommand, 'charrnn-report', [log, '--out', join(dir, 'target.html')]);
    expect(exists.code).toBe(2);
    expect(exists.err).toMatch(/^charrnn-report: error: --out file ".*target\.html" already exists\nhint: add --force/);
    expect(readFileSync(join(dir, 'target.html'), 'utf8')).toBe('keep');
    const forced = await runOnFakeIo(reportCommand, 'charrnn-report', [
      log,
      '--out',
      join(dir, 'target.html'),
      '--force',
    ]);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'target.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('says that a missing directory does not exist', async () => {
    const { dir, log } = setup();
    const result = await runOnFakeIo(reportCommand, 'charrnn-report', [log, '--out', join(dir, 'no', 'r.html')]);
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      `charrnn-report: error: --out file ${JSON.stringify(join(dir, 'no', 'r.html'))}: its directory ${JSON.stringify(join(dir, 'no'))} does not exist\nhint: create it first (mkdir -p ${join(dir, 'no')})\n`,
    );
  });
});
