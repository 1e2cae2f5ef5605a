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
  type FlagValues,
} from '@charrnn/cli';
import { taskFor, type IdArray, type SymbolScan, type TaggingTask, type Vocabulary } from '@charrnn/corpus';
import type { CharRnnModel } from '@charrnn/model';
import {
  type Checkpoint,
  DEFAULT_RMS_EPSILON,
  documentViews,
  dynamicEvaluate,
  evaluateDocuments,
  evaluateTagging,
  dynamicGrid,
  modelFromCheckpoint,
  poolResults,
  gradientStatistics,
  tuneDynamicEvaluation,
  type DynamicRule,
  type DynamicTuning,
  type GradientStatistics,
} from '@charrnn/train';
import { evalParts, type EvalParts } from './eval-parts.js';
import { KERNEL_FLAG, TAG_WINDOW_FLAG } from './flags.js';
import { UNKNOWN_FLAG, parseUnknownPolicy, unknownCharactersError } from './unknown-chars.js';

/**
 * Each rule's defaults: the rules' step sizes live on different scales (rms divides the gradient by
 * its RMS on training text), so one flag default cannot serve both. Chosen from the measurements in
 * docs/recipe-megabyte.md ("Dynamic evaluation, tuned on text that is not scored").
 */
const RULE_DEFAULTS = {
  sgd: { lr: 0.02, decay: 0, tuneLrs: '0.005,0.01,0.02,0.05', tuneDecays: undefined },
  rms: { lr: 0.0003, decay: 0.001, tuneLrs: '0.0001,0.0003,0.001', tuneDecays: '0,0.001,0.003' },
} as const satisfies Record<DynamicRule, { lr: number; decay: number; tuneLrs: string; tuneDecays?: string }>;

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
    help: 'dynamic evaluation (Krause et al. 2018): after scoring each segment, take a gradient step on it',
  },
  dynamicRule: {
    flag: 'dynamic-rule',
    kind: 'enum',
    values: ['auto', 'sgd', 'rms'] as const,
    default: 'auto',
    help: "update rule: sgd (θ −= lr·g, + decay·(θ₀−θ)), rms (Krause et al.'s RMS with decay: the step divided by the RMS of the gradient on training text, the pull back scaled by it; needs --held-out F, its statistics come from the training part), or auto: rms with --held-out, sgd without",
  },
  dynamicLr: {
    flag: 'dynamic-lr',
    kind: 'number',
    min: 0,
    help: `step size of dynamic evaluation (η, on the mean per-character loss) (default: ${RULE_DEFAULTS.sgd.lr} for sgd, ${RULE_DEFAULTS.rms.lr} for rms)`,
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
    help: `pull towards the trained weights at each dynamic update (λ; rms scales it per parameter by RMS/mean RMS, capped at 1) (default: ${RULE_DEFAULTS.sgd.decay} for sgd, ${RULE_DEFAULTS.rms.decay} for rms)`,
  },
  dynamicEpsilon: {
    flag: 'dynamic-epsilon',
    kind: 'number',
    min: 0,
    default: DEFAULT_RMS_EPSILON,
    help: 'rms: added to the RMS before dividing the step by it (ε)',
  },
  dynamicStatsChars: {
    flag: 'dynamic-stats-chars',
    kind: 'int',
    min: 1,
    default: 20_000,
    help: "rms: gather the gradient statistics on the last N characters of the training part (before --held-out's part; never the scored text), in segments of --dynamic-segment",
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
    help: 'with --dynamic and --held-out: first choose --dynamic-lr, --dynamic-segment (and for rms --dynamic-decay) on the last N characters of the training part (text that is not scored), among --dynamic-tune-lrs × --dynamic-tune-segments (× --dynamic-tune-decays) (0: use the flags as given)',
  },
  dynamicTuneLrs: {
    flag: 'dynamic-tune-lrs',
    kind: 'string',
    placeholder: 'LR,…',
    help: `step sizes --dynamic-tune tries (default: ${RULE_DEFAULTS.sgd.tuneLrs} for sgd, ${RULE_DEFAULTS.rms.tuneLrs} for rms)`,
  },
  dynamicTuneSegments: {
    flag: 'dynamic-tune-segments',
    kind: 'string',
    placeholder: 'N,…',
    default: '10,20',
    help: 'segment lengths --dynamic-tune tries',
  },
  dynamicTuneDecays: {
    flag: 'dynamic-tune-decays',
    kind: 'string',
    placeholder: 'λ,…',
    help: `pulls (λ, each in [0, 1]) --dynamic-tune tries (default: ${RULE_DEFAULTS.rms.tuneDecays} for rms; sgd keeps --dynamic-decay)`,
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
  const dynamic = scoreDynamically(checkpoint, parts, documents, v, io);
  io.stdout.write(
    `${JSON.stringify({ ...dynamic.result, ...unknown, dynamic: dynamic.settings, checkpoint: v.checkpoint, data, ...where })}\n`,
  );
  return EXIT_OK;
}

/**
 * charrnn-eval --dynamic: the rule (auto resolved), the settings (tuned on the training part's tail
 * with --dynamic-tune), the rms rule's statistics (from the training part's tail), then one pass
 * over the scored documents. Returns the pooled result and the JSON line's `dynamic` object.
 */
