// charrnn-gradcheck --model tree-rnn|tree-lstm: the target for a tree model — a float64 model at
// random weights or a tree checkpoint's, and a batch of trees (generated arithmetic expressions of
// mixed shapes, or the first trees of a --data tree file). Kept apart from the char-model path:
// gradcheck-command.ts takes the target from here and checks it as any other.

import { readBytes, readText, UsageError, type CommandIo } from '@charrnn/cli';
import { treeModelTarget, type GradTarget } from '@charrnn/gradcheck';
import {
  TreeModel,
  TreeSyntaxError,
  TreeVocabulary,
  generateArithmeticTree,
  packTrees,
  parseTreeFile,
  type LabelledTree,
  type TreeCellName,
} from '@charrnn/model';
import type { Prng } from '@charrnn/tensor';
import { ARITHMETIC_VOCABULARY, CheckpointError, decodeTreeCheckpoint, treeModelFromCheckpoint } from '@charrnn/train';

/** Char-model settings a tree check has no use for: refused when given, so nobody believes they applied. */
const CHAR_ONLY = ['cell', 'layers', 'seqLength', 'vocabSize', 'weightInit', 'kernels'] as const;

export interface TreeCheckInput {
  readonly model: TreeCellName;
  /** The parsed flags this path reads (charrnn-gradcheck's typed values fit it). */
  readonly values: {
    readonly batchSize: number;
    readonly hidden: number;
    readonly checkpoint: string | undefined;
    readonly data: string | undefined;
  };
  readonly explicit: ReadonlySet<string>;
  readonly flagName: (key: string) => string;
  /** Seeds the weights and the trees. */
  readonly rng: Prng;
}

/** The model and batch to check, after a header line saying what they are. */
export function treeGradcheckTarget(io: CommandIo, input: TreeCheckInput): GradTarget {
  const { values: v, explicit, rng } = input;
  for (const key of CHAR_ONLY)
    if (explicit.has(key)) throw new UsageError(`--${input.flagName(key)} does not apply to --model ${input.model}`);
  // Several trees of mixed shapes by default: leaves, lone operators and nested ones in one batch.
  const B = explicit.has('batchSize') ? v.batchSize : 4;
  let model: TreeModel;
  let vocab: TreeVocabulary;
  if (v.checkpoint) {
    const path = v.checkpoint;
    try {
      const checkpoint = decodeTreeCheckpoint(readBytes(path, '--checkpoint file'));
      model = treeModelFromCheckpoint(checkpoint, undefined, 'f64');
      vocab = checkpoint.vocab;
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      throw new UsageError(`--checkpoint file ${JSON.stringify(path)} cannot be used: ${error.message}`);
    }
    if (model.config.cell !== input.model)
      throw new UsageError(
        `--model ${input.model} conflicts with the checkpoint's ${model.config.cell}`,
        `use --model ${model.config.cell}`,
      );
    if (explicit.has('hidden') && v.hidden !== model.config.hiddenSize)
      throw new UsageError(`--hidden ${v.hidden} conflicts with the checkpoint's ${model.config.hiddenSize}`);
  } else {
    const trees = v.data ? readTrees(v.data) : undefined;
    vocab = trees ? TreeVocabulary.fromTrees(trees) : ARITHMETIC_VOCABULARY;
    model = new TreeModel({
      cell: input.model,
      vocabSize: vocab.tokens.length,
      hiddenSize: v.hidden,
      classes: vocab.labels.length,
      dtype: 'f64',
    });
    model.initialize(rng);
  }
  const trees = v.data
    ? readTrees(v.data).slice(0, B)
    : Array.from({ length: B }, () => generateArithmeticTree(rng, { minOps: 0, maxOps: 4 }));
  const batch = packTrees(
    trees.map((t, i) => {
      const unknown = vocab.unknownTokens(t);
      if (unknown.length > 0)
        throw new UsageError(
          `--data line ${i + 1}: token ${JSON.stringify(unknown[0])} is not in the checkpoint's vocabulary`,
        );
      return vocab.encode(t, false);
    }),
  );
  const c = model.config;
  io.stdout.write(
    `gradcheck  ${c.cell}  V=${c.vocabSize} H=${c.hiddenSize} C=${c.classes}  ${batch.roots.length} trees, ${batch.tokens.length} nodes  float64  ${v.checkpoint ? `weights from ${v.checkpoint}` : 'random init (uniform ±1/sqrt(H))'}\n`,
  );
  io.stdout.write('gradient clipping: off (raw gradients are compared)\n');
  return treeModelTarget(model, batch);
}

function readTrees(path: string): LabelledTree[] {
  try {
    return parseTreeFile(readText(path, '--data file'));
  } catch (error) {
    if (!(error instanceof TreeSyntaxError)) throw error;
    throw new UsageError(
      `--data ${path}:${error.line}:${error.column}: ${error.reason}`,
      'with --model tree-*, --data is a tree file: label<TAB>tree per line',
    );
  }
}
