// charrnn-tree eval: a checkpoint's accuracy and loss on a tree file, or, with --predict, its
// label for each tree (label<TAB>tree lines whose labels may be placeholders such as "?").

import {
  EXIT_FAILURE,
  EXIT_OK,
  UsageError,
  chooseKernels,
  formatHelp,
  parseFlags,
  type CommandIo,
  type FlagSpec,
} from '@charrnn/cli';
import { formatTree, packTrees } from '@charrnn/model';
import { evaluateTrees, treeModelFromCheckpoint } from '@charrnn/train';
import { readTreeCheckpoint } from './tree-checkpoint-file.js';
import { encodeTrees, readTreeFile } from './tree-files.js';
import { KERNELS_FLAG } from './train-flags.js';

const FLAGS = {
  checkpoint: {
    flag: 'checkpoint',
    kind: 'string',
    placeholder: 'FILE',
    help: 'a checkpoint written by charrnn-tree train --save',
  },
  data: { flag: 'data', kind: 'string', placeholder: 'FILE', help: 'trees to evaluate, label<TAB>tree per line' },
  predict: {
    flag: 'predict',
    kind: 'boolean',
    help: 'print predicted<TAB>tree for each line instead of the accuracy (labels may then be anything)',
  },
  minAccuracy: { flag: 'min-accuracy', kind: 'number', min: 0, max: 1, help: 'exit 1 when the accuracy is below this' },
  kernels: KERNELS_FLAG,
} satisfies Record<string, FlagSpec>;

export async function evalCommand(io: CommandIo): Promise<number> {
  const flags = parseFlags(io.argv, FLAGS);
  if (flags.help) {
    io.stdout.write(
      formatHelp(
        'charrnn-tree eval --checkpoint FILE --data FILE [--predict] [--min-accuracy P]',
        "Evaluates a tree model on labelled trees: accuracy and mean loss (nats per tree), or each tree's predicted label.",
        FLAGS,
      ),
    );
    return EXIT_OK;
  }
  const v = flags.values;
  if (!v.checkpoint)
    throw new UsageError('--checkpoint FILE is required', 'pass the file written by charrnn-tree train --save');
  if (!v.data) throw new UsageError('--data FILE is required', 'e.g. charrnn-tree generate --seed 7 > trees.txt');
  const checkpoint = readTreeCheckpoint(String(v.checkpoint), '--checkpoint');
  const model = treeModelFromCheckpoint(
    checkpoint,
    chooseKernels(String(v.kernels), (line) => void io.stderr.write(`${line}\n`)),
  );
  const path = String(v.data);
  const labelled = readTreeFile(path, '--data');
  const predict = v.predict === true;
  const trees = encodeTrees(labelled, checkpoint.vocab, path, '--data', predict);
  if (predict) {
    for (let start = 0; start < trees.length; start += 256) {
      const predicted = model.predict(packTrees(trees.slice(start, start + 256)));
      const lines = Array.from(
        predicted,
        (p, b) => `${checkpoint.vocab.labels[p]}\t${formatTree(labelled[start + b]!.tree)}\n`,
      );
      io.stdout.write(lines.join(''));
    }
    return EXIT_OK;
  }
  const r = evaluateTrees(model, trees);
  io.stdout.write(
    `${checkpoint.model.cell} H=${checkpoint.model.hiddenSize} on ${path}: accuracy ${r.accuracy.toFixed(4)} (${Math.round(r.accuracy * r.count)} of ${r.count}), loss ${r.loss.toFixed(4)} nats/tree\n`,
  );
  if (v.minAccuracy !== undefined && r.accuracy < v.minAccuracy) {
    io.stdout.write(`FAIL  accuracy ${r.accuracy.toFixed(4)} is below --min-accuracy ${String(v.minAccuracy)}\n`);
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}
