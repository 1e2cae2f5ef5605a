// One choice of kernels everywhere: a trial on a worker thread and the same trial on the inline
// executor pick their kernels through the same chooseKernels (default: wasm SIMD + the native gemm
// where built) and write the same log, number for number. Runs the BUILT bundle (nx builds first),
// so the worker thread is the real dist/worker.js. Sizes are chosen so the window products are
// large enough to go to the native gemm when it is built.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const BUNDLE = join(dirname(fileURLToPath(import.meta.url)), '../dist/main.js');
const TEXT =
  'One morning, as Gregor Samsa was waking up from anxious dreams, he discovered that in bed he had been changed into a monstrous verminous bug. '.repeat(
    8,
  );
const SPEC = `
method: grid
data: data.txt
budget: { steps: 24 }
base: { seed: 7, hidden: 48, seqLength: 16, batchSize: 2, optimizer: adam, lr: 0.01, evalEvery: 8, logEvery: 4, saveEvery: 0 }
space:
  cell: [lstm]
`;
/** Wall-clock columns differ between any two runs; every other column must match exactly. */
const TIMING = new Set(['chars_per_s', 'elapsed_s']);

function sweep(dir: string, executor: string): { start: string; log: string[][] } {
  const out = join(dir, executor);
  const r = spawnSync(
    process.execPath,
    [BUNDLE, join(dir, 'spec.yaml'), '--out', out, '--executor', executor, '--workers', '1'],
    { encoding: 'utf8', env: { ...process.env, CI: '1' }, timeout: 120_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(/a worker thread runs kernels/);
  const [header, ...rows] = readFileSync(join(out, 'trials/t000/log.csv'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(','));
  const keep = header!.map((name) => !TIMING.has(name));
  return { start: r.stdout.split('\n')[0]!, log: [header!, ...rows].map((row) => row.filter((_, i) => keep[i])) };
}

it('a trial on a worker thread and on the inline executor logs the same numbers with the same kernels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'charrnn-executors-'));
  writeFileSync(join(dir, 'data.txt'), TEXT);
  writeFileSync(join(dir, 'spec.yaml'), SPEC);
  const threads = sweep(dir, 'threads');
  const inline = sweep(dir, 'inline');
  const kernels = (start: string): string => /kernels (\S+),/.exec(start)?.[1] ?? `no kernels in: ${start}`;
  expect(kernels(threads.start)).toBe(kernels(inline.start));
  expect(threads.log.length).toBeGreaterThan(6);
  expect(threads.log).toEqual(inline.log);
});
