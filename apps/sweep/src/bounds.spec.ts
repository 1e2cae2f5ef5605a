// charrnn-sweep's limits, end to end in-process: a grid past --max-trials, an --out that cannot be
// made (/proc, a file), and a second sweep on the same directory — each one line, nothing written.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, runCommand } from '@charrnn/cli';
import { fakeIo } from '@charrnn/cli/testing';
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

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo(argv);
  const code = await runCommand('charrnn-sweep', sweepCommand, io);
  return { code, out: io.out(), err: io.err() };
}

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
});
