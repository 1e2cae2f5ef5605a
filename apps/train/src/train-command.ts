// charrnn-train: flags → config → the train pipeline → sinks (progress, CSV log, checkpoints).
// Testable: everything outside comes in through CommandIo.

import {
  EXIT_INTERRUPTED,
  EXIT_OK,
  RunError,
  UsageError,
  WriteError,
  formatHelp,
  openTrainingLog,
  parseFlags,
  terminalInfo,
  writeFileAtomic,
  type AppendFile,
  type CommandIo,
  lockOutputFiles,
  checkOutputFile,
  sameFile,
  chooseKernels,
  formatBytes,
  readCheckpoint,
  type Lock,
} from '@charrnn/cli';
import { combineSinks, createCsvLogSink, createProgressSink, type EventSink } from '@charrnn/report';
import {
  DataError,
  TRAINING_KEYS,
  Trainer,
  conflictingKeys,
  estimateKernelBytes,
  extendVocabulary,
  largestHiddenThatFits,
  prepareCorpus,
  prepareTaskData,
  requireKnown,
  resolveTrainConfig,
  type Checkpoint,
  type TrainConfig,
  type TrainingData,
} from '@charrnn/train';
import { taskFor, type EncodedCorpus, type SymbolScan, type TaggingTask, type Vocabulary } from '@charrnn/corpus';
import { CONFIG_FLAGS, TRAIN_FLAGS } from './flags.js';
import { loadTrainingCorpus } from './training-text.js';

const USAGE = 'charrnn-train [--data FILE|DIR|GLOB …] [--steps N] [--log FILE.csv] [--save FILE.safetensors] [options]';
const DESCRIPTION =
  "Trains a character-level recurrent language model (the seed's min-char-rnn by default) and prints progress and samples.";

export async function trainCommand(io: CommandIo): Promise<number> {
  // The words after --data up to the next flag are all data (what a shell makes of --data dir/*.txt).
  const flags = parseFlags(io.argv, TRAIN_FLAGS, { positionals: Number.POSITIVE_INFINITY });
  if (flags.help) {
    io.stdout.write(formatHelp(USAGE, DESCRIPTION, TRAIN_FLAGS));
    return EXIT_OK;
  }
  const v = flags.values;
  if (flags.positionals.length > 0 && !v.data)
    throw new UsageError(
      `unexpected argument ${JSON.stringify(flags.positionals[0])}`,
      'flags take the form --name value; see --help',
    );
  const dataArgs = v.data ? [v.data, ...flags.positionals] : [];
  // An empty path (--save "") is no path.
  const text = (key: 'data' | 'log' | 'save' | 'saveBest' | 'init' | 'resume'): string | undefined =>
    v[key] || undefined;
  if (text('init') && text('resume'))
    throw new UsageError(
      '--init and --resume cannot be used together',
      '--init loads weights only; --resume continues a saved run',
    );

  const init = text('init') ? readCheckpoint(text('init'), '--init') : undefined;
  const resume = text('resume') ? readCheckpoint(text('resume'), '--resume') : undefined;
  requireCompatibleTask({ ...(resume?.config ?? {}), ...pickConfig(v) });

  const config = resume
    ? resumedConfig(resume, v, flags.explicit)
    : init
      ? initConfig(init, v, flags.explicit)
      : resolveTrainConfig(pickConfig(v));
  const notice = (line: string): void => void io.stderr.write(`${line}\n`);
  if (v.extendVocab && !init)
    throw new UsageError(
      '--extend-vocab needs --init FILE',
      'it extends the vocabulary of the checkpoint given to --init',
    );
  const save = text('save');
  const saveBest = text('saveBest');
  if (saveBest !== undefined && saveBest === save)
    throw new UsageError(
      '--save-best must name another file than --save',
      'e.g. --save run.safetensors --save-best run.best.safetensors',
    );
  const logPath = text('log');
  const force = v.force === true;
  // Every output is checked, and locked, before any work: a run never fails at its first save.
  const locks = claimOutputs({
    save,
    saveBest,
    log: logPath,
    resume: text('resume'),
    force,
    inputs: [...dataArgs.map((arg) => [arg, '--data'] as [string, string]), [text('init'), '--init']],
  });
  try {
    const fixed = resume?.vocab ?? (init && v.extendVocab !== true ? init.vocab : undefined);
    const task = taskFor(config.task);
    const corpus = await loadTrainingCorpus({
      data: dataArgs,
      resume,
      unit: config.unit,
      // A tagging task reads the text before derivation (spaces, capitals, marks): its vocabulary is checked after.
      ...(task
        ? {}
        : fixed
          ? { vocabulary: knownVocabulary(fixed, resume === undefined) }
          : init
            ? { vocabulary: (scan: SymbolScan) => trainingVocabulary(init, scan, notice) }
            : {}),
    });
    if (corpus.corpus.ids.length === 0 && task?.fromText !== false)
      throw new UsageError(`--data ${JSON.stringify(corpus.label)} is empty`);
    // A first run names the text it chose, so its samples are not a surprise (a generated task reads none).
    if (corpus.ref.source === 'embedded' && task?.fromText !== false)
      io.stdout.write(`data  ${corpus.label}; --data FILE trains on yours\n`);
    const data = task
      ? prepareTaskOrExplain(task, corpus.corpus, config, resume?.vocab ?? init?.vocab)
      : prepareCorpusOrExplain(corpus.corpus, config);

    const kernels = chooseKernels(v.kernels, notice, { threads: config.threads });
    let trainer: Trainer;
    try {
      trainer = new Trainer({
        config,
        data,
        clock: io.clock,
        cpuClock: processCpuSeconds,
        kernels,
        ...(init ? { init } : {}),
        ...(resume ? { resume } : {}),
        checkpointPeriodic: save !== undefined,
        checkpointBest: saveBest !== undefined,
        divergence: { factor: v.divergeFactor, window: v.divergeWindow },
        dataRef: corpus.ref,
      });
    } catch (error) {
      kernels.close?.();
      throw explainMemory(error, config, data.vocab.size);
    }
    return await train(io, trainer, kernels, {
      save,
      saveBest,
      log: logPath ? openLog(logPath, resume, force) : undefined,
    });
  } finally {
    for (const lock of locks) lock.release();
  }
}

