// charrnn-tree train: flags → config → trees (the generated task or files) → the tree trainer →
// progress lines, CSV log, checkpoints; at the end the held-out (and deeper) accuracy.
// Testable: everything outside comes in through CommandIo.

import { resolve } from 'node:path';
import {
  EXIT_FAILURE,
  EXIT_INTERRUPTED,
  EXIT_OK,
  RunError,
  UsageError,
  lockOutputFiles,
  checkOutputFile,
  chooseKernels,
  formatHelp,
  openTrainingLog,
  parseFlags,
  writeFileAtomic,
  type AppendFile,
  type CommandIo,
  type FlagValues,
  type Lock,
} from '@charrnn/cli';
import { TreeVocabulary, type EncodedTree } from '@charrnn/model';
import {
  TREE_TRAINING_KEYS,
  TreeTrainer,
  arithmeticTreeData,
  evaluateTrees,
  resolveTreeTrainConfig,
  type TreeCheckpoint,
  type TreeData,
  type TreeTrainConfig,
} from '@charrnn/train';
import { readTreeCheckpoint } from './tree-checkpoint-file.js';
import { encodeTrees, readTreeFile } from './tree-files.js';
import { progressLine, treeLogHeader, treeLogRow } from './tree-log.js';
import { CONFIG_KEYS, TRAIN_FLAGS } from './train-flags.js';

const USAGE =
  'charrnn-tree train [--task arithmetic | --data FILE [--val FILE]] [--cell tree-lstm|tree-rnn] [--steps N] [--save FILE.safetensors] [--log FILE.csv] [options]';
const DESCRIPTION =
  'Trains a recursive tree model with a classifier on the root, and reports its accuracy on held-out trees.';

/** Settings a resumed run may change: how long it runs and how often it reports. */
const RUN_CONTROL_KEYS = ['steps', 'evalEvery', 'logEvery', 'saveEvery'] as const;

type Values = FlagValues<typeof TRAIN_FLAGS>;

export async function trainCommand(io: CommandIo): Promise<number> {
  const flags = parseFlags(io.argv, TRAIN_FLAGS);
  if (flags.help) {
    io.stdout.write(formatHelp(USAGE, DESCRIPTION, TRAIN_FLAGS));
    return EXIT_OK;
  }
  const v = flags.values;
  const path = (key: 'data' | 'val' | 'save' | 'log' | 'resume'): string | undefined => v[key] || undefined;
  if (path('val') && !path('data')) throw new UsageError('--val needs --data', 'held-out files go with training files');
  const resume = path('resume') ? readTreeCheckpoint(path('resume')!, '--resume') : undefined;
  const config = resume ? resumedConfig(resume, v, flags.explicit) : newConfig(v, flags.explicit);
  const { data, deep } = loadData(config, v, resume);
  // Checked before the run, not after it: there would be nothing to compare with.
  if (v.minAccuracy !== undefined && data.val.length === 0)
    throw new UsageError(
      '--min-accuracy needs held-out trees',
      'use --task arithmetic with --held-out-trees > 0, or --val FILE',
    );

  const locks = claimOutputs(path('save'), path('log'), path('resume'), v.force === true);
  try {
    const log = path('log') ? openLog(path('log')!, resume, v.force === true) : undefined;
    const kernels = chooseKernels(String(v.kernels), (line) => void io.stderr.write(`${line}\n`));
    try {
      const trainer = new TreeTrainer({ config, data, clock: io.clock, kernels, ...(resume ? { resume } : {}) });
      return await run(io, trainer, config, data, deep, {
        save: path('save'),
        log,
        minAccuracy: v.minAccuracy,
      });
    } finally {
      kernels.close?.();
    }
  } finally {
    for (const lock of locks) lock.release();
  }
}

