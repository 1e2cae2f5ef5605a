// charrnn-eval: mean cross-entropy of a checkpoint on a text, as one JSON line. Several files (or
// a directory, a glob) are several documents: each is scored from a zero hidden state and the
// result is pooled over all their predictions. A byte-level model scores the files' raw bytes.

import {
  EXIT_OK,
  RunError,
  UsageError,
  chooseKernels,
  formatHelp,
  parseFlags,
  readCheckpoint,
  readCorpus,
  resolveCorpusFiles,
  type CommandIo,
  type FlagSpec,
} from '@charrnn/cli';
import { taskFor, type SymbolScan, type TaggingTask, type Vocabulary } from '@charrnn/corpus';
import {
  type Checkpoint,
  documentViews,
  dynamicEvaluate,
  evaluateDocuments,
  evaluateTagging,
  dynamicGrid,
  modelFromCheckpoint,
  poolResults,
  tuneDynamicEvaluation,
  type DynamicTuning,
} from '@charrnn/train';
import { evalParts } from './eval-parts.js';
import { KERNEL_FLAG, TAG_WINDOW_FLAG } from './flags.js';
import { UNKNOWN_FLAG, parseUnknownPolicy, unknownCharactersError } from './unknown-chars.js';

const FLAGS = {
  checkpoint: { flag: 'checkpoint', kind: 'string', placeholder: 'FILE', help: 'model to evaluate' },
  data: {
    flag: 'data',
    kind: 'string',
    placeholder: 'FILE|DIR|GLOB …',
    help: 'text to score (UTF-8, or any bytes for a --unit byte model); every next-character prediction in each file is scored, each file from a zero hidden state',
  },
  dynamic: {
    flag: 'dynamic',
    kind: 'boolean',
    help: 'dynamic evaluation (Krause et al. 2017): after scoring each segment, take a gradient step on it',
  },
  dynamicLr: {
    flag: 'dynamic-lr',
    kind: 'number',
    min: 0,
    default: 0.02,
    help: 'step size of dynamic evaluation (on the mean per-character loss)',
  },
  dynamicSegment: {
    flag: 'dynamic-segment',
    kind: 'int',
    min: 1,
    default: 20,
    help: 'characters scored between dynamic updates',
  },
  dynamicDecay: {
    flag: 'dynamic-decay',
    kind: 'number',
    min: 0,
    max: 1,
    default: 0,
    help: 'pull towards the trained weights at each dynamic update',
  },
  heldOut: {
    flag: 'held-out',
    kind: 'number',
    placeholder: 'F',
    min: 0,
    max: 1,
    exclusiveMax: true,
    default: 0,
    help: "score only the last fraction of the text, cut exactly as charrnn-train --val-fraction cuts it (a run's held-out part; 0: the whole text)",
  },
  dynamicTune: {
    flag: 'dynamic-tune',
    kind: 'int',
    min: 0,
    default: 0,
    help: 'with --dynamic and --held-out: first choose --dynamic-lr and --dynamic-segment on the last N characters of the training part (text that is not scored), among --dynamic-tune-lrs × --dynamic-tune-segments (0: use the flags as given)',
  },
  dynamicTuneLrs: {
    flag: 'dynamic-tune-lrs',
    kind: 'string',
    placeholder: 'LR,…',
    default: '0.005,0.01,0.02,0.05',
    help: 'step sizes --dynamic-tune tries',
  },
  dynamicTuneSegments: {
    flag: 'dynamic-tune-segments',
    kind: 'string',
    placeholder: 'N,…',
    default: '10,20',
    help: 'segment lengths --dynamic-tune tries',
  },
  unknown: UNKNOWN_FLAG,
  window: TAG_WINDOW_FLAG,
  kernels: KERNEL_FLAG,
} satisfies Record<string, FlagSpec>;

/**
 * A loss that overflowed (a diverging --dynamic-lr, weights gone to Inf) is a failed run, not a
 * result: JSON would print it as null, and a script reading it would take null for a number.
 */