interface Outputs {
  readonly save: string | undefined;
  readonly saveBest: string | undefined;
  readonly log: OpenLog | undefined;
}

/** Runs the loop; a failed write stops training, still tries the final checkpoint, and exits 1 naming the file. */
async function train(
  io: CommandIo,
  trainer: Trainer,
  kernels: { close?: () => void },
  outputs: Outputs,
): Promise<number> {
  const { save, saveBest, log } = outputs;
  let writeFailure: WriteError | null = null;
  let logBroken = false;
  const failed = (error: unknown): void => {
    if (!(error instanceof WriteError)) throw error;
    writeFailure ??= error;
    trainer.stop('stopped');
  };
  const terminal = terminalInfo(io.stdout, io.env);
  const sinks: EventSink[] = [
    createProgressSink({
      write: (s) => void io.stdout.write(s),
      isTTY: terminal.interactive,
      columns: terminal.columns,
      now: io.clock,
    }),
  ];
  if (log) {
    const write = (chunk: string): void => {
      if (logBroken) return;
      try {
        log.file.write(chunk);
      } catch (error) {
        logBroken = true;
        failed(error);
      }
    };
    // A tagging run's log has its metrics' columns (tagging is newer than every log without them).
    const tagging = trainer.task !== null;
    sinks.push(createCsvLogSink({ write, writeHeader: !log.append, trainBpc: log.trainBpc, tagging }));
  }
  const sink = combineSinks(...sinks);
  const removeInterrupt = io.onInterrupt(() => trainer.stop('interrupted'));

  let lastSaved: number | null = null;
  let outcome: { reason: string; message?: string } = { reason: 'completed' };
  try {
    for await (const event of trainer.run()) {
      if (event.type === 'checkpoint' && save && event.reason !== 'best') {
        try {
          writeFileAtomic(save, trainer.checkpointBytes());
          lastSaved = event.step;
          await sink.handle({ ...event, path: save });
        } catch (error) {
          failed(error);
        }
        continue;
      }
      if (event.type === 'checkpoint' && saveBest && event.reason === 'best') {
        try {
          writeFileAtomic(saveBest, trainer.checkpointBytes());
          await sink.handle({ ...event, path: saveBest });
        } catch (error) {
          failed(error);
        }
        continue;
      }
      await sink.handle(event);
      if (event.type === 'done') outcome = event;
    }
  } catch (error) {
    // The BPTT workspaces are allocated at the first step: the kernels' memory can run out there too.
    throw explainMemory(error, trainer.config, trainer.vocab.size);
  } finally {
    kernels.close?.();
    removeInterrupt();
    await sink.close?.();
    log?.file.close();
  }
  const kept = save
    ? lastSaved !== null
      ? `; the last good checkpoint (step ${lastSaved}) is in ${save}`
      : '; no checkpoint was written'
    : '';
  if (writeFailure !== null) {
    const failure: WriteError = writeFailure;
    throw new RunError(`${failure.message}${kept}`, failure.hint);
  }
  if (!save && outcome.reason !== 'diverged') {
    io.stderr.write(
      'notice: nothing was saved (no --save); to keep the weights, run with --save FILE.safetensors (e.g. --save runs/model.safetensors)\n',
    );
  }
  if (outcome.reason === 'diverged') {
    throw new RunError(
      `training diverged: ${outcome.message ?? 'the loss exploded'}${kept}`,
      'lower --lr, or clip harder (--clip, --clip-mode norm); --diverge-factor/--diverge-window tune the rule',
    );
  }
  return outcome.reason === 'interrupted' ? EXIT_INTERRUPTED : EXIT_OK;
}

