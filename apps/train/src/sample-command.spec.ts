// charrnn-sample's sampling options end to end: --prime-file, --top-p, --stop, streamed output
// and Ctrl-C between chunks; and the same sampling flags on charrnn-train's printed samples.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '@charrnn/cli';
import { fakeIo, type FakeIo } from '@charrnn/cli/testing';
import { sampleCommand } from './sample-command.js';
import { unescapeArgument } from './unknown-chars.js';
import { trainCommand } from './train-command.js';

const TEXT = 'Gregor Samsa woke one morning from uneasy dreams. He found himself transformed in his bed.\n'.repeat(12);
let dir = '';
let checkpoint = '';

async function run(
  command: typeof trainCommand,
  name: string,
  argv: string[],
  io: FakeIo = fakeIo(argv),
): Promise<{ code: number; out: string; err: string }> {
  const code = await runCommand(name, command, io);
  return { code, out: io.out(), err: io.err() };
}

const sample = (args: string[]): Promise<{ code: number; out: string; err: string }> =>
  run(sampleCommand, 'charrnn-sample', ['--checkpoint', checkpoint, '--kernels', 'reference', ...args]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'charrnn-sample-'));
  writeFileSync(join(dir, 'data.txt'), TEXT);
  checkpoint = join(dir, 'run.safetensors');
  const train = await run(trainCommand, 'charrnn-train', [
    '--data',
    join(dir, 'data.txt'),
    '--hidden',
    '16',
    '--seq-length',
    '10',
    '--steps',
    '150',
    '--eval-every',
    '0',
    '--sample-every',
    '50',
    '--sample-length',
    '30',
    '--temperature',
    '0.5',
    '--top-k',
    '5',
    '--top-p',
    '0.9',
    '--log-every',
    '50',
    '--kernels',
    'reference',
    '--save',
    checkpoint,
  ]);
  expect(train.err).toBe('');
  expect(train.code).toBe(0);
});

describe('charrnn-sample options', () => {
  it('--prime-file primes like --prime with the same text', async () => {
    writeFileSync(join(dir, 'prime.txt'), 'Gregor Sam');
    const fromFile = await sample(['--prime-file', join(dir, 'prime.txt'), '--length', '60', '--seed', '3']);
    const fromFlag = await sample(['--prime', 'Gregor Sam', '--length', '60', '--seed', '3']);
    expect(fromFile.code).toBe(0);
    expect(fromFile.out).toBe(fromFlag.out);
  });

  it('--top-p keeps the most likely characters: a tiny p is the argmax', async () => {
    const nucleus = await sample(['--prime', 'G', '--length', '80', '--top-p', '1e-9', '--seed', '5']);
    const argmax = await sample(['--prime', 'G', '--length', '80', '--argmax']);
    expect(nucleus.out).toBe(argmax.out);
    const wide = await sample(['--prime', 'G', '--length', '80', '--top-p', '0.95', '--seed', '5']);
    expect(wide.code).toBe(0);
    expect(wide.out.length).toBe(1 + 80 + 1);
  });

  it('--stop ends the sample just before the stop text (escapes \\n)', async () => {
    const free = (await sample(['--prime', 'G', '--length', '400', '--argmax'])).out;
    const stop = free.slice(20, 23);
    const at = free.indexOf(stop, 1);
    const stopped = await sample([
      '--prime',
      'G',
      '--length',
      '400',
      '--argmax',
      '--stop',
      stop.replace(/\\/g, '\\\\').replace(/\n/g, '\\n'),
    ]);
    expect(stopped.code).toBe(0);
    expect(stopped.out).toBe(`${free.slice(0, at)}\n`);
    expect(unescapeArgument('a\\tb\\\\n\\n')).toBe('a\tb\\n\n');
  });

  it('streams: a long sample arrives in several writes, and Ctrl-C stops it after a chunk (exit 130)', async () => {
    const writes: string[] = [];
    const io = fakeIo([
      '--checkpoint',
      checkpoint,
      '--kernels',
      'reference',
      '--prime',
      'G',
      '--length',
      '20000',
      '--seed',
      '2',
    ]);
    const write = io.stdout.write;
    io.stdout.write = (text: string) => {
      writes.push(text);
      return write(text);
    };
    const whole = await run(sampleCommand, 'charrnn-sample', io.argv as string[], io);
    expect(whole.code).toBe(0);
    expect(writes.length).toBeGreaterThanOrEqual(6); // prime, ≥ 4 chunks of ≤ 4096, newline
    expect(whole.out.length).toBe(1 + 20000 + 1);

    const io2 = fakeIo(io.argv as string[]);
    const write2 = io2.stdout.write;
    let count = 0;
    io2.stdout.write = (text: string) => {
      if (++count === 2) io2.interrupt();
      return write2(text);
    };
    const cut = await run(sampleCommand, 'charrnn-sample', io2.argv as string[], io2);
    expect(cut.code).toBe(130);
    expect(cut.out).toBe(`${whole.out.slice(0, 1 + 4096)}\n`);
  });

  it('refuses bad sampling input with one line and exit 2', async () => {
    for (const args of [
      ['--prime', 'G', '--prime-file', join(dir, 'prime.txt')],
      ['--top-p', '0'],
      ['--top-p', '1.5'],
      ['--stop', 'ß'],
      ['--stop', ''],
      ['--prime-file', join(dir, 'missing.txt')],
    ]) {
      const result = await sample(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toMatch(/^charrnn-sample: error: /);
    }
  });
});