function requireFinite(result: { loss: number; bpc: number }, hint: string): void {
  if (Number.isFinite(result.loss) && Number.isFinite(result.bpc)) return;
  throw new RunError(`the loss is not a finite number (${result.loss})`, hint);
}

export async function evalCommand(io: CommandIo): Promise<number> {
  const flags = parseFlags(io.argv, FLAGS, { positionals: Number.POSITIVE_INFINITY });
  if (flags.help) {
    io.stdout.write(
      formatHelp(
        'charrnn-eval --checkpoint FILE --data FILE|DIR|GLOB …',
        'Prints {"loss": nats/char, "bpc": bits/char, "count": predictions} as one JSON line.',
        FLAGS,
      ),
    );
    return EXIT_OK;
  }
  const v = flags.values;
  const checkpoint = readCheckpoint(v.checkpoint, '--checkpoint');
  const path = v.data;
  if (!path) throw new UsageError('--data FILE is required', 'the text to score, e.g. --data ../shared/data/kafka.txt');
  const files = await resolveCorpusFiles([path, ...flags.positionals]);
  const vocab = checkpoint.vocab;
  const task = taskFor(checkpoint.task);
  if (task) {
    if (v.dynamic) throw new UsageError('--dynamic evaluates next-symbol models, got a tagging checkpoint');
    const text = readCorpus(files, { unit: 'char' }).corpus;
    const window = (v.window as number | undefined) ?? checkpoint.config?.seqLength ?? 100;
    const result = scoreTagging(checkpoint, task, text.vocab.decode(text.ids), vocab, window, String(v.kernels), io);
    const data = files.length === 1 ? path : files.map((f) => f.path);
    io.stdout.write(`${JSON.stringify({ ...result, task: task.name, window, checkpoint: v.checkpoint, data })}\n`);
    return EXIT_OK;
  }
  const unit = checkpoint.config?.unit ?? 'char';
  const asUnits = (text: string): string => (unit === 'byte' ? Buffer.from(text, 'utf8').toString('latin1') : text);
  const policy = parseUnknownPolicy(v.unknown, vocab, asUnits);
  const known = (scan: SymbolScan) => {
    const unknown = scan.unknownTo(vocab);
    if (unknown.length > 0 && policy.units.kind === 'error') throw unknownCharactersError('--data', unknown);
    return vocab;
  };
  const { corpus } = readCorpus(files, { unit, vocabulary: known, unknown: policy.units });
  // Skipped or mapped characters are part of the result: a score over fewer or stand-in characters.
  const unknown =
    policy.units.kind === 'error' ? {} : { unknown: { handling: policy.name, count: corpus.unknownCount } };
  const heldOut = v.heldOut;
  const parts = evalParts(corpus, heldOut);
  const documents = documentViews(parts.scored.ids, parts.scored.starts);
  if (documents.length === 0)
    throw new UsageError(
      heldOut > 0
        ? `--held-out ${heldOut} of --data leaves fewer than 2 characters to score (of ${corpus.ids.length})`
        : `--data file must have at least 2 characters, got ${corpus.ids.length}`,
    );
  const data = files.length === 1 ? path : files.map((f) => f.path);
  const where = heldOut > 0 ? { heldOut } : {};
  const tuneChars = v.dynamicTune;
  if (tuneChars > 0 && !(v.dynamic && heldOut > 0))
    throw new UsageError(
      '--dynamic-tune needs --dynamic and --held-out F',
      'it tunes on the training text just before the held-out part, e.g. --held-out 0.1 --dynamic --dynamic-tune 20000',
    );
  const candidates =
    tuneChars > 0
      ? dynamicGrid(
          parseList(v.dynamicTuneLrs, '--dynamic-tune-lrs', false),
          parseList(v.dynamicTuneSegments, '--dynamic-tune-segments', true),
        )
      : [];
  if (!v.dynamic) {
    const kernels = chooseKernels(v.kernels, (line) => void io.stderr.write(`${line}\n`));
    let result;
    try {
      result = evaluateDocuments(modelFromCheckpoint(checkpoint, kernels), parts.scored.ids, parts.scored.starts);
    } finally {
      kernels.close?.();
    }
    requireFinite(
      result,
      "the checkpoint's weights give a non-finite loss on this text; retrain, or evaluate another checkpoint",
    );
    io.stdout.write(
      `${JSON.stringify({ loss: result.loss, bpc: result.bpc, count: result.count, ...unknown, checkpoint: v.checkpoint, data, ...where })}\n`,
    );
    return EXIT_OK;
  }
  // Dynamic evaluation trains, so it takes the fast kernels like charrnn-train does.
  const kernels = chooseKernels(v.kernels, (line) => void io.stderr.write(`${line}\n`), { threads: 1 });
  try {
    const decay = v.dynamicDecay;
    let tuning: DynamicTuning | undefined;
    if (candidates.length > 0) {
      const tuningText = parts.tuning(tuneChars);
      if (tuningText.length === 0)
        throw new UsageError(`--dynamic-tune: the training part before --held-out ${heldOut} has no text to tune on`);
      tuning = tuneDynamicEvaluation(() => modelFromCheckpoint(checkpoint, kernels), tuningText, candidates, decay);
    }
    const options = {
      lr: tuning?.best.lr ?? v.dynamicLr,
      segmentLength: tuning?.best.segmentLength ?? v.dynamicSegment,
      decay,
    };
    // One model adapts through the documents in order; each starts from a zero hidden state.
    const model = modelFromCheckpoint(checkpoint, kernels);
    const result = poolResults(documents.map((ids) => dynamicEvaluate(model, ids, options)));
    requireFinite(
      result,
      `the dynamic updates diverged at --dynamic-lr ${options.lr}; lower it (the default is ${FLAGS.dynamicLr.default})`,
    );
    const tuned = tuning
      ? { tuned: { chars: tuneChars, tried: tuning.tried.map((t) => ({ ...t, bpc: Number(t.bpc.toFixed(6)) })) } }
      : {};
    io.stdout.write(
      `${JSON.stringify({ loss: result.loss, bpc: result.bpc, count: result.count, ...unknown, dynamic: { ...options, ...tuned }, checkpoint: v.checkpoint, data, ...where })}\n`,
    );
  } finally {
    kernels.close?.();
  }
  return EXIT_OK;
}