/**
 * Checks --save and --log before any work (directory writable, target absent or a regular file;
 * an existing checkpoint is replaced only with --force or by --resume of itself), removes the
 * temporary files killed runs left beside them, and locks them for this run.
 */
function claimOutputs(paths: {
  save?: string | undefined;
  saveBest?: string | undefined;
  log?: string | undefined;
  resume?: string | undefined;
  force: boolean;
  inputs: [string | undefined, string][];
}): Lock[] {
  const { save, saveBest, log, resume, force } = paths;
  if (save && log && sameFile(save, log))
    throw new UsageError(`--save and --log must be different files, got ${JSON.stringify(save)} for both`);
  // Even with --force, an output never overwrites the run's own input.
  for (const [input, flag] of [...paths.inputs, [resume, '--resume'] as [string | undefined, string]]) {
    if (!input) continue;
    if (log && sameFile(log, input))
      throw new UsageError(
        `--log ${JSON.stringify(log)} is the ${flag} file; it would be overwritten`,
        'choose another --log file',
      );
    if (save && flag !== '--resume' && sameFile(save, input))
      throw new UsageError(
        `--save ${JSON.stringify(save)} is the ${flag} file; it would be overwritten`,
        'choose another --save file',
      );
    if (saveBest && flag !== '--resume' && sameFile(saveBest, input))
      throw new UsageError(
        `--save-best ${JSON.stringify(saveBest)} is the ${flag} file; it would be overwritten`,
        'choose another --save-best file',
      );
  }
  if (save) {
    const resumingItself = resume !== undefined && sameFile(save, resume);
    checkOutputFile(save, '--save file', {
      mayExist: force || resumingItself,
      refuseHint: 'add --force to replace it, --resume it to continue that run, or choose a new file',
    });
  }
  if (saveBest) {
    // A resumed run goes on improving the same best checkpoint.
    checkOutputFile(saveBest, '--save-best file', {
      mayExist: force || resume !== undefined,
      refuseHint: 'add --force to replace it, or choose a new file',
    });
  }
  if (log) {
    checkOutputFile(log, '--log file', {
      mayExist: force || resume !== undefined,
      refuseHint: 'choose a new file, add --force to overwrite it, or --resume to append to it',
    });
  }
  return lockOutputFiles(
    [
      [save, '--save file'],
      [saveBest, '--save-best file'],
      [log, '--log file'],
    ],
    'charrnn-train',
  );
}

