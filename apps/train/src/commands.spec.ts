// The three commands end to end, run in-process on small files: what a user sees, what lands on
// disk, and the exit code, including every kind of bad input named in the issue.

import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { runCommand } from '@charrnn/cli';
import { fakeIo, runOnFakeIo } from '@charrnn/cli/testing';
import { encodeSafetensors } from '@charrnn/safetensors';
import { decodeCheckpoint } from '@charrnn/train';
import { evalCommand } from './eval-command.js';
import { sampleCommand } from './sample-command.js';
import { trainCommand } from './train-command.js';

const TEXT = 'Gregor Samsa woke one morning from uneasy dreams. He found himself transformed in his bed. '.repeat(12);

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'charrnn-app-'));
  writeFileSync(join(dir, 'data.txt'), TEXT);
  return dir;
}

const small = [
  '--hidden',
  '16',
  '--seq-length',
  '10',
  '--eval-every',
  '50',
  '--sample-every',
  '0',
  '--log-every',
  '10',
  '--kernels',
  'reference',
];

describe('charrnn-train, charrnn-sample, charrnn-eval', () => {
  it('trains, logs CSV, saves a checkpoint that sample and eval use', async () => {
    const dir = workdir();
    const args = [
      '--data',
      join(dir, 'data.txt'),
      ...small,
      '--steps',
      '100',
      '--log',
      join(dir, 'run.csv'),
      '--save',
      join(dir, 'run.safetensors'),
    ];
    const train = await runOnFakeIo(trainCommand, 'charrnn-train', args);
    expect(train.err).toBe('');
    expect(train.code).toBe(0);
    expect(train.out).toMatch(/done \(completed\)/);

    const rows = parse(readFileSync(join(dir, 'run.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([
      'step',
      'chars',
      'loss',
      'smooth_loss',
      'val_loss',
      'val_bpc',
      'lr',
      'grad_norm',
      'clipped_frac',
      'chars_per_s',
      'elapsed_s',
      'train_bpc',
    ]);
    expect(rows.map((r) => Number(r.step))).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(Number(rows[4]!.val_bpc)).toBeGreaterThan(0);
    expect(rows[0]!.val_loss).toBe('');
    expect(Number(rows[9]!.loss)).toBeLessThan(Number(rows[0]!.loss));

    const sample = await runOnFakeIo(sampleCommand, 'charrnn-sample', [
      '--checkpoint',
      join(dir, 'run.safetensors'),
      '--prime',
      'Gregor',
      '--length',
      '40',
      '--seed',
      '7',
    ]);
    expect(sample.code).toBe(0);
    expect(sample.out.startsWith('Gregor')).toBe(true);
    expect(sample.out.length).toBe('Gregor'.length + 40 + 1);
    const again = await runOnFakeIo(sampleCommand, 'charrnn-sample', [
      '--checkpoint',
      join(dir, 'run.safetensors'),
      '--prime',
      'Gregor',
      '--length',
      '40',
      '--seed',
      '7',
    ]);
    expect(again.out).toBe(sample.out);

    const evaluation = await runOnFakeIo(evalCommand, 'charrnn-eval', [
      '--checkpoint',
      join(dir, 'run.safetensors'),
      '--data',
      join(dir, 'data.txt'),
    ]);
    expect(evaluation.code).toBe(0);
    const result = JSON.parse(evaluation.out);
    expect(result.count).toBe(TEXT.length - 1);
    expect(result.bpc).toBeGreaterThan(0);

    // A closed form: with the decoder zeroed, every prediction is uniform over the V characters, so
    // whatever the recurrent weights the loss is ln V nats and the bpc log2 V bits per character.
    const trained = decodeCheckpoint(readFileSync(join(dir, 'run.safetensors')));
    const V = trained.tensors.get('decoder.bias')!.shape[0]!;
    const uniform = new Map(
      [...trained.tensors]
        .filter(([name]) => name.startsWith('rnn.') || name.startsWith('decoder.'))
        .map(([name, t]) => [
          name,
          name.startsWith('decoder.')
            ? { dtype: 'F32' as const, shape: t.shape, data: new Float32Array(t.data.length) }
            : t,
        ]),
    );
    writeFileSync(
      join(dir, 'uniform.safetensors'),
      encodeSafetensors(uniform, { vocab: trained.metadata['vocab']!, cell: 'rnn' }),
    );
    const flat = await runOnFakeIo(evalCommand, 'charrnn-eval', [
      '--checkpoint',
      join(dir, 'uniform.safetensors'),
      '--data',
      join(dir, 'data.txt'),
    ]);
    const closed = JSON.parse(flat.out);
    expect(Math.abs(closed.loss - Math.log(V))).toBeLessThanOrEqual(1e-5 * Math.log(V));
    expect(Math.abs(closed.bpc - Math.log2(V))).toBeLessThanOrEqual(1e-5 * Math.log2(V));
  });

  it('resumes exactly: 40 + 30 steps give the weights of 70 steps in one run, and the log is appended', async () => {
    const dir = workdir();
    const base = ['--data', join(dir, 'data.txt'), ...small, '--dtype', 'f64', '--save-every', '20'];
    await runOnFakeIo(trainCommand, 'charrnn-train', [
      ...base,
      '--steps',
      '70',
      '--save',
      join(dir, 'straight.safetensors'),
    ]);
    await runOnFakeIo(trainCommand, 'charrnn-train', [
      ...base,
      '--steps',
      '40',
      '--save',
      join(dir, 'part.safetensors'),
      '--log',
      join(dir, 'part.csv'),
    ]);
    const resumed = await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--resume',
      join(dir, 'part.safetensors'),
      '--data',
      join(dir, 'data.txt'),
      '--steps',
      '70',
      '--save',
      join(dir, 'part.safetensors'),
      '--log',
      join(dir, 'part.csv'),
      '--kernels',
      'reference',
    ]);
    expect(resumed.err).toBe('');
    const a = decodeCheckpoint(readFileSync(join(dir, 'straight.safetensors')));
    const b = decodeCheckpoint(readFileSync(join(dir, 'part.safetensors')));
    for (const name of ['rnn.weight_hh_l0', 'decoder.weight', 'optim.rnn.weight_hh_l0.mem']) {
      expect(Array.from(b.tensors.get(name)!.data as Float64Array), name).toEqual(
        Array.from(a.tensors.get(name)!.data as Float64Array),
      );
    }
    const rows = parse(readFileSync(join(dir, 'part.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => Number(r.step))).toEqual([10, 20, 30, 40, 50, 60, 70]);
  });

  it('--threads 2 trains to the same weights as one thread, and a resumed run may change it', async () => {
    const dir = workdir();
    // Large enough that the weight-gradient gemms (128×128×128) are split between the threads.
    const base = [
      '--data',
      join(dir, 'data.txt'),
      '--hidden',
      '128',
      '--batch-size',
      '8',
      '--seq-length',
      '16',
      '--dtype',
      'f64',
      '--eval-every',
      '0',
      '--sample-every',
      '0',
      '--log-every',
      '10',
      '--kernels',
      'wasm',
    ];
    const straight = await runOnFakeIo(trainCommand, 'charrnn-train', [
      ...base,
      '--steps',
      '60',
      '--save',
      join(dir, 'one.safetensors'),
    ]);
    expect(straight.err).toBe('');
    const part = await runOnFakeIo(trainCommand, 'charrnn-train', [
      ...base,
      '--steps',
      '40',
      '--threads',
      '2',
      '--save',
      join(dir, 'two.safetensors'),
    ]);
    expect(part.err).toBe('');
    const resumed = await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--resume',
      join(dir, 'two.safetensors'),
      '--data',
      join(dir, 'data.txt'),
      '--steps',
      '60',
      '--threads',
      '1',
      '--save',
      join(dir, 'two.safetensors'),
      '--kernels',
      'wasm',
    ]);
    expect(resumed.err).toBe('');
    expect(resumed.code).toBe(0);
    const a = decodeCheckpoint(readFileSync(join(dir, 'one.safetensors')));
    const b = decodeCheckpoint(readFileSync(join(dir, 'two.safetensors')));
    for (const name of ['rnn.weight_hh_l0', 'decoder.weight', 'optim.rnn.weight_hh_l0.mem']) {
      expect(Array.from(b.tensors.get(name)!.data as Float64Array), name).toEqual(
        Array.from(a.tensors.get(name)!.data as Float64Array),
      );
    }
  });

  it('Ctrl-C saves a final checkpoint and exits 130', async () => {
    const dir = workdir();
    const io = fakeIo([
      '--data',
      join(dir, 'data.txt'),
      ...small,
      '--steps',
      '100000',
      '--save',
      join(dir, 'c.safetensors'),
    ]);
    const stdout = io.stdout.write;
    let steps = 0;
    io.stdout.write = (t: string) => {
      if (t.startsWith('step ') && ++steps === 2) io.interrupt();
      return stdout(t);
    };
    const code = await runCommand('charrnn-train', trainCommand, io);
    expect(code).toBe(130);
    expect(decodeCheckpoint(readFileSync(join(dir, 'c.safetensors'))).training?.step).toBeGreaterThanOrEqual(20);
  });

  it('a NaN loss stops the run with exit 1, naming the step and keeping the last good checkpoint', async () => {
    const dir = workdir();
    // A learning rate near float32's limit, unclipped: the weights overflow within a few steps.
    const args = [
      '--data',
      join(dir, 'data.txt'),
      ...small,
      '--steps',
      '1000',
      '--lr',
      '1e37',
      '--clip-mode',
      'none',
      '--optimizer',
      'sgd',
      '--save',
      join(dir, 'n.safetensors'),
      '--save-every',
      '1',
    ];
    const diverged = await runOnFakeIo(trainCommand, 'charrnn-train', args);
    expect(diverged.code).toBe(1);
    const match =
      /^charrnn-train: error: training diverged: loss became (NaN|Infinity) at step (\d+); the last good checkpoint \(step (\d+)\) is in /.exec(
        diverged.err,
      );
    expect(match, diverged.err).not.toBeNull();
    const kept = decodeCheckpoint(readFileSync(join(dir, 'n.safetensors')));
    // Checkpoints wait while the loss is above the divergence line, so the kept one is the last step below it.
    expect(kept.training?.step).toBe(Number(match![3]));
    expect(kept.training!.step).toBeLessThan(Number(match![2]));
    for (const p of kept.tensors.values()) expect((p.data as Float32Array).every(Number.isFinite)).toBe(true);
  });
});