function scoreDynamically(
  checkpoint: Checkpoint,
  parts: EvalParts,
  documents: readonly IdArray[],
  v: FlagValues<typeof FLAGS>,
  io: CommandIo,
): { result: { loss: number; bpc: number; count: number }; settings: Record<string, unknown> } {
  const heldOut = v.heldOut;
  const tuneChars = v.dynamicTune;
  // auto: the RMS rule wherever there is training text for its statistics.
  const rule: DynamicRule = v.dynamicRule === 'auto' ? (heldOut > 0 ? 'rms' : 'sgd') : v.dynamicRule;
  if (rule === 'rms' && heldOut === 0)
    throw new UsageError(
      '--dynamic-rule rms needs a training part for its gradient statistics, got no --held-out',
      'score the held-out part of the training text (e.g. --held-out 0.1), or use --dynamic-rule sgd',
    );
  const defaults = RULE_DEFAULTS[rule];
  const candidates =
    tuneChars > 0
      ? dynamicGrid(
          parseList(v.dynamicTuneLrs ?? defaults.tuneLrs, '--dynamic-tune-lrs', 'positive'),
          parseList(v.dynamicTuneSegments, '--dynamic-tune-segments', 'integer'),
          v.dynamicTuneDecays !== undefined || defaults.tuneDecays !== undefined
            ? parseList(v.dynamicTuneDecays ?? defaults.tuneDecays!, '--dynamic-tune-decays', 'fraction')
            : undefined,
        )
      : [];
  // Dynamic evaluation trains, so it takes the fast kernels like charrnn-train does.
  const kernels = chooseKernels(v.kernels, (line) => void io.stderr.write(`${line}\n`), { threads: 1 });
  try {
    const freshModel = () => modelFromCheckpoint(checkpoint, kernels);
    const statisticsFor =
      rule === 'rms' ? statisticsSource(parts.trainingTail(v.dynamicStatsChars), freshModel) : undefined;
    let tuning: DynamicTuning | undefined;
    if (candidates.length > 0) {
      const tuningText = parts.trainingTail(tuneChars);
      if (tuningText.length === 0)
        throw new UsageError(`--dynamic-tune: the training part before --held-out ${heldOut} has no text to tune on`);
      tuning = tuneDynamicEvaluation(freshModel, tuningText, candidates, {
        rule,
        decay: v.dynamicDecay ?? defaults.decay,
        epsilon: v.dynamicEpsilon,
        ...(statisticsFor ? { statistics: statisticsFor } : {}),
      });
    }
    const segmentLength = tuning?.best.segmentLength ?? v.dynamicSegment;
    const options = {
      lr: tuning?.best.lr ?? v.dynamicLr ?? defaults.lr,
      segmentLength,
      decay: tuning?.best.decay ?? v.dynamicDecay ?? defaults.decay,
    };
    const statistics = statisticsFor?.(segmentLength);
    const rms = statistics
      ? { epsilon: v.dynamicEpsilon, statistics: { chars: v.dynamicStatsChars, segments: statistics.segments } }
      : {};
    // One model adapts through the documents in order; each starts from a zero hidden state.
    const model = freshModel();
    const result = poolResults(
      documents.map((ids) => dynamicEvaluate(model, ids, { ...options, rule, epsilon: v.dynamicEpsilon, statistics })),
    );
    requireFinite(
      result,
      `the dynamic updates diverged at --dynamic-lr ${options.lr}; lower it (the default is ${defaults.lr})`,
    );
    const tuned = tuning
      ? { tuned: { chars: tuneChars, tried: tuning.tried.map((t) => ({ ...t, bpc: Number(t.bpc.toFixed(6)) })) } }
      : {};
    return {
      result: { loss: result.loss, bpc: result.bpc, count: result.count },
      settings: { ...options, rule, ...rms, ...tuned },
    };
  } finally {
    kernels.close?.();
  }
}

/**
 * The RMS rule's statistics for a segment length, gathered once per length from `text` (the
 * training part's tail) with the trained weights; a usage error when the text is too short for one segment.
 */
function statisticsSource(
  text: readonly IdArray[],
  freshModel: () => CharRnnModel,
): (segmentLength: number) => GradientStatistics {
  const gathered = new Map<number, GradientStatistics>();
  return (segmentLength) => {
    let statistics = gathered.get(segmentLength);
    if (!statistics) {
      const longest = text.reduce((m, ids) => Math.max(m, ids.length), 0);
      if (longest <= segmentLength)
        throw new UsageError(
          `--dynamic-rule rms: the training part has no segment of ${segmentLength} characters to gather statistics on (its longest document: ${longest})`,
          'hold out less (--held-out), or raise --dynamic-stats-chars',
        );
      statistics = gradientStatistics(freshModel(), text, segmentLength);
      gathered.set(segmentLength, statistics);
    }
    return statistics;
  };
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

/** A comma-separated list of --dynamic-tune's grid: positive numbers, positive integers, or fractions in [0, 1]. */
function parseList(text: string, flag: string, kind: 'positive' | 'integer' | 'fraction'): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  const fits = (x: number): boolean =>
    kind === 'fraction'
      ? x >= 0 && x <= 1
      : Number.isFinite(x) && x > 0 && (kind === 'positive' || Number.isInteger(x));
  if (text.trim() === '' || !values.every(fits))
    throw new UsageError(
      `${flag} must be a comma-separated list of ${{ positive: 'positive numbers', integer: 'positive integers', fraction: 'numbers in [0, 1]' }[kind]}, got ${JSON.stringify(text)}`,
    );
  return values;
}