function newConfig(v: Values, explicit: ReadonlySet<string>): TreeTrainConfig {
  const picked: Partial<TreeTrainConfig> = {};
  for (const key of CONFIG_KEYS) copySetting(picked, v, key);
  if (v.data) {
    if (explicit.has('task') && v.task !== 'file')
      throw new UsageError(
        `--task ${String(v.task)} and --data cannot be used together`,
        'a run trains on a generated task or on files',
      );
    picked.task = 'file';
  } else if (v.task === 'file') {
    throw new UsageError('--task file needs --data FILE', 'or use the generated --task arithmetic');
  }
  if (v.maxOps < v.minOps)
    throw new UsageError(`--max-ops must be at least --min-ops (${String(v.minOps)}), got ${String(v.maxOps)}`);
  return resolveTreeTrainConfig(picked);
}

function copySetting<K extends keyof TreeTrainConfig>(
  to: Partial<TreeTrainConfig>,
  from: Partial<TreeTrainConfig>,
  key: K,
): void {
  const value = from[key];
  if (value !== undefined) to[key] = value;
}

/** A resumed run keeps the checkpoint's settings; only how long it runs and how often it reports may change. */
function resumedConfig(checkpoint: TreeCheckpoint, v: Values, explicit: ReadonlySet<string>): TreeTrainConfig {
  if (!checkpoint.config || !checkpoint.training)
    throw new UsageError(
      '--resume checkpoint holds weights only (no training state)',
      'resume a file written by charrnn-tree train --save',
    );
  const stored = checkpoint.config;
  for (const key of TREE_TRAINING_KEYS) {
    if (explicit.has(key) && v[key] !== stored[key])
      throw new UsageError(
        `--${TRAIN_FLAGS[key].flag} ${String(v[key])} conflicts with the resumed run's ${String(stored[key])}`,
        'drop the flag to resume exactly',
      );
  }
  const control: Record<string, unknown> = {};
  for (const key of RUN_CONTROL_KEYS) if (explicit.has(key)) control[key] = v[key];
  return resolveTreeTrainConfig({ ...stored, ...control });
}

/** The generated task from the config, or the --data/--val files (in the checkpoint's tables when resuming). */
function loadData(
  config: TreeTrainConfig,
  v: Values,
  resume: TreeCheckpoint | undefined,
): { data: TreeData; deep: EncodedTree[] } {
  if (config.task === 'arithmetic') {
    if (v.data) throw new UsageError('--data cannot be used to resume a run of the generated arithmetic task');
    const task = arithmeticTreeData(config);
    return { data: task, deep: task.deep.map((t) => task.vocab.encode(t)) };
  }
  const dataPath = v.data;
  if (!dataPath)
    throw new UsageError('--resume of a run trained on files needs its --data FILE (and --val FILE) again');
  const trainTrees = readTreeFile(dataPath, '--data');
  const vocab = resume?.vocab ?? TreeVocabulary.fromTrees(trainTrees);
  const train = encodeTrees(trainTrees, vocab, dataPath, '--data');
  const valPath = v.val;
  const val = valPath ? encodeTrees(readTreeFile(valPath, '--val'), vocab, valPath, '--val') : [];
  return { data: { vocab, train, val }, deep: [] };
}

interface Outputs {
  readonly save: string | undefined;
  readonly log: AppendFile | undefined;
  readonly minAccuracy: number | undefined;
}

