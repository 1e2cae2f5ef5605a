// Tagging end to end, in-process: charrnn-train --task/--bidirectional, charrnn-eval on the tagging
// checkpoint, and charrnn-tag restoring a stream (however its chunks are cut).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '@charrnn/cli';
import { fakeIo, runOnFakeIo } from '@charrnn/cli/testing';
import { decodeCheckpoint } from '@charrnn/train';
import { readFileSync } from 'node:fs';
import { evalCommand } from './eval-command.js';
import { sampleCommand } from './sample-command.js';
import { tagCommand } from './tag-command.js';
import { trainCommand } from './train-command.js';

const TEXT = 'Gregor Samsa woke one morning from uneasy dreams. He found himself transformed in his bed. '.repeat(12);

async function* chunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('tagging commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'charrnn-tag-'));
  writeFileSync(join(dir, 'data.txt'), TEXT);
  const model = join(dir, 'spaces.safetensors');

  it('charrnn-train --task restore-spaces --bidirectional trains a tagger and logs its metrics', async () => {
    const { code, out } = await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--data',
      join(dir, 'data.txt'),
      '--task',
      'restore-spaces',
      '--bidirectional',
      '--cell',
      'lstm',
      '--hidden',
      '24',
      '--seq-length',
      '16',
      '--batch-size',
      '4',
      '--optimizer',
      'adam',
      '--lr',
      '0.02',
      '--steps',
      '150',
      '--eval-every',
      '150',
      '--kernels',
      'reference',
      '--log',
      join(dir, 'run.csv'),
      '--save',
      model,
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/eval {2}step 150 .*accuracy \d+\.\d+% {2}precision .* F1 /);
    const checkpoint = decodeCheckpoint(readFileSync(model));
    expect(checkpoint.task).toBe('restore-spaces');
    expect(checkpoint.model.bidirectional).toBe(true);
    expect(readFileSync(join(dir, 'run.csv'), 'utf8').split('\n')[0]).toMatch(
      /,val_accuracy,val_precision,val_recall,val_f1,train_bpc$/,
    );
  });

  it('charrnn-eval scores the tagging checkpoint on a text: loss, accuracy, precision, recall, F1', async () => {
    const { code, out } = await runOnFakeIo(evalCommand, 'charrnn-eval', [
      '--checkpoint',
      model,
      '--data',
      join(dir, 'data.txt'),
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(out);
    expect(result.task).toBe('restore-spaces');
    expect(result.count).toBe(TEXT.replaceAll(' ', '').length);
    expect(result.f1).toBeGreaterThan(0.9); // the text it trained on
    expect(result.accuracy).toBeGreaterThan(0.9);
  });

  it('charrnn-tag restores the spaces of a stream, the same output however the input is cut', async () => {
    const input = 'GregorSamsawokeonemorningfromuneasydreams.Hefoundhimselftransformedinhisbed.';
    const outputs: string[] = [];
    for (const size of [1, 7, 1000]) {
      const io = fakeIo(['--checkpoint', model]);
      const code = await runCommand('charrnn-tag', (cio) => tagCommand(cio, chunks(input, size)), io);
      expect(code).toBe(0);
      outputs.push(io.out());
    }
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
    expect(outputs[0]!.replaceAll(' ', '')).toBe(input);
    // Trained on this very text, it restores most of it word for word.
    const words = new Set(outputs[0]!.trim().split(' '));
    expect(
      ['Gregor', 'Samsa', 'woke', 'morning', 'found', 'himself'].filter((w) => words.has(w)).length,
    ).toBeGreaterThan(3);
  });

  it('--init continues a tagger as a tagger (task and directions from the checkpoint); charrnn-sample refuses it', async () => {
    const more = join(dir, 'more.safetensors');
    const { code, err } = await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--init',
      model,
      '--data',
      join(dir, 'data.txt'),
      '--steps',
      '3',
      '--seq-length',
      '16',
      '--kernels',
      'reference',
      '--save',
      more,
    ]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const checkpoint = decodeCheckpoint(readFileSync(more));
    expect(checkpoint.task).toBe('restore-spaces');
    expect(checkpoint.model.bidirectional).toBe(true);
    const sample = await runOnFakeIo(sampleCommand, 'charrnn-sample', ['--checkpoint', model]);
    expect(sample.code).toBe(2);
    expect(sample.err.split('\n')[0]).toBe(
      'charrnn-sample: error: --checkpoint is a restore-spaces tagger: it labels characters, it does not write text',
    );
  });

  it('refuses a bidirectional next-symbol model, and a next-symbol checkpoint for charrnn-tag', async () => {
    const bad = await runOnFakeIo(trainCommand, 'charrnn-train', ['--bidirectional', '--steps', '1']);
    expect(bad.code).toBe(2);
    expect(bad.err.split('\n')[0]).toBe(
      'charrnn-train: error: --bidirectional needs a tagging task, got --task next-symbol (a model reading the window backwards would see the symbol it must predict)',
    );
    const lm = join(dir, 'lm.safetensors');
    const trained = await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--data',
      join(dir, 'data.txt'),
      '--steps',
      '2',
      '--hidden',
      '4',
      '--kernels',
      'reference',
      '--save',
      lm,
    ]);
    expect(trained.code).toBe(0);
    const io = fakeIo(['--checkpoint', lm]);
    const code = await runCommand('charrnn-tag', (cio) => tagCommand(cio, chunks('abc', 2)), io);
    expect(code).toBe(2);
    expect(io.err()).toMatch(/charrnn-tag: error: --checkpoint must be a text-restoring model .* got task next-symbol/);
  });
});
