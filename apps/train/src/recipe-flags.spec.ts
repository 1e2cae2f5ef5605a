// The training-recipe flags end to end: --save-best keeps the best evaluation beside the last
// checkpoint, and a schedule with early stopping ends the run with one line saying why.

import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runOnFakeIo } from '@charrnn/cli/testing';
import { decodeCheckpoint } from '@charrnn/train';
import { evalCommand } from './eval-command.js';
import { trainCommand } from './train-command.js';

const TEXT = 'Gregor Samsa woke one morning from uneasy dreams. He found himself transformed in his bed. '.repeat(12);

describe('charrnn-train recipe flags', () => {
  it('--save-best writes the checkpoint of the lowest validation loss, which eval reproduces', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charrnn-best-'));
    writeFileSync(join(dir, 'data.txt'), TEXT);
    writeFileSync(join(dir, 'val.txt'), TEXT.slice(TEXT.length - Math.floor(TEXT.length * 0.1)));
    const args = [
      '--data',
      join(dir, 'data.txt'),
      '--hidden',
      '24',
      '--seq-length',
      '10',
      '--sample-every',
      '0',
      '--kernels',
      'reference',
      '--dtype',
      'f64',
      '--optimizer',
      'adam',
      '--lr',
      '0.03',
      '--lr-schedule',
      'cosine',
      '--warmup',
      '5',
      '--weight-decay',
      '0.01',
      '--steps',
      '200',
      '--eval-every',
      '20',
      '--save',
      join(dir, 'last.safetensors'),
      '--save-best',
      join(dir, 'best.safetensors'),
      '--patience',
      '3',
    ];
    const train = await runOnFakeIo(trainCommand, 'charrnn-train', args);
    expect(train.err).toBe('');
    expect(train.code).toBe(0);
    expect(existsSync(join(dir, 'last.safetensors'))).toBe(true);
    const best = decodeCheckpoint(readFileSync(join(dir, 'best.safetensors')));
    const bestLine = /best val_loss (\d+\.\d+)/.exec(train.out);
    expect(bestLine).not.toBeNull();
    // The validation pass scores the held-out tail from a zero state, as eval does.
    const evaluation = await runOnFakeIo(evalCommand, 'charrnn-eval', [
      '--checkpoint',
      join(dir, 'best.safetensors'),
      '--data',
      join(dir, 'val.txt'),
      '--kernels',
      'reference',
    ]);
    const score = JSON.parse(evaluation.out);
    expect(Math.abs(score.loss - best.training!.bestValLoss!)).toBeLessThanOrEqual(1e-9);
    expect(best.config).toMatchObject({ lrSchedule: 'cosine', warmup: 5, weightDecay: 0.01, patience: 3 });
  });

  it('charrnn-eval --dynamic adapts while scoring: lr 0 is the static score, a step lowers it on repetitive text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charrnn-dyn-'));
    writeFileSync(join(dir, 'data.txt'), TEXT);
    const train = await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--data',
      join(dir, 'data.txt'),
      '--hidden',
      '16',
      '--seq-length',
      '10',
      '--steps',
      '30',
      '--sample-every',
      '0',
      '--kernels',
      'reference',
      '--save',
      join(dir, 'm.safetensors'),
    ]);
    expect(train.code).toBe(0);
    const evaluate = (extra: string[]) =>
      runOnFakeIo(evalCommand, 'charrnn-eval', [
        '--checkpoint',
        join(dir, 'm.safetensors'),
        '--data',
        join(dir, 'data.txt'),
        '--kernels',
        'reference',
        ...extra,
      ]);
    const score = async (extra: string[]): Promise<{ bpc: number; count: number; dynamic?: unknown }> =>
      JSON.parse((await evaluate(extra)).out);
    const plain = await score([]);
    const still = await score(['--dynamic', '--dynamic-lr', '0']);
    const adapted = await score(['--dynamic', '--dynamic-lr', '0.5', '--dynamic-segment', '10']);
    expect(Math.abs(still.bpc - plain.bpc)).toBeLessThanOrEqual(1e-5 + 1e-4 * plain.bpc);
    expect(adapted.bpc).toBeLessThan(plain.bpc - 0.1);
    expect(adapted).toMatchObject({ count: plain.count, dynamic: { lr: 0.5, segmentLength: 10, decay: 0 } });
    // A step size that overflows the weights is a failed run (exit 1, one line), never "loss": null.
    const diverged = await evaluate(['--dynamic', '--dynamic-lr', '1e308']);
    expect(diverged.code).toBe(1);
    expect(diverged.out).toBe('');
    expect(diverged.err).toMatch(
      /^charrnn-eval: error: the loss is not a finite number \((NaN|Infinity)\)\nhint: .*--dynamic-lr 1e\+308/,
    );
  });

  it('--init refuses new characters unless --extend-vocab, which says in one line what it added', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charrnn-vocab-'));
    writeFileSync(join(dir, 'data.txt'), TEXT);
    writeFileSync(join(dir, 'new.txt'), `${TEXT}Über Zoë! `.repeat(2));
    const base = [
      '--hidden',
      '12',
      '--seq-length',
      '10',
      '--steps',
      '10',
      '--sample-every',
      '0',
      '--kernels',
      'reference',
    ];
    expect(
      (
        await runOnFakeIo(trainCommand, 'charrnn-train', [
          '--data',
          join(dir, 'data.txt'),
          ...base,
          '--save',
          join(dir, 'a.safetensors'),
        ])
      ).code,
    ).toBe(0);
    const refused = await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--data',
      join(dir, 'new.txt'),
      ...base,
      '--init',
      join(dir, 'a.safetensors'),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(
      /^charrnn-train: error: --data the text has 4 character\(s\) outside the checkpoint's vocabulary/,
    );
    expect(refused.err).toContain('hint: add --extend-vocab');
    const extended = await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--data',
      join(dir, 'new.txt'),
      ...base,
      '--init',
      join(dir, 'a.safetensors'),
      '--extend-vocab',
      '--save',
      join(dir, 'b.safetensors'),
    ]);
    expect(extended.code).toBe(0);
    const before = decodeCheckpoint(readFileSync(join(dir, 'a.safetensors'))).vocab.size;
    expect(extended.err).toBe(
      `extended the vocabulary from ${before} to ${before + 4} characters, new: "!ZÜë"; their weights start fresh\n`,
    );
    expect(decodeCheckpoint(readFileSync(join(dir, 'b.safetensors'))).vocab.size).toBe(before + 4);
    const alone = await runOnFakeIo(trainCommand, 'charrnn-train', ['--data', join(dir, 'new.txt'), '--extend-vocab']);
    expect(alone.err.split('\n')[0]).toBe('charrnn-train: error: --extend-vocab needs --init FILE');
  });

  it('refuses --save-best naming the --save file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charrnn-best-'));
    writeFileSync(join(dir, 'data.txt'), TEXT);
    const same = join(dir, 'x.safetensors');
    const result = await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--data',
      join(dir, 'data.txt'),
      '--save',
      same,
      '--save-best',
      same,
    ]);
    expect(result.code).toBe(2);
    expect(result.err.split('\n')[0]).toBe('charrnn-train: error: --save-best must name another file than --save');
  });

  it('lists every recipe flag in --help', async () => {
    const help = await runOnFakeIo(trainCommand, 'charrnn-train', ['--help']);
    for (const flag of [
      '--lr-schedule',
      '--warmup',
      '--lr-min-factor',
      '--lr-decay',
      '--lr-decay-every',
      '--lr-patience',
      '--weight-decay',
      '--patience',
      '--save-best',
    ]) {
      expect(help.out).toContain(flag);
    }
  });
});