async function run(
  io: CommandIo,
  trainer: TreeTrainer,
  config: TreeTrainConfig,
  data: TreeData,
  deep: EncodedTree[],
  outputs: Outputs,
): Promise<number> {
  const write = (text: string): void => void io.stdout.write(text);
  const removeInterrupt = io.onInterrupt(() => trainer.stop());
  let outcome: { reason: string; message?: string } = { reason: 'completed' };
  try {
    for await (const event of trainer.run()) {
      if (event.type === 'start') {
        const task =
          config.task === 'arithmetic'
            ? `arithmetic task (${config.minOps}–${config.maxOps} operators, value mod 10)`
            : 'trees from --data';
        write(
          `${config.cell} H=${config.hidden} ${config.dtype}, ${event.paramCount} parameters, kernels ${trainer.model.kernels.name}; ${task}: ${event.trainTrees} training trees, ${event.valTrees} held-out${event.step > 0 ? `; resuming at step ${event.step}` : ''}\n`,
        );
      } else if (event.type === 'step') {
        write(progressLine(event));
        outputs.log?.write(treeLogRow(event));
      } else if (event.type === 'checkpoint' && outputs.save) {
        writeFileAtomic(outputs.save, trainer.checkpointBytes());
      } else if (event.type === 'done') {
        outcome = event;
      }
    }
  } finally {
    removeInterrupt();
    outputs.log?.close();
  }
  if (outcome.reason === 'diverged')
    throw new RunError(
      `training diverged: ${outcome.message ?? 'the loss exploded'}`,
      'lower --lr, or clip harder (--clip)',
    );
  if (outcome.reason === 'interrupted') {
    write(
      `interrupted at step ${trainer.currentStep}${outputs.save ? `; saved to ${outputs.save} (--resume it to continue)` : ''}\n`,
    );
    return EXIT_INTERRUPTED;
  }
  return summarize(trainer, config, data, deep, outputs, write);
}

/** The final accuracies; exit 1 when --min-accuracy is not reached. */
function summarize(
  trainer: TreeTrainer,
  config: TreeTrainConfig,
  data: TreeData,
  deep: EncodedTree[],
  outputs: Outputs,
  write: (text: string) => void,
): number {
  const line = (what: string, trees: readonly EncodedTree[]): number => {
    const r = evaluateTrees(trainer.model, trees);
    write(
      `${what}: accuracy ${r.accuracy.toFixed(4)} (${Math.round(r.accuracy * r.count)} of ${r.count}), loss ${r.loss.toFixed(4)} nats/tree\n`,
    );
    return r.accuracy;
  };
  let heldOut: number | undefined;
  if (data.val.length > 0)
    heldOut = line(
      config.task === 'arithmetic' ? 'held-out trees (none seen in training)' : 'held-out trees (--val)',
      data.val,
    );
  if (deep.length > 0)
    line(`deeper trees (${config.maxOps + 1}–${2 * config.maxOps} operators, larger than any in training)`, deep);
  if (outputs.save) write(`saved ${outputs.save}\n`);
  if (outputs.minAccuracy !== undefined) {
    if (heldOut !== undefined && heldOut < outputs.minAccuracy) {
      write(`FAIL  held-out accuracy ${heldOut.toFixed(4)} is below --min-accuracy ${outputs.minAccuracy}\n`);
      return EXIT_FAILURE;
    }
  }
  return EXIT_OK;
}

/** --save and --log checked and locked before any work; a file is replaced only with --force or by --resume of itself. */
function claimOutputs(
  save: string | undefined,
  log: string | undefined,
  resume: string | undefined,
  force: boolean,
): Lock[] {
  if (save && log && resolve(save) === resolve(log))
    throw new UsageError(`--save and --log must be different files, got ${JSON.stringify(save)} for both`);
  if (save)
    checkOutputFile(save, '--save file', {
      mayExist: force || (resume !== undefined && resolve(save) === resolve(resume)),
      refuseHint: 'add --force to replace it, --resume it to continue that run, or choose a new file',
    });
  if (log)
    checkOutputFile(log, '--log file', {
      mayExist: force || resume !== undefined,
      refuseHint: 'choose a new file, add --force to overwrite it, or --resume to append to it',
    });
  return lockOutputFiles(
    [
      [save, '--save file'],
      [log, '--log file'],
    ],
    'charrnn-tree',
  );
}

/** Opens --log (see openTrainingLog); a new or emptied log starts with the header. */
function openLog(path: string, resume: TreeCheckpoint | undefined, force: boolean): AppendFile {
  const { file } = openTrainingLog(path, resume?.training?.step, force);
  if (!file.existed) file.write(treeLogHeader());
  return file;
}
