// charrnn-train, -sample and -eval in hostile surroundings: outputs checked before any work, a
// second run on the same files refused, special files as data, checkpoints with NaN weights, the
// training text remembered by the checkpoint, the log cut back on resume, divergence.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '@charrnn/cli';
import { runOnFakeIo } from '@charrnn/cli/testing';
import { decodeSafetensors, encodeSafetensors } from '@charrnn/safetensors';
import { decodeCheckpoint } from '@charrnn/train';
import { evalCommand } from './eval-command.js';
import { sampleCommand } from './sample-command.js';
import { trainCommand } from './train-command.js';

const TEXT = 'Gregor Samsa woke one morning from uneasy dreams. He found himself transformed in his bed. '.repeat(12);

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'charrnn-hard-'));
  writeFileSync(join(dir, 'data.txt'), TEXT);
  return dir;
}

const run = (command: typeof trainCommand, argv: string[]) => runOnFakeIo(command, 'charrnn-x', argv);

const small = [
  '--hidden',
  '12',
  '--seq-length',
  '10',
  '--eval-every',
  '0',
  '--sample-every',
  '0',
  '--log-every',
  '10',
  '--kernels',
  'reference',
];

describe('outputs are checked before any work', () => {
  it.each([
    [
      'a missing directory',
      (d: string) => join(d, 'nope', 'run.safetensors'),
      /--save file ".*run.safetensors": its directory ".*nope" does not exist/,
    ],
    ['a device', () => '/dev/null', /--save file "\/dev\/null" is a character device/],
    [
      'a FIFO',
      (d: string) => {
        execFileSync('mkfifo', [join(d, 'p')]);
        return join(d, 'p');
      },
      /is a named pipe \(FIFO\)/,
    ],
  ])('--save onto %s fails at the start with one line; the log is not even created', async (_name, target, message) => {
    const dir = workdir();
    const result = await run(trainCommand, [
      '--data',
      join(dir, 'data.txt'),
      ...small,
      '--steps',
      '20',
      '--log',
      join(dir, 'run.csv'),
      '--save',
      target(dir),
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
    expect(result.out).toBe('');
    expect(existsSync(join(dir, 'run.csv'))).toBe(false);
  });

  it('an existing checkpoint is replaced only with --force or by --resume of itself', async () => {
    const dir = workdir();
    const base = ['--data', join(dir, 'data.txt'), ...small, '--save', join(dir, 'run.safetensors')];
    expect((await run(trainCommand, [...base, '--steps', '20'])).code).toBe(0);
    const before = readFileSync(join(dir, 'run.safetensors'));
    const again = await run(trainCommand, [...base, '--steps', '20']);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(
      /--save file ".*run.safetensors" already exists\nhint: add --force to replace it, --resume it/,
    );
    expect(readFileSync(join(dir, 'run.safetensors'))).toEqual(before);
    expect((await run(trainCommand, [...base, '--steps', '20', '--seed', '2', '--force'])).code).toBe(0);
    expect(
      (
        await run(trainCommand, [
          '--resume',
          join(dir, 'run.safetensors'),
          '--save',
          join(dir, 'run.safetensors'),
          '--steps',
          '30',
        ])
      ).code,
    ).toBe(0);
    expect(decodeCheckpoint(readFileSync(join(dir, 'run.safetensors'))).training?.step).toBe(30);
  });

  it("an output never overwrites the run's own input, even with --force", async () => {
    const dir = workdir();
    const data = join(dir, 'data.txt');
    const result = await run(trainCommand, ['--data', data, ...small, '--steps', '5', '--save', data, '--force']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--save ".*data.txt" is the --data file; it would be overwritten/);
    expect(readFileSync(data, 'utf8')).toBe(TEXT);
  });

  it('a second run on the same files is refused with one line naming the holder', async () => {
    const dir = workdir();
    const save = join(dir, 'run.safetensors');
    const lock = acquireLock(save, '--save file', 'charrnn-train');
    try {
      const second = await run(trainCommand, [
        '--data',
        join(dir, 'data.txt'),
        ...small,
        '--steps',
        '20',
        '--save',
        save,
      ]);
      expect(second.code).toBe(2);
      expect(second.err).toMatch(
        new RegExp(`--save file ".*run.safetensors" is in use by charrnn-train \\(pid ${process.pid}, since `),
      );
    } finally {
      lock.release();
    }
    expect(readdirSync(dir).sort()).toEqual(['data.txt']);
  });
});

describe('inputs', () => {
  it('--data /dev/zero or a FIFO is one line, not an endless read', async () => {
    const dir = workdir();
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    for (const data of ['/dev/zero', join(dir, 'fifo')]) {
      const result = await run(trainCommand, ['--data', data, ...small, '--steps', '5']);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(/--data file ".*" is (a character device|a named pipe \(FIFO\)), not a regular file/);
    }
  });

  it('a checkpoint with a NaN weight is refused by eval, sample and --init, naming the tensor', async () => {
    const dir = workdir();
    expect(
      (
        await run(trainCommand, [
          '--data',
          join(dir, 'data.txt'),
          ...small,
          '--steps',
          '10',
          '--save',
          join(dir, 'run.safetensors'),
        ])
      ).code,
    ).toBe(0);
    const { metadata, tensors } = decodeSafetensors(readFileSync(join(dir, 'run.safetensors')));
    (tensors.get('decoder.weight')!.data as Float32Array)[3] = Number.NaN;
    writeFileSync(join(dir, 'nan.safetensors'), encodeSafetensors(tensors, metadata));
    const nan = join(dir, 'nan.safetensors');
    const results = [
      await run(evalCommand, ['--checkpoint', nan, '--data', join(dir, 'data.txt')]),
      await run(sampleCommand, ['--checkpoint', nan, '--length', '10']),
      await run(trainCommand, ['--init', nan, '--data', join(dir, 'data.txt'), '--steps', '1']),
    ];
    for (const r of results) {
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(
        /file ".*nan.safetensors" cannot be used: tensor "decoder.weight" has a non-finite value \(NaN\) at entry 3/,
      );
    }
  });
});

describe('resume', () => {
  it('--resume alone continues on the text it was trained on, cuts the log back to the checkpoint, continues elapsed_s', async () => {
    const dir = workdir();
    const save = join(dir, 'run.safetensors');
    const log = join(dir, 'run.csv');
    expect(
      (
        await run(trainCommand, [
          '--data',
          join(dir, 'data.txt'),
          ...small,
          '--steps',
          '40',
          '--save',
          save,
          '--log',
          log,
        ])
      ).code,
    ).toBe(0);
    // A session killed after logging step 50 and 60 but before saving, with half a row written.
    writeFileSync(log, `${readFileSync(log, 'utf8')}50,500,1,1,,,0.1,1,0,1,9\n60,600,1,1,,,0.1,1,0,1,9\n70,7`);
    const resumed = await run(trainCommand, ['--resume', save, '--save', save, '--log', log, '--steps', '60']);
    expect(resumed.err).toBe('');
    expect(resumed.code).toBe(0);
    const rows = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    expect(rows.map((r) => Number(r[0]))).toEqual([10, 20, 30, 40, 50, 60]);
    const elapsed = rows.map((r) => Number(r[10]));
    for (let i = 1; i < elapsed.length; i++) expect(elapsed[i]!).toBeGreaterThan(elapsed[i - 1]!);
    expect(Number(rows[5]![2])).not.toBe(1); // the killed session's rows were replaced, not kept
  });

  it('a resumed run appends train_bpc only to a log that has the column (a log from before it keeps its 11)', async () => {
    const dir = workdir();
    const save = join(dir, 'run.safetensors');
    const log = join(dir, 'run.csv');
    const first = ['--data', join(dir, 'data.txt'), ...small, '--steps', '20', '--save', save, '--log', log];
    expect((await run(trainCommand, first)).code).toBe(0);
    const withColumn = readFileSync(log, 'utf8').trim().split('\n');
    expect(withColumn[0]!.split(',').at(-1)).toBe('train_bpc');
    // The same log as the version before train_bpc wrote it: its last column dropped.
    const before = withColumn.map((line) => line.split(',').slice(0, -1).join(','));
    writeFileSync(log, `${before.join('\n')}\n`);
    expect((await run(trainCommand, ['--resume', save, '--save', save, '--log', log, '--steps', '40'])).code).toBe(0);
    const old = readFileSync(log, 'utf8').trim().split('\n');
    expect(old.map((line) => line.split(',').length)).toEqual([11, 11, 11, 11, 11]);
    // A log that has it gets it on the resumed rows too.
    writeFileSync(log, `${withColumn.join('\n')}\n`);
    expect((await run(trainCommand, ['--resume', save, '--save', save, '--log', log, '--steps', '60'])).code).toBe(0);
    const rows = readFileSync(log, 'utf8').trim().split('\n');
    // Steps 10 and 20 from the log, then 50 and 60 from the checkpoint of step 40.
    expect(rows.map((line) => Number(line.split(',')[0]))).toEqual([Number.NaN, 10, 20, 50, 60]);
    expect(rows.map((line) => line.split(',').length)).toEqual([12, 12, 12, 12, 12]);
    expect(Number(rows.at(-1)!.split(',')[11])).toBeGreaterThan(0);
  });

  it('refuses in one line, naming --data, when the remembered text changed or moved', async () => {
    const dir = workdir();
    const save = join(dir, 'run.safetensors');
    expect(
      (await run(trainCommand, ['--data', join(dir, 'data.txt'), ...small, '--steps', '10', '--save', save])).code,
    ).toBe(0);
    writeFileSync(join(dir, 'data.txt'), TEXT.replace('Gregor', 'Grete'));
    const changed = await run(trainCommand, ['--resume', save, '--steps', '20']);
    expect(changed.code).toBe(2);
    expect(changed.err).toMatch(
      /the run's training text ".*data.txt" has changed since the checkpoint was written .*\nhint: restore the file, or pass --data FILE/,
    );
    execFileSync('rm', [join(dir, 'data.txt')]);
    const moved = await run(trainCommand, ['--resume', save, '--steps', '20']);
    expect(moved.code).toBe(2);
    expect(moved.err).toMatch(
      /the run's training text ".*data.txt" cannot be read: does not exist\nhint: pass --data FILE/,
    );
    writeFileSync(join(dir, 'elsewhere.txt'), TEXT);
    expect(
      (await run(trainCommand, ['--resume', save, '--steps', '20', '--data', join(dir, 'elsewhere.txt')])).code,
    ).toBe(0);
  });
});

describe('divergence', () => {
  it('a finite but exploding loss (lr 1e9, sgd, no clipping) exits 1, keeps the last good checkpoint, and is not "completed"', async () => {
    const dir = workdir();
    const save = join(dir, 'run.safetensors');
    const result = await run(trainCommand, [
      '--data',
      join(dir, 'data.txt'),
      ...small,
      '--steps',
      '500',
      '--lr',
      '1e9',
      '--optimizer',
      'sgd',
      '--clip-mode',
      'none',
      '--save',
      save,
      '--save-every',
      '1',
      '--diverge-window',
      '20',
    ]);
    expect(result.code).toBe(1);
    expect(result.out).not.toMatch(/completed/);
    expect(result.err).toMatch(
      /^charrnn-x: error: training diverged: loss (stayed above 3 × ln V = [\d.]+ nats for 20 steps|became)/,
    );
    if (existsSync(save)) {
      const kept = decodeCheckpoint(readFileSync(save));
      expect(result.err).toMatch(new RegExp(`the last good checkpoint \\(step ${kept.training!.step}\\)`));
    } else {
      expect(result.err).toMatch(/no checkpoint was written/);
    }
  });
});

describe('non-finite results', () => {
  it('charrnn-eval and charrnn-sample on weights whose logits overflow: a failed run (exit 1, one line), never "loss": null', async () => {
    const dir = workdir();
    const save = join(dir, 'run.safetensors');
    expect(
      (await run(trainCommand, ['--data', join(dir, 'data.txt'), ...small, '--steps', '2', '--save', save])).code,
    ).toBe(0);
    // Finite weights (a checkpoint with NaN or Inf is refused on load) whose products overflow float32.
    const { metadata, tensors } = decodeSafetensors(readFileSync(save));
    const decoder = tensors.get('decoder.weight')!;
    if (decoder.dtype !== 'F32') throw new Error(`expected float32 weights, got ${decoder.dtype}`);
    const huge = Float32Array.from(decoder.data, (w) => (w < 0 ? -3e38 : 3e38));
    tensors.set('decoder.weight', { dtype: 'F32', shape: decoder.shape, data: huge });
    const broken = join(dir, 'huge.safetensors');
    writeFileSync(broken, encodeSafetensors(tensors, metadata));
    const result = await run(evalCommand, [
      '--checkpoint',
      broken,
      '--data',
      join(dir, 'data.txt'),
      '--kernels',
      'reference',
    ]);
    expect(result.out).toBe('');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^charrnn-x: error: the loss is not a finite number \((NaN|Infinity)\)\nhint: /);
    // charrnn-sample on the same weights: nothing to draw from (it printed "yyyy…" before).
    const sample = await run(sampleCommand, ['--checkpoint', broken, '--length', '50', '--kernels', 'reference']);
    expect(sample.code).toBe(1);
    expect(sample.err).toMatch(/^charrnn-x: error: the model's outputs are not finite numbers, .*\nhint: .*\n$/);
  });
});