/** The kernels ran out of memory while building the model: say it in sizes the user chose. */
function explainMemory(error: unknown, config: TrainConfig, vocabSize: number): unknown {
  if (!(error instanceof RangeError) || !/wasm memory/.test(error.message)) return error;
  const limit = WASM_MEMORY_BYTES;
  const need = estimateKernelBytes(config, vocabSize);
  const fits = largestHiddenThatFits(config, vocabSize, limit);
  const model = `a ${config.layers}-layer ${config.cell} with --hidden ${config.hidden} (V=${vocabSize}, --seq-length ${config.seqLength}, --batch-size ${config.batchSize}, ${config.dtype})`;
  return new UsageError(
    `${model} needs about ${formatBytes(need)}, more than the WebAssembly kernels' ${formatBytes(limit)}`,
    fits > 0
      ? `the largest --hidden that fits with these settings is about ${fits}; or lower --batch-size/--seq-length/--layers${config.dtype === 'f64' ? ', use --dtype f32' : ''}, or use --kernels reference (slower, uses ordinary memory)`
      : `lower --batch-size/--seq-length/--layers${config.dtype === 'f64' ? ', use --dtype f32' : ''}, or use --kernels reference (slower, uses ordinary memory)`,
  );
}

/** --max-cpu-seconds' clock: this process's CPU time (user + system, all its threads), in seconds. */
function processCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** loadWasmKernels' default maximum: 16384 pages of 64 KiB. */
const WASM_MEMORY_BYTES = 16384 * 65536;

/** prepareCorpus, with its DataError as a usage error (the data does not suit the settings). */
function prepareCorpusOrExplain(corpus: EncodedCorpus, config: TrainConfig): TrainingData {
  try {
    return prepareCorpus(corpus, config.valFraction, config.seqLength, config.batchSize);
  } catch (error) {
    if (error instanceof DataError) throw new UsageError(`--data: ${error.message}`);
    throw error;
  }
}

/** A tagging task's examples from the corpus's text (its documents joined), with its DataError as a usage error. */
function prepareTaskOrExplain(
  task: TaggingTask,
  corpus: EncodedCorpus,
  config: TrainConfig,
  vocab: Vocabulary | undefined,
): TrainingData {
  try {
    return prepareTaskData(task, task.fromText ? corpus.vocab.decode(corpus.ids) : '', config, vocab);
  } catch (error) {
    if (error instanceof DataError) throw new UsageError(`--data: ${error.message}`);
    throw error;
  }
}

/** Settings that do not go together (a bidirectional next-symbol model), as a usage error naming the flags. */
function requireCompatibleTask(values: Partial<TrainConfig>): void {
  const conflict = conflictingKeys({
    task: values.task ?? 'next-symbol',
    bidirectional: values.bidirectional === true,
    unit: values.unit ?? 'char',
  });
  if (conflict)
    throw new UsageError(
      conflict.replace(/\b(bidirectional|task|unit) (?=\S)/g, '--$1 '),
      values.bidirectional
        ? 'choose a tagging --task (restore-spaces, restore-case, restore-punctuation, binary-addition), or drop --bidirectional'
        : undefined,
    );
}

/** A checkpoint's vocabulary for a corpus, after the first pass: every character must be in it. */
function knownVocabulary(vocab: Vocabulary, fromInit: boolean): (scan: SymbolScan) => Vocabulary {
  return (scan) => {
    try {
      requireKnown(scan.unknownTo(vocab), vocab);
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      throw new UsageError(
        `--data ${error.message}`,
        fromInit ? 'add --extend-vocab to give the new characters fresh weights and keep training' : undefined,
      );
    }
    return vocab;
  };
}

