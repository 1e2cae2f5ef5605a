// charrnn-eval --held-out scores a run's held-out part without a second file, and --dynamic-tune
// chooses dynamic evaluation's settings on the training text before it, never on the scored text.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOnFakeIo } from '@charrnn/cli/testing';
import { evalCommand } from './eval-command.js';
import { trainCommand } from './train-command.js';

const STORY = 'Gregor Samsa woke one morning from uneasy dreams. He found himself transformed in his bed. '.repeat(8);
// The same training part with two different held-out endings (10% of 800 characters each; B uses
// only characters of A, the text the model was trained on).
const ENDING_A = 'The sister played the violin in the evening while the lodgers sat. ';
const ENDING_B = 'The lodgers sat in the evening and the sister played the violin. ';

describe('charrnn-eval --held-out and --dynamic-tune', () => {
  let dir: string;
  const textA = STORY.slice(0, 720) + ENDING_A.repeat(2).slice(0, 80);
  const textB = STORY.slice(0, 720) + ENDING_B.repeat(2).slice(0, 80);
  const evalArgs = (file: string, extra: string[]) => [
    '--checkpoint',
    join(dir, 'm.safetensors'),
    '--data',
    join(dir, file),
    '--kernels',
    'reference',
    ...extra,
  ];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'charrnn-heldout-'));
    writeFileSync(join(dir, 'a.txt'), textA);
    writeFileSync(join(dir, 'b.txt'), textB);
    writeFileSync(join(dir, 'a-tail.txt'), textA.slice(720));
    const train = await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--data',
      join(dir, 'a.txt'),
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
      '--dtype',
      'f64',
      '--optimizer',
      'adam',
      '--lr',
      '0.01',
      '--save',
      join(dir, 'm.safetensors'),
    ]);
    expect(train.code).toBe(0);
  });

  it('--held-out 0.1 scores exactly the part charrnn-train held out', async () => {
    const part = JSON.parse(
      (await runOnFakeIo(evalCommand, 'charrnn-eval', evalArgs('a.txt', ['--held-out', '0.1']))).out,
    );
    const file = JSON.parse((await runOnFakeIo(evalCommand, 'charrnn-eval', evalArgs('a-tail.txt', []))).out);
    expect(part.count).toBe(79);
    expect(part).toMatchObject({ loss: file.loss, count: file.count, heldOut: 0.1 });
  });

  it('--dynamic-tune tunes on the training tail: the choice does not depend on the held-out text', async () => {
    const tune = [
      '--held-out',
      '0.1',
      '--dynamic',
      '--dynamic-tune',
      '300',
      '--dynamic-tune-lrs',
      '0.01,0.1,1',
      '--dynamic-tune-segments',
      '5,20',
    ];
    const a = JSON.parse((await runOnFakeIo(evalCommand, 'charrnn-eval', evalArgs('a.txt', tune))).out);
    const b = JSON.parse((await runOnFakeIo(evalCommand, 'charrnn-eval', evalArgs('b.txt', tune))).out);
    expect(a.dynamic.tuned.tried).toHaveLength(6);
    expect(b.dynamic.tuned).toEqual(a.dynamic.tuned);
    expect([b.dynamic.lr, b.dynamic.segmentLength]).toEqual([a.dynamic.lr, a.dynamic.segmentLength]);
    const best = Math.min(...a.dynamic.tuned.tried.map((t: { bpc: number }) => t.bpc));
    expect(a.dynamic.tuned.tried.find((t: { bpc: number }) => t.bpc === best)).toMatchObject({
      lr: a.dynamic.lr,
      segmentLength: a.dynamic.segmentLength,
    });
    // The held-out score is the plain --dynamic score with the chosen settings.
    const plain = JSON.parse(
      (
        await runOnFakeIo(
          evalCommand,
          'charrnn-eval',
          evalArgs('a.txt', [
            '--held-out',
            '0.1',
            '--dynamic',
            '--dynamic-lr',
            String(a.dynamic.lr),
            '--dynamic-segment',
            String(a.dynamic.segmentLength),
          ]),
        )
      ).out,
    );
    expect(a.loss).toBe(plain.loss);
    expect(a.count).toBe(79);
  });

  it('refuses --dynamic-tune without --held-out, and a malformed grid', async () => {
    const missing = await runOnFakeIo(
      evalCommand,
      'charrnn-eval',
      evalArgs('a.txt', ['--dynamic', '--dynamic-tune', '100']),
    );
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^charrnn-eval: error: --dynamic-tune needs --dynamic and --held-out F\nhint: /);
    const bad = await runOnFakeIo(
      evalCommand,
      'charrnn-eval',
      evalArgs('a.txt', [
        '--held-out',
        '0.1',
        '--dynamic',
        '--dynamic-tune',
        '100',
        '--dynamic-tune-segments',
        '5,2.5',
      ]),
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(
      '--dynamic-tune-segments must be a comma-separated list of positive integers, got "5,2.5"',
    );
  });
});