/** Writes a data file into dir and returns the flags that point --data at it. */
function dataFile(dir: string, name: string, content: string | Buffer): string[] {
  writeFileSync(join(dir, name), content);
  return ['--data', join(dir, name)];
}

describe('bad input: one line, exit 2, nothing lost', () => {
  const cases: [string, (dir: string) => string[], RegExp][] = [
    ['missing data file', (d) => ['--data', join(d, 'nope.txt')], /--data file ".*nope.txt" does not exist/],
    ['empty data file', (d) => dataFile(d, 'e.txt', ''), /is empty/],
    ['text shorter than a window', (d) => dataFile(d, 's.txt', 'abc'), /at least 26 characters/],
    ['invalid UTF-8', (d) => dataFile(d, 'b.txt', Buffer.from([0x61, 0x62, 0xc3, 0x28])), /not valid UTF-8: .*byte 3/],
    ['--hidden 0', () => ['--hidden', '0'], /--hidden must be an integer in \[1, 8192\], got "0"/],
    ['--threads 3', () => ['--threads', '3'], /--threads must be an integer in \[1, 2\], got "3"/],
    ['--lr -1', () => ['--lr', '-1'], /--lr must be a positive number, got "-1"/],
    ['--lr abc', () => ['--lr', 'abc'], /--lr must be a positive number, got "abc"/],
    [
      'unknown optimizer',
      () => ['--optimizer', 'lion'],
      /--optimizer must be one of adagrad, sgd, momentum, rmsprop, adam/,
    ],
    ['unknown flag', () => ['--hiden', '3'], /unknown flag --hiden; did you mean --hidden\?/],
    ['--init and --resume', () => ['--init', 'a', '--resume', 'b'], /--init and --resume cannot be used together/],
  ];
  for (const [name, argv, message] of cases) {
    it(name, async () => {
      const dir = workdir();
      const result = await runOnFakeIo(trainCommand, 'charrnn-train', [
        ...argv(dir),
        '--steps',
        '1',
        '--kernels',
        'reference',
      ]);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(message);
      expect(result.err.split('\n')[0]).toMatch(/^charrnn-train: error: /);
    });
  }

  it('refuses to overwrite an existing log without --force', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'old.csv'), 'precious\n');
    const result = await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--data',
      join(dir, 'data.txt'),
      ...small,
      '--steps',
      '1',
      '--log',
      join(dir, 'old.csv'),
    ]);
    expect(result.code).toBe(2);
    expect(readFileSync(join(dir, 'old.csv'), 'utf8')).toBe('precious\n');
  });

  it('refuses truncated, foreign and mis-shaped checkpoints before using them', async () => {
    const dir = workdir();
    await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--data',
      join(dir, 'data.txt'),
      ...small,
      '--steps',
      '2',
      '--save',
      join(dir, 'ok.safetensors'),
    ]);
    const bytes = readFileSync(join(dir, 'ok.safetensors'));
    writeFileSync(join(dir, 'cut.safetensors'), bytes.subarray(0, bytes.length - 10));
    writeFileSync(join(dir, 'text.safetensors'), 'this is not a checkpoint at all');
    const ok = decodeCheckpoint(bytes);
    const tensors = new Map(ok.tensors);
    tensors.set('rnn.weight_hh_l0', { dtype: 'F32', shape: [3, 3], data: new Float32Array(9) });
    writeFileSync(join(dir, 'shape.safetensors'), encodeSafetensors(tensors, ok.metadata));
    tensors.set('rnn.weight_hh_l0', ok.tensors.get('rnn.weight_hh_l0')!);
    tensors.delete('decoder.bias');
    writeFileSync(join(dir, 'missing.safetensors'), encodeSafetensors(tensors, ok.metadata));
    const hostile = new Uint8Array(16);
    new DataView(hostile.buffer).setBigUint64(0, 200_000_000n, true);
    writeFileSync(join(dir, 'hostile.safetensors'), hostile);
    for (const [file, message] of [
      ['cut', /cannot be used: not a valid safetensors file/],
      ['text', /cannot be used: not a valid safetensors file/],
      ['shape', /tensor "rnn.weight_hh_l0" must have shape \[16,16\]/],
      ['missing', /must have tensor "decoder.bias"/],
      ['hostile', /header length/],
    ] as const) {
      const result = await runOnFakeIo(sampleCommand, 'charrnn-sample', [
        '--checkpoint',
        join(dir, `${file}.safetensors`),
      ]);
      expect(result.code, file).toBe(2);
      expect(result.err, file).toMatch(message);
    }
  });

  it('names characters outside the vocabulary, in a prime and in eval data', async () => {
    const dir = workdir();
    await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--data',
      join(dir, 'data.txt'),
      ...small,
      '--steps',
      '1',
      '--save',
      join(dir, 'v.safetensors'),
    ]);
    const prime = await runOnFakeIo(sampleCommand, 'charrnn-sample', [
      '--checkpoint',
      join(dir, 'v.safetensors'),
      '--prime',
      'Grégor 😀',
    ]);
    expect(prime.code).toBe(2);
    expect(prime.err).toMatch(/"é" \(U\+00E9\), "😀" \(U\+1F600\)/);
    writeFileSync(join(dir, 'other.txt'), 'Zürich');
    const evaluation = await runOnFakeIo(evalCommand, 'charrnn-eval', [
      '--checkpoint',
      join(dir, 'v.safetensors'),
      '--data',
      join(dir, 'other.txt'),
    ]);
    expect(evaluation.code).toBe(2);
    expect(evaluation.err).toMatch(
      /^charrnn-eval: error: --data has 3 character\(s\) outside the model's vocabulary: "Z" \(U\+005A\), "ü" \(U\+00FC\), "c" \(U\+0063\)\nhint: add --unknown skip/,
    );

    // --unknown skip / map:C: scored without them, or with a stand-in, and counted.
    const score = async (...extra: string[]) => {
      const args = ['--checkpoint', join(dir, 'v.safetensors'), '--data', join(dir, 'other.txt'), ...extra];
      const result = await runOnFakeIo(evalCommand, 'charrnn-eval', args);
      expect(result.err).toBe('');
      expect(result.code).toBe(0);
      return JSON.parse(result.out) as { count: number; unknown: { handling: string; count: number } };
    };
    // "Zürich": Z, ü and c unknown. Skipped: "rih" (2 predictions); mapped to "e": "eerieh" (5).
    expect(await score('--unknown', 'skip')).toMatchObject({ count: 2, unknown: { handling: 'skip', count: 3 } });
    expect(await score('--unknown', 'map:e')).toMatchObject({ count: 5, unknown: { handling: 'map:e', count: 3 } });
    const badMap = await runOnFakeIo(evalCommand, 'charrnn-eval', [
      '--checkpoint',
      join(dir, 'v.safetensors'),
      '--data',
      join(dir, 'other.txt'),
      '--unknown',
      'map:ü',
    ]);
    expect(badMap.code).toBe(2);
    expect(badMap.err).toMatch(/--unknown map:ü maps to "ü" \(U\+00FC\), which is outside the model's vocabulary too/);

    const primeWith = (unknown: string) =>
      runOnFakeIo(sampleCommand, 'charrnn-sample', [
        '--checkpoint',
        join(dir, 'v.safetensors'),
        '--prime',
        'Grégor 😀',
        '--unknown',
        unknown,
        '--length',
        '5',
      ]);
    const skipped = await primeWith('skip');
    expect(skipped.code).toBe(0);
    expect(skipped.out.startsWith('Grgor ')).toBe(true);
    expect(skipped.err).toBe("notice: --prime: skipped 2 characters outside the model's vocabulary\n");
    const mapped = await primeWith('map:e');
    expect(mapped.out.startsWith('Gregor e')).toBe(true);
    expect(mapped.err).toBe(
      'notice: --prime: replaced 2 characters outside the model\'s vocabulary with "e" (U+0065)\n',
    );
    expect(readdirSync(dir).some((f) => f.includes('.tmp'))).toBe(false);
    expect(existsSync(join(dir, 'v.safetensors'))).toBe(true);
  });

  it('loads a checkpoint that holds only the PyTorch tensors, vocab and cell (written by another tool)', async () => {
    const dir = workdir();
    await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--data',
      join(dir, 'data.txt'),
      ...small,
      '--steps',
      '3',
      '--save',
      join(dir, 'full.safetensors'),
    ]);
    const full = decodeCheckpoint(readFileSync(join(dir, 'full.safetensors')));
    const bare = new Map([...full.tensors].filter(([name]) => name.startsWith('rnn.') || name.startsWith('decoder.')));
    writeFileSync(
      join(dir, 'bare.safetensors'),
      encodeSafetensors(bare, { vocab: full.metadata['vocab']!, cell: 'rnn' }),
    );
    const sample = await runOnFakeIo(sampleCommand, 'charrnn-sample', [
      '--checkpoint',
      join(dir, 'bare.safetensors'),
      '--prime',
      'G',
      '--length',
      '5',
    ]);
    expect(sample.code).toBe(0);
    const init = await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--init',
      join(dir, 'bare.safetensors'),
      '--data',
      join(dir, 'data.txt'),
      ...small,
      '--steps',
      '2',
    ]);
    expect(init.code).toBe(0);
    const resume = await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--resume',
      join(dir, 'bare.safetensors'),
      '--data',
      join(dir, 'data.txt'),
    ]);
    expect(resume.code).toBe(2);
    expect(resume.err).toMatch(/holds weights only/);
  });
});