/** --init --extend-vocab: the checkpoint's vocabulary, extended by the new characters of the corpus. */
function trainingVocabulary(checkpoint: Checkpoint, scan: SymbolScan, notice: (line: string) => void): Vocabulary {
  const distinct = scan
    .codePoints()
    .map((cp) => String.fromCodePoint(cp))
    .join('');
  const extended = extendVocabulary(checkpoint.vocab, distinct);
  if (extended.added.length > 0) {
    const shown = JSON.stringify(extended.added.slice(0, 40).join('')) + (extended.added.length > 40 ? ' …' : '');
    notice(
      `extended the vocabulary from ${checkpoint.vocab.size} to ${extended.vocab.size} characters, new: ${shown}; their weights start fresh`,
    );
  }
  return extended.vocab;
}

/** The config keys among the parsed flags (the app's own flags, files and kernels, left out). */
function pickConfig(values: Partial<TrainConfig>): Partial<TrainConfig> {
  const config: Partial<TrainConfig> = {};
  for (const key of CONFIG_KEYS) copySetting(config, values, key);
  return config;
}

const CONFIG_KEYS = Object.keys(CONFIG_FLAGS) as readonly (keyof TrainConfig)[];

function copySetting<K extends keyof TrainConfig>(to: Partial<TrainConfig>, from: Partial<TrainConfig>, key: K): void {
  const value = from[key];
  if (value !== undefined) to[key] = value;
}

/** --init takes the architecture (cell, hidden size, layers, unit, task, directions) from the checkpoint; a flag may only repeat it. */
function initConfig(checkpoint: Checkpoint, values: Partial<TrainConfig>, explicit: ReadonlySet<string>): TrainConfig {
  const { cell, hiddenSize, layers } = checkpoint.model;
  // The unit is part of what the vocabulary means: a character model cannot read bytes.
  const architecture: Partial<TrainConfig> = {
    cell,
    hidden: hiddenSize,
    layers,
    unit: checkpoint.config?.unit ?? 'char',
    // What the decoder scores and how each layer reads are part of the weights too.
    task: checkpoint.task,
    bidirectional: checkpoint.model.bidirectional === true,
  };
  for (const key of ['cell', 'hidden', 'layers', 'unit', 'task', 'bidirectional'] as const) {
    if (explicit.has(key) && values[key] !== architecture[key]) {
      throw new UsageError(
        `--${key} ${String(values[key])} conflicts with the --init checkpoint's ${String(architecture[key])}`,
        'drop the flag: --init takes the architecture from the checkpoint',
      );
    }
  }
  return resolveTrainConfig({ ...pickConfig(values), ...architecture });
}

/** A resumed run keeps the checkpoint's training settings; only run-control flags may change. */
function resumedConfig(
  checkpoint: Checkpoint,
  values: Partial<TrainConfig>,
  explicit: ReadonlySet<string>,
): TrainConfig {
  if (!checkpoint.config || !checkpoint.training) {
    throw new UsageError(
      '--resume checkpoint holds weights only (no training state)',
      'use --init FILE to start a new run from these weights',
    );
  }
  const stored = checkpoint.config;
  for (const key of TRAINING_KEYS) {
    if (explicit.has(key) && values[key] !== stored[key]) {
      throw new UsageError(
        `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${String(values[key])} conflicts with the resumed run's ${String(stored[key])}`,
        'drop the flag to resume exactly, or use --init to start a new run from the weights',
      );
    }
  }
  // Run-control flags given on the command line (steps, eval/sample/log/save periods) win;
  // everything else continues as the checkpoint's run had it.
  const control: Partial<TrainConfig> = {};
  for (const key of CONFIG_KEYS) if (explicit.has(key)) copySetting(control, values, key);
  return resolveTrainConfig({ ...stored, ...control });
}

interface OpenLog {
  readonly file: AppendFile;
  /** The file had rows: no header is written. */
  readonly append: boolean;
  /** Rows carry the train_bpc column: a new log, or one whose header has it (older logs keep their columns). */
  readonly trainBpc: boolean;
}

/** Opens --log: replaced with --force, cut back to the checkpoint's step with --resume, else new. */
function openLog(path: string, resume: Checkpoint | undefined, force: boolean): OpenLog {
  const { file, kept } = openTrainingLog(path, resume?.training?.step, force);
  const header = kept.split('\n', 1)[0] ?? '';
  return { file, append: file.existed, trainBpc: !file.existed || header.split(',').includes('train_bpc') };
}
