// What a new user meets first: a run without --save says that nothing was saved and how to save;
// the same setting has the same flag in train and sample (--temperature), old names still work.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '@charrnn/cli';
import { fakeIo } from '@charrnn/cli/testing';
import { sampleCommand } from './sample-command.js';
import { trainCommand } from './train-command.js';

const TEXT = 'Gregor Samsa woke one morning from uneasy dreams. He found himself transformed in his bed. '.repeat(12);
const SMALL = [
  '--hidden',
  '8',
  '--seq-length',
  '10',
  '--eval-every',
  '0',
  '--sample-every',
  '0',
  '--log-every',
  '5',
  '--kernels',
  'reference',
];
const NOTHING_SAVED =
  'notice: nothing was saved (no --save); to keep the weights, run with --save FILE.safetensors (e.g. --save runs/model.safetensors)\n';

async function run(
  command: typeof trainCommand,
  name: string,
  argv: string[],
  interruptAfter?: number,
): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo(argv);
  const pending = runCommand(name, command, io);
  if (interruptAfter !== undefined) setTimeout(() => io.interrupt(), interruptAfter);
  const code = await pending;
  return { code, out: io.out(), err: io.err() };
}

function data(): string {
  const dir = mkdtempSync(join(tmpdir(), 'charrnn-first-'));
  writeFileSync(join(dir, 'data.txt'), TEXT);
  return dir;
}

describe('a run without --save', () => {
  it('says in one line, at the end, that nothing was saved and how to save', async () => {
    const dir = data();
    const r = await run(trainCommand, 'charrnn-train', ['--data', join(dir, 'data.txt'), ...SMALL, '--steps', '10']);
    expect(r.code).toBe(0);
    expect(r.err).toBe(NOTHING_SAVED);
  });

  it('says it after Ctrl-C too (exit 130)', async () => {
    const dir = data();
    const r = await run(
      trainCommand,
      'charrnn-train',
      ['--data', join(dir, 'data.txt'), ...SMALL, '--steps', '1000000'],
      50,
    );
    expect(r.code).toBe(130);
    expect(r.err).toBe(NOTHING_SAVED);
  });

  it('is silent about saving when --save was given', async () => {
    const dir = data();
    const r = await run(trainCommand, 'charrnn-train', [
      '--data',
      join(dir, 'data.txt'),
      ...SMALL,
      '--steps',
      '10',
      '--save',
      join(dir, 'm.safetensors'),
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
  });
});

describe('one flag name per setting', () => {
  it('train and sample both take --temperature; train still takes --sample-temperature', async () => {
    const dir = data();
    const save = join(dir, 'm.safetensors');
    const t = await run(trainCommand, 'charrnn-train', [
      '--data',
      join(dir, 'data.txt'),
      ...SMALL,
      '--steps',
      '10',
      '--save',
      save,
      '--temperature',
      '0.5',
      '--sample-every',
      '5',
      '--sample-length',
      '20',
    ]);
    expect(t.code).toBe(0);
    const old = await run(trainCommand, 'charrnn-train', [
      '--data',
      join(dir, 'data.txt'),
      ...SMALL,
      '--steps',
      '10',
      '--sample-temperature',
      '0.5',
    ]);
    expect(old.code).toBe(0);
    const bad = await run(trainCommand, 'charrnn-train', ['--temperature', '0']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^charrnn-train: error: --temperature must be a positive number, got "0"\n/);
    const s = await run(sampleCommand, 'charrnn-sample', [
      '--checkpoint',
      save,
      '--temperature',
      '0.5',
      '--length',
      '10',
    ]);
    expect(s.code).toBe(0);
    expect(s.err).toBe('');
  });
});

describe('a run without --data', () => {
  it("trains on the bundled public-domain text, The Devil's Dictionary, and says so", async () => {
    const r = await run(trainCommand, 'charrnn-train', [...SMALL, '--steps', '1']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      "data  the bundled text (The Devil's Dictionary, data/devils-dictionary.txt); --data FILE trains on yours\n",
    );
    // 84 distinct characters and 383,158 of them, 10% held out: the book, not the project's sources.
    expect(r.out).toMatch(/start {2}params [\d,]+ {2}vocab 84 {2}train 344\.8k chars {2}val 38\.3k chars/);
  });
});
