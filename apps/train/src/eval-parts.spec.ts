// charrnn-eval --held-out scores a run's held-out part without a second file; --dynamic-tune chooses
// dynamic evaluation's settings, and --dynamic-rule rms gathers its gradient statistics, on the
// training text before it, never on the scored text.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseKernels, readCheckpoint } from '@charrnn/cli';
import { runOnFakeIo } from '@charrnn/cli/testing';
import { dynamicEvaluate, gradientStatistics, modelFromCheckpoint } from '@charrnn/train';
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
      '--dynamic-rule',
      'sgd',
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
            '--dynamic-rule',
            'sgd',
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

  it('--dynamic-rule rms: statistics and tuning come from the training part, never from the scored text', async () => {
    // --dynamic-stats-chars larger than the whole text: the statistics take the whole training part and no more.
    const rms = [
      '--held-out',
      '0.1',
      '--dynamic',
      '--dynamic-rule',
      'rms',
      '--dynamic-stats-chars',
      '100000',
      '--dynamic-tune',
      '100000',
      '--dynamic-tune-lrs',
      '0.0003,0.003',
      '--dynamic-tune-segments',
      '5,20',
      '--dynamic-tune-decays',
      '0,0.01',
    ];
    const a = JSON.parse((await runOnFakeIo(evalCommand, 'charrnn-eval', evalArgs('a.txt', rms))).out);
    const b = JSON.parse((await runOnFakeIo(evalCommand, 'charrnn-eval', evalArgs('b.txt', rms))).out);
    expect(a.dynamic.tuned.tried).toHaveLength(8);
    expect(a.dynamic.rule).toBe('rms');
    // Had either read the held-out part, the tuning scores of A and B would differ (their statistics too).
    expect(b.dynamic.tuned).toEqual(a.dynamic.tuned);
    expect(b.dynamic.statistics).toEqual(a.dynamic.statistics);
    // 720 training characters: 719 predictions, in whole segments of the chosen length.
    expect(a.dynamic.statistics).toEqual({ chars: 100000, segments: Math.floor(719 / a.dynamic.segmentLength) });
    expect(b.loss).not.toBe(a.loss);

    // The held-out score, rebuilt from the library: statistics of the training part, then the scored part.
    const checkpoint = readCheckpoint(join(dir, 'm.safetensors'), '--checkpoint');
    const kernels = chooseKernels('reference', () => {});
    const ids = checkpoint.vocab.encode(textA);
    const statistics = gradientStatistics(
      modelFromCheckpoint(checkpoint, kernels),
      [ids.subarray(0, 720)],
      a.dynamic.segmentLength,
    );
    const expected = dynamicEvaluate(modelFromCheckpoint(checkpoint, kernels), ids.subarray(720), {
      rule: 'rms',
      lr: a.dynamic.lr,
      decay: a.dynamic.decay,
      segmentLength: a.dynamic.segmentLength,
      epsilon: a.dynamic.epsilon,
      statistics,
    });
    expect(a.loss).toBe(expected.loss);
  });

  it('--dynamic-rule auto is rms with --held-out (the JSON says which), sgd without', async () => {
    const held = JSON.parse(
      (await runOnFakeIo(evalCommand, 'charrnn-eval', evalArgs('a.txt', ['--held-out', '0.1', '--dynamic']))).out,
    );
    expect(held.dynamic).toMatchObject({ rule: 'rms', lr: 0.0003, decay: 0.001, epsilon: 0.00001, segmentLength: 20 });
    const whole = JSON.parse((await runOnFakeIo(evalCommand, 'charrnn-eval', evalArgs('a.txt', ['--dynamic']))).out);
    expect(whole.dynamic).toEqual({ lr: 0.02, segmentLength: 20, decay: 0, rule: 'sgd' });
  });

  it('refuses bad rms values and an rms run without training text, exit 2', async () => {
    const refused = async (extra: string[], message: string | RegExp): Promise<void> => {
      const run = await runOnFakeIo(evalCommand, 'charrnn-eval', evalArgs('a.txt', extra));
      expect(run.code).toBe(2);
      expect(run.out).toBe('');
      expect(run.err).toMatch(message);
    };
    const held = ['--held-out', '0.1', '--dynamic'];
    await refused(
      [...held, '--dynamic-decay', '-0.1'],
      /^charrnn-eval: error: --dynamic-decay must be .*, got "-0\.1"/,
    );
    await refused([...held, '--dynamic-decay', '1.5'], /^charrnn-eval: error: --dynamic-decay must be .*, got "1\.5"/);
    await refused([...held, '--dynamic-epsilon', '-1'], /^charrnn-eval: error: --dynamic-epsilon must be .*, got "-1"/);
    await refused([...held, '--dynamic-lr', '-1'], /^charrnn-eval: error: --dynamic-lr must be .*, got "-1"/);
    await refused([...held, '--dynamic-stats-chars', '0'], /^charrnn-eval: error: --dynamic-stats-chars must be /);
    await refused([...held, '--dynamic-rule', 'adam'], /^charrnn-eval: error: --dynamic-rule must be /);
    await refused(
      [...held, '--dynamic-tune', '100', '--dynamic-tune-decays', '0,2'],
      'charrnn-eval: error: --dynamic-tune-decays must be a comma-separated list of numbers in [0, 1], got "0,2"\n',
    );
    await refused(
      ['--dynamic', '--dynamic-rule', 'rms'],
      /^charrnn-eval: error: --dynamic-rule rms needs a training part for its gradient statistics, got no --held-out\nhint: .*--held-out 0\.1.*--dynamic-rule sgd\n$/,
    );
    await refused(
      [...held, '--dynamic-segment', '1000'],
      /^charrnn-eval: error: --dynamic-rule rms: the training part has no segment of 1000 characters to gather statistics on \(its longest document: 720\)\nhint: /,
    );
  });
});
