// charrnn-tree generate: arithmetic expression trees, one label<TAB>tree line each, from a seed —
// test sets for charrnn-tree eval, or data for other tools.

import { EXIT_OK, UsageError, formatHelp, parseFlags, type CommandIo, type FlagSpec } from '@charrnn/cli';
import { MAX_GENERATED_OPS, formatTree, formatTreeLine, generateArithmeticTree } from '@charrnn/model';
import { Prng } from '@charrnn/tensor';

const FLAGS = {
  task: { flag: 'task', kind: 'enum', values: ['arithmetic'], default: 'arithmetic', help: 'what to generate' },
  count: { flag: 'count', kind: 'int', min: 1, max: 10_000_000, default: 1000, help: 'trees to write' },
  minOps: {
    flag: 'min-ops',
    kind: 'int',
    min: 0,
    max: MAX_GENERATED_OPS,
    default: 1,
    help: 'fewest operators per tree',
  },
  maxOps: { flag: 'max-ops', kind: 'int', min: 0, max: MAX_GENERATED_OPS, default: 4, help: 'most operators per tree' },
  seed: { flag: 'seed', kind: 'int', min: 0, max: 0xffffffff, default: 1, help: 'random seed' },
} satisfies Record<string, FlagSpec>;

export async function generateCommand(io: CommandIo): Promise<number> {
  const flags = parseFlags(io.argv, FLAGS);
  if (flags.help) {
    io.stdout.write(
      formatHelp(
        'charrnn-tree generate [--count N] [--min-ops K] [--max-ops K] [--seed S] > trees.txt',
        'Writes arithmetic expression trees over the digits 0-9 with + - *, each line label<TAB>tree where the label is the value mod 10.',
        FLAGS,
      ),
    );
    return EXIT_OK;
  }
  const v = flags.values;
  const { minOps, maxOps } = v;
  if (maxOps < minOps) throw new UsageError(`--max-ops must be at least --min-ops (${minOps}), got ${maxOps}`);
  const rng = new Prng(v.seed);
  const lines: string[] = [];
  for (let i = 0; i < v.count; i++) {
    const t = generateArithmeticTree(rng, { minOps, maxOps });
    lines.push(formatTreeLine(t.label, formatTree(t.tree)));
    if (lines.length === 1000) io.stdout.write(`${lines.splice(0).join('\n')}\n`);
  }
  if (lines.length > 0) io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}
