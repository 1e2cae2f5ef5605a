// charrnn-sweep end to end: in-process through CommandIo (inline executor, file store), and the
// BUILT bundle with worker threads (nx builds before testing), including Ctrl-C and --resume.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { runOnFakeIo } from '@charrnn/cli/testing';
import { sweepCommand } from './sweep-command.js';

const TEXT = 'Gregor Samsa woke one morning from uneasy dreams. He found himself transformed in his bed. '.repeat(12);
const BUNDLE = join(dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

function workdir(spec: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'charrnn-sweep-'));
  writeFileSync(join(dir, 'data.txt'), TEXT);
  writeFileSync(join(dir, 'spec.yaml'), spec);
  return dir;
}

const TINY = `
method: grid
data: data.txt
budget: { steps: 20 }
base: { seqLength: 8, evalEvery: 10, logEvery: 5, saveEvery: 10 }
space:
  hidden: [6, 10]
  lr: [0.05, 0.1]
`;

const run = (argv: string[]) => runOnFakeIo(sweepCommand, 'charrnn-sweep', argv);

function summary(dir: string): Record<string, string>[] {
  return parse(readFileSync(join(dir, 'summary.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
}

describe('charrnn-sweep (in-process)', () => {
  it('runs a tiny sweep into --out with the data path taken relative to the spec file', async () => {
    const dir = workdir(TINY);
    const out = join(dir, 'out');
    const result = await run([
      join(dir, 'spec.yaml'),
      '--out',
      out,
      '--executor',
      'inline',
      '--workers',
      '2',
      '--kernels',
      'reference',
    ]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/sweep done: 4 ok/);
    expect(result.out).toMatch(/best: t00\d val_bpc/);
    const rows = summary(out);
    expect(rows.map((r) => r['status'])).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(Object.keys(rows[0]!).slice(0, 4)).toEqual(['id', 'hidden', 'lr', 'status']);
    for (const f of [
      'spec.json',
      'report.html',
      'trials/t003/log.csv',
      'trials/t003/config.json',
      'trials/t003/best.safetensors',
      'trials/t003/last.safetensors',
    ])
      expect(existsSync(join(out, f)), f).toBe(true);

    const again = await run([join(dir, 'spec.yaml'), '--out', out, '--executor', 'inline']);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already holds a sweep/);
    const resumed = await run([join(dir, 'spec.yaml'), '--out', out, '--executor', 'inline', '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toMatch(/sweep done: 4 ok/);
    const otherData = await run([
      join(dir, 'spec.yaml'),
      '--out',
      out,
      '--executor',
      'inline',
      '--resume',
      '--data',
      join(dir, 'spec.yaml'),
    ]);
    expect(otherData.code).toBe(2);
    expect(otherData.err).toMatch(/differs from the sweep being resumed/);
  });

  it('reports every spec problem with its path and exits 2', async () => {
    const dir = workdir('budget: { steps: 0 }\nspace: { hiden: [1], lr: { dist: loguniform, min: 0, max: 1 } }\n');
    const result = await run([join(dir, 'spec.yaml'), '--out', join(dir, 'out')]);
    expect(result.code).toBe(2);
    const lines = result.err.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/spec\.yaml: budget\.steps must be a positive integer, got 0$/),
        expect.stringMatching(/spec\.yaml: space\.hiden is not a known setting \(did you mean hidden\?\)$/),
        expect.stringMatching(/spec\.yaml: space\.lr\.min must be > 0 for a loguniform distribution, got 0$/),
      ]),
    );
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('needs a spec and --out', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['x.yaml'])).err).toMatch(/--out DIR is required/);
    expect((await run(['missing.yaml', '--out', 'o'])).err).toMatch(/spec file "missing.yaml" does not exist/);
  });
});

function runBundle(
  args: string[],
  onStdout?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUNDLE, ...args], { env: { ...process.env, CI: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      onStdout?.(out, child);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('charrnn-sweep (built bundle, worker threads)', () => {
  it('runs trials on 2 worker threads, survives Ctrl-C and resumes', async () => {
    expect(existsSync(BUNDLE), 'build the app first (nx runs build before test)').toBe(true);
    const spec = TINY.replace('steps: 20', 'steps: 12000')
      .replace('logEvery: 5, saveEvery: 10', 'logEvery: 100, saveEvery: 500')
      .replace('evalEvery: 10', 'evalEvery: 1000')
      .replace('[6, 10]', '[16, 24]');
    const dir = workdir(spec);
    const out = join(dir, 'out');
    const args = [join(dir, 'spec.yaml'), '--out', out, '--workers', '2', '--kernels', 'reference'];
    let sent = false;
    const first = await runBundle(args, (text, child) => {
      // Interrupt as soon as the first trial has finished: others are part-way through.
      if (!sent && /\[1\/4\]/.test(text)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(first.err).toBe('');
    expect(first.code).toBe(130);
    expect(first.out).toMatch(/sweep interrupted/);
    const partial = summary(out).map((r) => r['status']);
    expect(partial.filter((s) => s === 'ok').length).toBeGreaterThanOrEqual(1);
    expect(partial.filter((s) => s !== 'ok').length).toBeGreaterThanOrEqual(1);

    const second = await runBundle([...args, '--resume']);
    expect(second.err).toBe('');
    expect(second.code).toBe(0);
    const rows = summary(out);
    expect(rows.map((r) => r['status'])).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(rows.map((r) => r['steps'])).toEqual(['12000', '12000', '12000', '12000']);
    for (const id of ['t000', 't001', 't002', 't003']) {
      const log = parse(readFileSync(join(out, 'trials', id, 'log.csv'), 'utf8'), { columns: true }) as Record<
        string,
        string
      >[];
      const steps = log.map((r) => Number(r['step']));
      expect(steps, id).toEqual([...steps].sort((a, b) => a - b));
      expect(new Set(steps).size, id).toBe(steps.length);
      expect(steps.at(-1)).toBe(12000);
    }
  });
});