/** A tagging checkpoint on a text: the text derived as in training (labels from what derivation removed), then tagged and scored. */
function scoreTagging(
  checkpoint: Checkpoint,
  task: TaggingTask,
  text: string,
  vocab: Vocabulary,
  window: number,
  kernelsFlag: string,
  io: CommandIo,
): ReturnType<typeof evaluateTagging> {
  const derived = task.derive(text);
  const unknown = vocab.findUnknown(derived.text);
  if (unknown.length > 0) throw unknownCharactersError('--data file', unknown);
  if (derived.labels.length === 0) throw new UsageError('--data file has no characters left to tag');
  const kernels = chooseKernels(kernelsFlag, (line) => void io.stderr.write(`${line}\n`));
  try {
    return evaluateTagging(
      modelFromCheckpoint(checkpoint, kernels),
      vocab.encode(derived.text),
      derived.labels,
      task,
      window,
    );
  } finally {
    kernels.close?.();
  }
}

/** A comma-separated list of positive numbers (integers for segment lengths), as --dynamic-tune's grids. */
function parseList(text: string, flag: string, integers: boolean): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  const bad = values.some((x) => !(Number.isFinite(x) && x > 0) || (integers && !Number.isInteger(x)));
  if (text.trim() === '' || bad)
    throw new UsageError(
      `${flag} must be a comma-separated list of positive ${integers ? 'integers' : 'numbers'}, got ${JSON.stringify(text)}`,
    );
  return values;
}
