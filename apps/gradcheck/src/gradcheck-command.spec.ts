import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runCommand } from '@charrnn/cli';
import { fakeIo, runOnFakeIo } from '@charrnn/cli/testing';
import { CELL_NAMES } from '@charrnn/model';
import { gradcheckCommand } from './gradcheck-command.js';

const run = (argv: string[]) => runOnFakeIo(gradcheckCommand, 'charrnn-gradcheck', argv);

const tiny = ['--hidden', '5', '--seq-length', '4', '--vocab-size', '7', '--kernels', 'reference'];

describe('charrnn-gradcheck', () => {
  for (const cell of CELL_NAMES) {
    for (const layers of [1, 2, 3]) {
      it(`passes for ${cell} with ${layers} layer(s), every entry, and says clipping and dropout are off`, async () => {
        const result = await run([...tiny, '--cell', cell, '--layers', String(layers), '--batch-size', '2']);
        expect(result.err).toBe('');
        expect(result.code).toBe(0);
        expect(result.out).toMatch(/gradient clipping: off/);
        expect(result.out).toMatch(/\nPASS {2}\d+ entries/);
        expect(result.out).toContain(`state.h_l${layers - 1}`);
        if (cell === 'lstm') expect(result.out).toContain('state.c_l0');
      });
    }
  }

  for (const cell of ['rnn', 'lstm', 'gru']) {
    it(`passes for a 2-layer bidirectional ${cell} tagger, both directions' tensors checked`, async () => {
      const result = await run([...tiny, '--cell', cell, '--layers', '2', '--bidirectional', '--labels', '3']);
      expect(result.code).toBe(0);
      expect(result.out).toMatch(new RegExp(`gradcheck {2}2-layer bidirectional ${cell} {2}V=7 O=3 H=5`));
      expect(result.out).toContain('rnn.weight_ih_l1_reverse');
      expect(result.out).toMatch(/\nPASS {2}\d+ entries/);
    });
  }

  it('refuses --bidirectional without --labels (it would read the character it predicts)', async () => {
    const result = await run([...tiny, '--bidirectional']);
    expect(result.code).toBe(2);
    expect(result.err.split('\n')[0]).toBe('charrnn-gradcheck: error: --bidirectional needs --labels N (a tagger)');
  });

  it('fails with exit 1 when the tolerance cannot be met, naming the tensors', async () => {
    const result = await run([...tiny, '--rtol', '0', '--atol', '0']);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/\nFAIL {2}\d+ of \d+ entries disagree, in /);
  });

  it('writes one CSV row per checked entry, K per tensor with --entries K', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradcheck-'));
    const result = await run([...tiny, '--entries', '3', '--csv', join(dir, 'g.csv')]);
    expect(result.code).toBe(0);
    const rows = parse(readFileSync(join(dir, 'g.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['param', 'index', 'analytic', 'numeric', 'abs_err', 'rel_err', 'ok']);
    expect(rows.length).toBe(7 * 3);
    expect(rows.every((r) => r.ok === 'true')).toBe(true);
  });

  it('sweeps eps and shows the U-curve (error at 1e-5 below both ends)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradcheck-'));
    const result = await run([...tiny, '--eps-sweep', '--csv', join(dir, 's.csv')]);
    expect(result.code).toBe(0);
    const rows = parse(readFileSync(join(dir, 's.csv'), 'utf8'), { columns: true, cast: true }) as {
      eps: number;
      median_rel_err: number;
    }[];
    expect(rows.map((r) => r.eps)).toEqual([1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10]);
    const at = (eps: number): number => rows.find((r) => r.eps === eps)!.median_rel_err;
    expect(at(1e-5)).toBeLessThan(at(1e-1));
    expect(at(1e-5)).toBeLessThan(at(1e-10));
  });

  it('checks a window from a text file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradcheck-'));
    writeFileSync(join(dir, 't.txt'), 'hello world, hello gradients. '.repeat(4));
    const result = await run([
      '--data',
      join(dir, 't.txt'),
      '--hidden',
      '4',
      '--seq-length',
      '6',
      '--kernels',
      'reference',
    ]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/V=16 H=4 T=6/);
  });

  it('refuses an empty or unusable --data with exit 2 and checks nothing (no made-up model, no PASS)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradcheck-'));
    writeFileSync(join(dir, 'empty.txt'), '');
    writeFileSync(join(dir, 'one.txt'), 'aaaaaaaaaaaa');
    writeFileSync(join(dir, 'short.txt'), 'abc');
    for (const [file, message] of [
      [
        'empty.txt',
        /^charrnn-gradcheck: error: --data file ".*empty.txt" is empty; a gradient check needs at least 2\nhint: /,
      ],
      ['one.txt', /--data file ".*one.txt" has only 1 distinct character; a gradient check needs at least 2/],
      ['short.txt', /--data file must have at least seq-length \+ 1 = 5 characters, got 3/],
    ] as const) {
      const result = await run([
        '--data',
        join(dir, file),
        '--hidden',
        '4',
        '--seq-length',
        '4',
        '--kernels',
        'reference',
      ]);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(message);
      expect(result.out).toBe('');
    }
  });

  const bad: [string, string[], RegExp][] = [
    ['unknown cell', ['--cell', 'transformer'], /--cell must be one of rnn, lstm, gru, got "transformer"/],
    ['hidden out of range', ['--hidden', '0'], /--hidden must be an integer in \[1, 1024\], got "0"/],
    ['eps not positive', ['--eps', '0'], /--eps must be a positive number, got "0"/],
    ['eps negative', ['--eps', '-1e-5'], /--eps must be a positive number, got "-1e-5"/],
    ['entries not a number', ['--entries', 'some'], /--entries must be "all" or a positive integer, got "some"/],
    ['stencil 4', ['--stencil', '4'], /--stencil must be one of 3, 5, got "4"/],
    [
      'missing checkpoint',
      ['--checkpoint', '/nonexistent.safetensors'],
      /--checkpoint file "\/nonexistent.safetensors" does not exist/,
    ],
  ];
  for (const [name, argv, message] of bad) {
    it(`refuses ${name} with exit 2`, async () => {
      const result = await run([...tiny, ...argv]);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(message);
    });
  }

  it('refuses a checkpoint that does not load, with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradcheck-'));
    writeFileSync(join(dir, 'bad.safetensors'), 'not a checkpoint');
    const result = await run(['--checkpoint', join(dir, 'bad.safetensors')]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^charrnn-gradcheck: error: --checkpoint file ".*" cannot be used: /);
  });
});

describe('--csv is checked before the check runs', () => {
  it('refuses a device or a missing directory in one line', async () => {
    for (const [csv, message] of [
      ['/dev/null', /--csv file "\/dev\/null" is a character device/],
      ['/nonexistent-dir/x.csv', /its directory "\/nonexistent-dir" does not exist/],
    ] as const) {
      const io = fakeIo(['--csv', csv, '--hidden', '4', '--seq-length', '3']);
      expect(await runCommand('charrnn-gradcheck', gradcheckCommand, io)).toBe(2);
      expect(io.err()).toMatch(message);
      expect(io.out()).toBe('');
    }
  });
});
