// charrnn-train: flags → config → the train pipeline → sinks (progress, CSV log, checkpoints).
// Testable: everything outside comes in through CommandIo.

import {
  EXIT_INTERRUPTED, EXIT_OK, RunError, UsageError, formatHelp, loadEmbeddedCorpus, openAppendFile, parseFlags,
  readText, terminalInfo, writeFileAtomic, type AppendFile, type CommandIo,
  chooseKernels,
  readCheckpoint,
} from '@charrnn/cli';
import { combineSinks, createCsvLogSink, createProgressSink, type EventSink } from '@charrnn/report';
import {
  TRAINING_KEYS, Trainer, prepareData, resolveTrainConfig, type Checkpoint, type TrainConfig,
} from '@charrnn/train';
import { TRAIN_FLAGS } from './flags.js';


const USAGE = 'charrnn-train [--data FILE] [--steps N] [--log FILE.csv] [--save FILE.safetensors] [options]';
const DESCRIPTION = 'Trains a character-level recurrent language model (the seed\'s min-char-rnn by default) and prints progress and samples.';

export async function trainCommand(io: CommandIo): Promise<number> {
  const flags = parseFlags(io.argv, TRAIN_FLAGS);
  if (flags.help) {
    io.stdout.write(formatHelp(USAGE, DESCRIPTION, TRAIN_FLAGS));
    return EXIT_OK;
  }
  const v = flags.values;
  const text = (key: 'data' | 'log' | 'save' | 'saveBest' | 'init' | 'resume'): string | undefined => (v[key] as string | undefined) || undefined;
  if (text('init') && text('resume')) throw new UsageError('--init and --resume cannot be used together', '--init loads weights only; --resume continues a saved run');

  const init = text('init') ? readCheckpoint(text('init'), '--init') : undefined;
  const resume = text('resume') ? readCheckpoint(text('resume'), '--resume') : undefined;

  const config = resume ? resumedConfig(resume, v, flags.explicit) : init ? initConfig(init, v, flags.explicit) : resolveTrainConfig(pickConfig(v));
  const corpus = text('data') ? readText(text('data')!, '--data file') : loadEmbeddedCorpus();
  if (corpus.length === 0) throw new UsageError(`--data file ${JSON.stringify(text('data'))} is empty`);
  const data = prepareData(corpus, config.valFraction, config.seqLength, config.batchSize, (resume ?? init)?.vocab);

  const notice = (line: string): void => void io.stderr.write(`${line}\n`);
  const kernels = chooseKernels(String(v.kernels), notice, { threads: config.threads });
  const save = text('save');
  const saveBest = text('saveBest');
  if (saveBest !== undefined && saveBest === save) throw new UsageError('--save-best must name another file than --save', 'e.g. --save run.safetensors --save-best run.best.safetensors');
  const trainer = new Trainer({
    config, data, clock: io.clock, kernels, ...(init ? { init } : {}), ...(resume ? { resume } : {}),
    checkpointPeriodic: save !== undefined, checkpointBest: saveBest !== undefined,
  });

  const log = text('log') ? openLog(text('log')!, resume !== undefined, flags.values.force === true) : undefined;
  const terminal = terminalInfo(io.stdout, io.env);
  const sinks: EventSink[] = [
    createProgressSink({ write: (s) => void io.stdout.write(s), isTTY: terminal.interactive, columns: terminal.columns, now: io.clock }),
  ];
  if (log) sinks.push(createCsvLogSink({ write: (s) => log.file.write(s), writeHeader: !log.append }));
  const sink = combineSinks(...sinks);
  const removeInterrupt = io.onInterrupt(() => trainer.stop('interrupted'));

  let lastSaved: number | null = null;
  let outcome: { reason: string; message?: string } = { reason: 'completed' };
  try {
    for await (const event of trainer.run()) {
      if (event.type === 'checkpoint' && save && event.reason !== 'best') {
        writeFileAtomic(save, trainer.checkpointBytes());
        lastSaved = event.step;
        await sink.handle({ ...event, path: save });
        continue;
      }
      if (event.type === 'checkpoint' && saveBest && event.reason === 'best') {
        writeFileAtomic(saveBest, trainer.checkpointBytes());
        await sink.handle({ ...event, path: saveBest });
        continue;
      }
      await sink.handle(event);
      if (event.type === 'done') outcome = event;
    }
  } finally {
    kernels.close?.();
    removeInterrupt();
    await sink.close?.();
    log?.file.close();
  }
  if (!save && outcome.reason !== 'diverged') {
    io.stderr.write('notice: nothing was saved (no --save); to keep the weights, run with --save FILE.safetensors (e.g. --save runs/model.safetensors)\n');
  }
  if (outcome.reason === 'diverged') {
    const kept = save ? (lastSaved !== null ? `; the last good checkpoint (step ${lastSaved}) is kept in ${save}` : '; no checkpoint was written') : '';
    throw new RunError(`${outcome.message ?? 'training diverged'}${kept}`, 'lower --lr, or clip harder (--clip, --clip-mode norm)');
  }
  return outcome.reason === 'interrupted' ? EXIT_INTERRUPTED : EXIT_OK;
}

function pickConfig(values: Record<string, unknown>): Partial<TrainConfig> {
  const config: Record<string, unknown> = {};
  for (const key of Object.keys(resolveTrainConfig({}))) if (values[key] !== undefined) config[key] = values[key];
  return config as Partial<TrainConfig>;
}

/** --init takes the architecture (cell, hidden size, layers) from the checkpoint; a flag may only repeat it. */
function initConfig(checkpoint: Checkpoint, values: Record<string, unknown>, explicit: ReadonlySet<string>): TrainConfig {
  const { cell, hiddenSize, layers } = checkpoint.model;
  const architecture = { cell, hidden: hiddenSize, layers };
  for (const [key, stored] of Object.entries(architecture)) {
    if (explicit.has(key) && values[key] !== stored) {
      throw new UsageError(`--${key} ${String(values[key])} conflicts with the --init checkpoint's ${String(stored)}`, 'drop the flag: --init takes the architecture from the checkpoint');
    }
  }
  return resolveTrainConfig({ ...pickConfig(values), ...architecture });
}

/** A resumed run keeps the checkpoint's training settings; only run-control flags may change. */
function resumedConfig(checkpoint: Checkpoint, values: Record<string, unknown>, explicit: ReadonlySet<string>): TrainConfig {
  if (!checkpoint.config || !checkpoint.training) {
    throw new UsageError('--resume checkpoint holds weights only (no training state)', 'use --init FILE to start a new run from these weights');
  }
  const stored = checkpoint.config;
  for (const key of TRAINING_KEYS) {
    if (explicit.has(key) && values[key] !== stored[key]) {
      throw new UsageError(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${String(values[key])} conflicts with the resumed run's ${String(stored[key])}`, 'drop the flag to resume exactly, or use --init to start a new run from the weights');
    }
  }
  // Run-control flags given on the command line (steps, eval/sample/log/save periods) win;
  // everything else continues as the checkpoint's run had it.
  const control: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pickConfig(values))) if (explicit.has(key)) control[key] = value;
  return resolveTrainConfig({ ...stored, ...control });
}

function openLog(path: string, resuming: boolean, force: boolean): { file: AppendFile; append: boolean } {
  if (force && !resuming) writeFileAtomic(path, '');
  const file = openAppendFile(path, '--log file');
  if (file.existed && !resuming) {
    file.close();
    throw new UsageError(`--log file ${JSON.stringify(path)} already exists`, 'choose a new file, add --force to overwrite it, or --resume to append to it');
  }
  return { file, append: file.existed };
}

