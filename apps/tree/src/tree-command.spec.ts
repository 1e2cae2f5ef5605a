// charrnn-tree end to end, in process: train → save → eval, resume bit for bit (weights, optimizer,
// counters and the log), Ctrl-C, the generated files, and one-line usage errors with exit 2.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runCommand } from '@charrnn/cli';
import { fakeIo, type FakeIo } from '@charrnn/cli/testing';
import { decodeTreeCheckpoint } from '@charrnn/train';
import { treeCommand } from './tree-command.js';

const SMALL = [
  '--hidden',
  '6',
  '--batch-size',
  '4',
  '--train-trees',
  '300',
  '--held-out-trees',
  '20',
  '--deep-trees',
  '10',
];

async function run(argv: string[], before?: (io: FakeIo) => void): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo(argv);
  before?.(io);
  const code = await runCommand('charrnn-tree', treeCommand, io);
  return { code, out: io.out(), err: io.err() };
}

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'charrnn-tree-'));
}

/** A checkpoint without what depends on the clock (elapsed seconds). */
function comparable(path: string): unknown {
  const cp = decodeTreeCheckpoint(readFileSync(path));
  const { elapsedSec: _, ...training } = cp.training!;
  return {
    config: cp.config,
    training,
    tensors: [...cp.tensors].map(([k, t]) => [k, t.shape, Array.from(t.data as Float32Array)]),
  };
}

/** The log without its timing columns. */
function logRows(path: string): Record<string, string>[] {
  return (parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[]).map(
    ({ trees_per_s: _a, elapsed_s: _b, ...row }) => row,
  );
}

