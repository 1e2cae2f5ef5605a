// charrnn-train on a terminal: the live bar (redrawn in place with \r, never wider than the
// terminal) shows the recent mean training loss in bits per character beside val_bpc, and a run
// stopped by --max-seconds or --patience says so in its last line. fakeIo's stdout is not a TTY;
// here it claims to be one, with 80 columns, and no CI variable turns the bar off.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand, type CommandIo } from '@charrnn/cli';
import { fakeIo, type FakeIo } from '@charrnn/cli/testing';
import { trainCommand } from './train-command.js';

const TEXT = 'Gregor Samsa woke one morning from uneasy dreams. He found himself transformed in his bed.\n'.repeat(12);
const CLEAR_LINE = '\r\x1b[2K';

function ttyIo(argv: string[], columns = 80): FakeIo {
  const io = fakeIo(argv);
  const stdout: CommandIo['stdout'] = { write: io.stdout.write, isTTY: true, columns };
  return { ...io, stdout, env: { TERM: 'xterm' } };
}

function data(): string {
  const dir = mkdtempSync(join(tmpdir(), 'charrnn-tty-'));
  writeFileSync(join(dir, 'data.txt'), TEXT);
  return join(dir, 'data.txt');
}

const small = ['--hidden', '12', '--seq-length', '10', '--sample-every', '0', '--kernels', 'reference'];

describe('charrnn-train on a terminal', () => {
  it('redraws one bar in place with train_bpc beside val_bpc, within the width, then the summary', async () => {
    const io = ttyIo(['--data', data(), ...small, '--steps', '60', '--log-every', '5', '--eval-every', '20']);
    expect(await runCommand('charrnn-train', trainCommand, io)).toBe(0);
    const out = io.out();
    const redraws = out.split(CLEAR_LINE).slice(1);
    expect(redraws.length).toBeGreaterThan(3);
    // Every piece of screen between two clears: message lines (eval) end in \n, the bar never does.
    const bars = redraws.map((piece) => piece.split('\n').at(-1)!).filter((line) => line.startsWith('|'));
    expect(bars.length).toBeGreaterThan(3);
    for (const bar of bars) {
      expect(bar.length).toBeLessThan(80);
      expect(bar).toMatch(/^\|[█▏▎▍▌▋▊▉ ]+\| \d+\/60 {2}train_bpc \d\.\d{3}/);
      expect(bar).not.toMatch(/smooth|loss \d/);
    }
    const last = bars.at(-1)!;
    expect(last).toMatch(/ 60\/60 {2}train_bpc \d\.\d{3} {2}val_bpc \d\.\d{3}/);
    expect(out).toMatch(/\| 60\/60 .*\ndone \(completed\) {2}step 60\/60 .*\n$/);
    expect(out.endsWith('\n')).toBe(true);
  });

  it('a run stopped by --max-seconds says so in its last line', async () => {
    // fakeIo's clock advances 1 ms per read, so 0.2 s pass after a few dozen steps.
    const io = ttyIo(['--data', data(), ...small, '--steps', '100000', '--max-seconds', '0.2']);
    expect(await runCommand('charrnn-train', trainCommand, io)).toBe(0);
    const [bar, lastLine] = io.out().trimEnd().split('\n').slice(-2);
    expect(lastLine).toMatch(
      /^done \(completed\) {2}step (\d+)\/100000 .*: stopped at the time limit: 0\.2 s \(max-seconds\), step \1 of 100000$/,
    );
    // The bar above it was drawn at the step the run stopped at.
    const stopped = /step (\d+)\//.exec(lastLine!)![1];
    expect(bar).toContain(` ${stopped}/100000  train_bpc `);
  });

  it('a run stopped by --patience says so in its last line', async () => {
    const io = ttyIo([
      '--data',
      data(),
      ...small,
      '--steps',
      '2000',
      '--eval-every',
      '5',
      '--patience',
      '1',
      '--lr',
      '3',
    ]);
    expect(await runCommand('charrnn-train', trainCommand, io)).toBe(0);
    const lastLine = io.out().trimEnd().split('\n').at(-1)!;
    expect(lastLine).toMatch(
      /^done \(completed\) {2}step \d+\/2000 .*: stopped early: no better validation loss in 1 evaluations/,
    );
  });
});