describe('--init against the seed', () => {
  it('one f64 step from given weights is number for number the numpy seed loop (window data[0..5) → data[1..6))', async () => {
    const fx = JSON.parse(
      readFileSync(new URL('../../../packages/model/src/fixtures/rnn-seed-training.json', import.meta.url), 'utf8'),
    );
    const dir = workdir();
    const tensors = new Map(
      Object.entries(fx.params as Record<string, { shape: number[]; data: number[] }>).map(([name, t]) => [
        name,
        { dtype: 'F64' as const, shape: t.shape, data: Float64Array.from(t.data) },
      ]),
    );
    writeFileSync(
      join(dir, 'seed.safetensors'),
      encodeSafetensors(tensors, { vocab: JSON.stringify(fx.vocab), cell: 'rnn' }),
    );
    writeFileSync(join(dir, 'seed.txt'), fx.text);
    const result = await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--init',
      join(dir, 'seed.safetensors'),
      '--data',
      join(dir, 'seed.txt'),
      '--steps',
      '1',
      '--val-fraction',
      '0',
      '--dtype',
      'f64',
      '--seq-length',
      String(fx.seq_length),
      '--log',
      join(dir, 'seed.csv'),
      '--log-every',
      '1',
      '--sample-every',
      '0',
      '--kernels',
      'reference',
      '--save',
      join(dir, 'after.safetensors'),
    ]);
    expect(result.err).toBe('');
    const row = (parse(readFileSync(join(dir, 'seed.csv'), 'utf8'), { columns: true }) as Record<string, string>[])[0]!;
    const expected = fx.losses[0] as number;
    expect(Math.abs(Number(row.loss) * fx.seq_length - expected)).toBeLessThanOrEqual(1e-12 + 1e-10 * expected);
    const conflict = await runOnFakeIo(trainCommand, 'charrnn-train', [
      '--init',
      join(dir, 'seed.safetensors'),
      '--data',
      join(dir, 'seed.txt'),
      '--hidden',
      '7',
      '--val-fraction',
      '0',
    ]);
    expect(conflict.code).toBe(2);
    expect(conflict.err).toMatch(/--hidden 7 conflicts with the --init checkpoint's 6/);
  });
});