describe('charrnn-tree train', () => {
  it('trains, saves, and eval reads the checkpoint back with the same held-out accuracy', async () => {
    const d = dir();
    const save = join(d, 'm.safetensors');
    const trained = await run([
      'train',
      ...SMALL,
      '--steps',
      '30',
      '--eval-every',
      '10',
      '--save',
      save,
      '--log',
      join(d, 'log.csv'),
    ]);
    expect(trained.err).toBe('');
    expect(trained.code).toBe(0);
    expect(trained.out).toMatch(
      /^tree-lstm H=6 f32, \d+ parameters, kernels [\w+-]+; arithmetic task \(1–4 operators, value mod 10\): 300 training trees, 20 held-out\n/,
    );
    expect(trained.out).toMatch(/held-out trees \(none seen in training\): accuracy 0\.\d{4} \(\d+ of 20\)/);
    expect(trained.out).toMatch(/deeper trees \(5–8 operators, larger than any in training\): accuracy/);
    const log = logRows(join(d, 'log.csv'));
    expect(log.map((r) => r['step'])).toEqual(['10', '20', '30']);
    expect(Object.keys(log[0]!)).toEqual([
      'step',
      'trees',
      'loss',
      'smooth_loss',
      'val_loss',
      'val_acc',
      'lr',
      'grad_norm',
      'clipped_frac',
    ]);

    // eval on a generated file: its count and format, and --predict keeps the trees in order
    const trees = join(d, 'trees.txt');
    const generated = await run(['generate', '--count', '40', '--seed', '9']);
    writeFileSync(trees, generated.out);
    const evaluated = await run(['eval', '--checkpoint', save, '--data', trees]);
    expect(evaluated.code).toBe(0);
    expect(evaluated.out).toMatch(
      new RegExp(
        `^tree-lstm H=6 on ${trees.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: accuracy 0\\.\\d{4} \\(\\d+ of 40\\), loss \\d+\\.\\d{4} nats/tree\\n$`,
      ),
    );
    const predicted = await run(['eval', '--checkpoint', save, '--data', trees, '--predict']);
    const lines = predicted.out.trimEnd().split('\n');
    expect(lines).toHaveLength(40);
    expect(lines.map((l) => l.split('\t')[1])).toEqual(
      generated.out
        .trimEnd()
        .split('\n')
        .map((l) => l.split('\t')[1]),
    );
    for (const l of lines) expect(l).toMatch(/^[0-9]\t/);
  });

  it('resumes bit for bit: 12 steps, then --resume to 30, equals 30 straight (checkpoint and log)', async () => {
    const d = dir();
    const straight = join(d, 'straight.safetensors');
    const args = [
      'train',
      ...SMALL,
      '--cell',
      'tree-rnn',
      '--eval-every',
      '6',
      '--log-every',
      '3',
      '--save-every',
      '0',
    ];
    expect((await run([...args, '--steps', '30', '--save', straight, '--log', join(d, 'straight.csv')])).code).toBe(0);
    const part = join(d, 'part.safetensors');
    expect((await run([...args, '--steps', '12', '--save', part, '--log', join(d, 'part.csv')])).code).toBe(0);
    const resumed = await run([
      'train',
      '--resume',
      part,
      '--steps',
      '30',
      '--save',
      part,
      '--log',
      join(d, 'part.csv'),
    ]);
    expect(resumed.err).toBe('');
    expect(resumed.out).toContain('resuming at step 12');
    expect(comparable(part)).toEqual(comparable(straight));
    expect(logRows(join(d, 'part.csv'))).toEqual(logRows(join(d, 'straight.csv')));
  });

  it('stops on Ctrl-C with the checkpoint saved (exit 130), and the run resumes from it', async () => {
    const d = dir();
    const save = join(d, 'm.safetensors');
    const stopped = await run(['train', ...SMALL, '--steps', '1000', '--save', save], (io) => {
      let calls = 0;
      const clock = io.clock;
      // Ctrl-C arrives once the run is under way
      (io as { clock: () => number }).clock = () => {
        if (++calls === 40) io.interrupt();
        return clock();
      };
    });
    expect(stopped.code).toBe(130);
    expect(stopped.out).toMatch(/interrupted at step \d+; saved to .* \(--resume it to continue\)/);
    const step = decodeTreeCheckpoint(readFileSync(save)).training!.step;
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(1000);
    const resumed = await run(['train', '--resume', save, '--steps', String(step + 5), '--save', save]);
    expect(resumed.code).toBe(0);
    expect(decodeTreeCheckpoint(readFileSync(save)).training!.step).toBe(step + 5);
  });

  it('runs on the kernels --kernels names', async () => {
    const r = await run(['train', ...SMALL, '--steps', '1', '--kernels', 'reference']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^tree-lstm H=6 f32, \d+ parameters, kernels reference;/);
  });

  it('trains on tree files (--data, --val) with their own tables', async () => {
    const d = dir();
    writeFileSync(join(d, 'train.txt'), 'T\t(and T T)\nF\t(and T F)\nT\t(or F T)\nF\t(or F F)\n');
    writeFileSync(join(d, 'val.txt'), 'F\t(and F T)\n');
    const r = await run([
      'train',
      '--data',
      join(d, 'train.txt'),
      '--val',
      join(d, 'val.txt'),
      '--hidden',
      '4',
      '--steps',
      '5',
      '--batch-size',
      '2',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('trees from --data: 4 training trees, 1 held-out');
    expect(r.out).toMatch(/held-out trees \(--val\): accuracy [01]\.\d{4} \([01] of 1\)/);
  });

  it('resumes a run on tree files with its files given again, and refuses it without them', async () => {
    const d = dir();
    writeFileSync(join(d, 'train.txt'), 'T\t(and T T)\nF\t(and T F)\nT\t(or F T)\nF\t(or F F)\n');
    const save = join(d, 'm.safetensors');
    const args = ['--data', join(d, 'train.txt'), '--save', save];
    expect((await run(['train', ...args, '--hidden', '4', '--steps', '3', '--batch-size', '2'])).code).toBe(0);
    const resumed = await run(['train', '--resume', save, ...args, '--steps', '6']);
    expect(resumed.err).toBe('');
    expect(resumed.out).toContain('resuming at step 3');
    expect(decodeTreeCheckpoint(readFileSync(save)).training!.step).toBe(6);
    const without = await run(['train', '--resume', save, '--save', save, '--steps', '9']);
    expect(without.code).toBe(2);
    expect(without.err).toMatch(/^charrnn-tree: error: --resume of a run trained on files needs its --data FILE/);
  });

  it('trains and predicts on a 100,000-deep tree from a file (no recursion anywhere)', async () => {
    const d = dir();
    const depth = 100_000;
    writeFileSync(join(d, 'deep.txt'), `1\t${'(* 1 '.repeat(depth)}1${')'.repeat(depth)}\n0\t(+ 0 0)\n`);
    const save = join(d, 'm.safetensors');
    const trained = await run([
      'train',
      '--data',
      join(d, 'deep.txt'),
      '--hidden',
      '2',
      '--steps',
      '1',
      '--batch-size',
      '2',
      '--save',
      save,
    ]);
    expect(trained.err).toBe('');
    expect(trained.code).toBe(0);
    const predicted = await run(['eval', '--checkpoint', save, '--data', join(d, 'deep.txt'), '--predict']);
    expect(predicted.code).toBe(0);
    expect(predicted.out.split('\n')[0]!.length).toBe(2 + 6 * depth + 1);
  });

  it('exits 1 when --min-accuracy is not reached', async () => {
    const r = await run(['train', ...SMALL, '--steps', '2', '--min-accuracy', '0.99']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL {2}held-out accuracy 0\.\d{4} is below --min-accuracy 0\.99\n$/);
  });
});

describe('usage errors: one line, exit 2', () => {
  const cases: [string, (d: string) => string[], RegExp][] = [
    [
      'an unknown subcommand',
      () => ['fit'],
      /^charrnn-tree: error: unknown subcommand "fit"\nhint: use one of: train, eval, generate/,
    ],
    [
      'a malformed tree file, naming file, line and column',
      (d) => {
        writeFileSync(join(d, 'bad.txt'), '4\t(+ (* 3 4) 2)\n1\t(+ 1 (* 2 3)))\n');
        return ['train', '--data', join(d, 'bad.txt')];
      },
      /^charrnn-tree: error: --data .*bad\.txt:2:16: unbalanced "\)": no node is open\nhint: each line is label<TAB>tree/,
    ],
    [
      'an empty line',
      (d) => {
        writeFileSync(join(d, 'gap.txt'), '4\t(+ (* 3 4) 2)\n\n1\t1\n');
        return ['train', '--data', join(d, 'gap.txt')];
      },
      /^charrnn-tree: error: --data .*gap\.txt:2:1: empty line; every line must be label<TAB>tree\n/,
    ],
    [
      'a token the checkpoint does not know',
      (d) => {
        writeFileSync(join(d, 'div.txt'), '4\t(/ 8 2)\n');
        return ['eval', '--checkpoint', join(d, 'm.safetensors'), '--data', join(d, 'div.txt')];
      },
      /^charrnn-tree: error: --data .*div\.txt:1: token "\/" is not in the model's vocabulary\nhint: the model knows: 0 1 2 3 4 5 6 7 8 9 \+ - \*\n$/,
    ],
    [
      'a changed setting on --resume',
      (d) => ['train', '--resume', join(d, 'm.safetensors'), '--hidden', '7'],
      /^charrnn-tree: error: --hidden 7 conflicts with the resumed run's 6\n/,
    ],
    [
      'an existing --save without --force',
      (d) => ['train', '--steps', '1', '--save', join(d, 'm.safetensors')],
      /^charrnn-tree: error: --save file .* already exists\nhint: add --force/,
    ],
    [
      'a file that is not a tree checkpoint',
      (d) => {
        writeFileSync(join(d, 'junk.safetensors'), 'not safetensors at all');
        return ['eval', '--checkpoint', join(d, 'junk.safetensors'), '--data', join(d, 'div.txt')];
      },
      /^charrnn-tree: error: --checkpoint file ".*junk\.safetensors" cannot be used: not a valid safetensors file/,
    ],
    [
      '--min-accuracy without held-out trees, before training',
      () => ['train', ...SMALL, '--held-out-trees', '0', '--min-accuracy', '0.9'],
      /^charrnn-tree: error: --min-accuracy needs held-out trees\n/,
    ],
    [
      '--task file without --data',
      () => ['train', '--task', 'file'],
      /^charrnn-tree: error: --task file needs --data FILE\n/,
    ],
    [
      '--max-ops below --min-ops',
      () => ['generate', '--min-ops', '3', '--max-ops', '2'],
      /--max-ops must be at least --min-ops \(3\), got 2/,
    ],
  ];
  const shared = dir();

  it.each(cases)('%s', async (_what, argv, message) => {
    if (!existsCheckpoint(shared))
      expect((await run(['train', ...SMALL, '--steps', '2', '--save', join(shared, 'm.safetensors')])).code).toBe(0);
    const r = await run(argv(shared));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe(''); // refused before any work
    expect(r.err.trimEnd().split('\n').length).toBeLessThanOrEqual(2);
  });
});

function existsCheckpoint(d: string): boolean {
  try {
    readFileSync(join(d, 'm.safetensors'));
    return true;
  } catch {
    return false;
  }
}
