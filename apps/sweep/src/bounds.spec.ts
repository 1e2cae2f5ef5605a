// charrnn-sweep's limits, end to end in-process: a grid past --max-trials, an --out that cannot be
// made (/proc, a file), and a second sweep on the same directory — each one line, nothing written.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '@charrnn/cli';
import { runOnFakeIo } from '@charrnn/cli/testing';
import { sweepCommand } from './sweep-command.js';

const TEXT = 'Gregor Samsa woke one morning from uneasy dreams. He found himself transformed in his bed. '.repeat(12);
const values = (n: number, from: number) => `[${Array.from({ length: n }, (_, i) => from + i).join(', ')}]`;
const SPEC = (lists: number) => `
method: grid
data: data.txt
budget: { steps: 20 }
space:
${['hidden', 'seqLength', 'seed', 'sampleLength', 'logEvery', 'evalEvery']
  .slice(0, lists)
  .map((k) => `  ${k}: ${values(10, 2)}`)
  .join('\n')}
`;

function workdir(spec: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'charrnn-sweep-bounds-'));
  writeFileSync(join(dir, 'data.txt'), TEXT);
  writeFileSync(join(dir, 'spec.yaml'), spec);
  return dir;
}

const run = (argv: string[]) => runOnFakeIo(sweepCommand, 'charrnn-sweep', argv);

describe('charrnn-sweep bounds', () => {
  it('refuses a 10^6 grid past --max-trials before creating anything, and --max-trials raises the limit', async () => {
    const dir = workdir(SPEC(6));
    const result = await run([join(dir, 'spec.yaml'), '--out', join(dir, 'out'), '--executor', 'inline']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /spec.yaml: the grid multiplies out to 1000000 trials \(hidden 10 × seqLength 10 × seed 10 × sampleLength 10 × logEvery 10 × evalEvery 10\), more than the limit of 1000\nhint: .*raise --max-trials/,
    );
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const small = workdir(SPEC(1));
    expect(
      (await run([join(small, 'spec.yaml'), '--out', join(small, 'out'), '--executor', 'inline', '--max-trials', '9']))
        .err,
    ).toMatch(/more than the limit of 9/);
  });

  it('an --out that cannot be created is one line, without spinning (/proc) or replacing a file', async () => {
    const dir = workdir(SPEC(1));
    const proc = await run([join(dir, 'spec.yaml'), '--out', '/proc/charrnn-sweep-x', '--executor', 'inline']);
    expect(proc.code).toBe(2);
    expect(proc.err).toMatch(
      /^charrnn-sweep: error: cannot create --out directory "\/proc\/charrnn-sweep-x": mkdir .* failed with ENOENT/,
    );
    writeFileSync(join(dir, 'file'), 'x');
    const file = await run([join(dir, 'spec.yaml'), '--out', join(dir, 'file'), '--executor', 'inline']);
    expect(file.code).toBe(2);
    expect(file.err).toMatch(/--out directory ".*file" is a regular file, not a directory/);
  });

  it('a second sweep on the same --out is refused with one line naming the holder', async () => {
    const dir = workdir(SPEC(1));
    const out = join(dir, 'out');
    mkdirSync(out);
    const lock = acquireLock(out, '--out directory', 'charrnn-sweep', join(out, '.sweep.lock'));
    try {
      const second = await run([join(dir, 'spec.yaml'), '--out', out, '--executor', 'inline']);
      expect(second.code).toBe(2);
      expect(second.err).toMatch(
        new RegExp(`--out directory ".*out" is in use by charrnn-sweep \\(pid ${process.pid}`),
      );
    } finally {
      lock.release();
    }
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses a text with more than 65,536 distinct characters, as charrnn-train does (unit: byte is the way out)', async () => {
    const dir = workdir(SPEC(1));
    let wide = '';
    for (let cp = 0x10000; cp <= 0x20000; cp++) wide += String.fromCodePoint(cp);
    writeFileSync(join(dir, 'wide.txt'), wide);
    const viaFlag = await run([join(dir, 'spec.yaml'), '--out', join(dir, 'out'), '--data', join(dir, 'wide.txt')]);
    expect(viaFlag.code).toBe(2);
    expect(viaFlag.err).toBe(
      "charrnn-sweep: error: --data has 65537 distinct characters, more than the 65536 charrnn's 16-bit ids can name\nhint: train on its bytes instead with unit: byte in the spec's base (at most 256 symbols)\n",
    );
    writeFileSync(join(dir, 'spec.yaml'), SPEC(1).replace('data.txt', 'wide.txt'));
    const viaSpec = await run([join(dir, 'spec.yaml'), '--out', join(dir, 'out2')]);
    expect(viaSpec.err).toMatch(/^charrnn-sweep: error: data file ".*wide\.txt" has 65537 distinct characters/);
  });

  it('a damaged record.json or queue.json: one line naming the file, what is wrong and what to do (exit 2)', async () => {
    const dir = workdir(SPEC(1).replace('[2, 3, 4, 5, 6, 7, 8, 9, 10, 11]', '[4]'));
    const out = join(dir, 'out');
    expect((await run([join(dir, 'spec.yaml'), '--out', out, '--executor', 'inline'])).code).toBe(0);
    const record = join(out, 'trials', 't000', 'record.json');
    writeFileSync(record, '{"id":"t000","status":');
    const status = await run(['--status', out]);
    expect(status.code).toBe(2);
    expect(status.err).toMatch(
      /^charrnn-sweep: error: .*trials\/t000\/record\.json is not valid JSON \(.*\)\nhint: restore it, or delete it \(charrnn-sweep --resume then runs trial t000 again from its start\)\n$/,
    );
    const resume = await run([join(dir, 'spec.yaml'), '--out', out, '--executor', 'inline', '--resume']);
    expect(resume.code).toBe(2);
    expect(resume.err).toMatch(
      /^charrnn-sweep: error: .*out: trials\/t000\/record\.json is not valid JSON \(.*\)\nhint: restore it, or delete it to run trial t000 again from its start\n$/,
    );
    writeFileSync(record, '{"id":"t000","status":"ok"}');
    expect((await run(['--status', out])).err).toMatch(
      /record\.json is not a trial record: "steps" must be a non-negative number, got undefined/,
    );
    rmSync(record);
    writeFileSync(join(out, 'queue.json'), '{"url":"redis://x:6379",');
    const queue = await run(['--status', out]);
    expect(queue.code).toBe(2);
    expect(queue.err).toMatch(
      /^charrnn-sweep: error: .*out\/queue\.json is not valid JSON \(.*\)\nhint: it names the sweep's key in Redis: restore it/,
    );
    writeFileSync(join(out, 'queue.json'), '{"url":"redis://x:6379","sweepKey":"../../etc"}');
    expect((await run(['--status', out])).err).toMatch(
      /queue\.json is not a charrnn queue file: sweepKey must be a sweep key like grid-1a2b3c4d\n/,
    );
  });
});
