// The trainer's flag table, typed against TrainConfig: every config key has exactly one flag,
// and its bounds and default come from the config's own rules, so the CLI and the library
// cannot disagree. App-only flags (files, kernels) follow.

import { CONFIG_RULES, DEFAULT_DIVERGENCE, DEFAULT_TRAIN_CONFIG, type TrainConfig } from '@charrnn/train';
import type { FlagSpec, FlagSpecFor, FlagTableFor } from '@charrnn/cli';

const HELP: Record<keyof TrainConfig, string> = {
  task: 'what to learn: next-symbol (a language model), or a label per character: restore-spaces, restore-case, restore-punctuation (derived from the text: its tail held out), binary-addition (generated; the text is not read)',
  bidirectional:
    'each layer also reads the window backwards (PyTorch bidirectional=True); tagging tasks only, as it would see the next symbol',
  cell: 'recurrent cell',
  hidden: 'hidden units per layer (H)',
  layers: 'stacked recurrent layers',
  dropout: 'dropout between layers while training (inverted, seeded)',
  outputDropout: "dropout on the top layer's output, before the decoder, while training",
  weightDrop: 'weight drop: dropout on the recurrent weights W_hh, one mask per window, while training',
  weightInit: 'weight init: auto = seed (randn*0.01, zero biases) for rnn, pytorch (uniform ±1/sqrt(H)) for lstm/gru',
  seqLength: 'characters per window (T): how far back gradients flow',
  batchSize: 'streams trained at once (B), each at its own offset of the text',
  steps: 'total optimizer steps (a resumed run continues up to this count)',
  maxSeconds: 'also stop after this many seconds (0: no limit)',
  maxCpuSeconds:
    'also stop once this session has used this many CPU-seconds (user + system time of the process, the final evaluation included; 0: no limit): the same work on a busy machine as on a quiet one',
  optimizer: 'update rule',
  lr: 'learning rate',
  momentum: 'momentum (for --optimizer momentum)',
  lrSchedule:
    'learning-rate schedule over --steps: constant, cosine or linear decay to lr×lr-min-factor, step (×lr-decay every lr-decay-every steps), plateau (×lr-decay after lr-patience evaluations without a new best)',
  warmup: 'steps of linear warmup from lr/warmup to lr (0: none)',
  lrMinFactor: 'floor of the schedule as a fraction of --lr',
  lrDecay: 'factor of each step/plateau decay',
  lrDecayEvery: 'steps between decays of --lr-schedule step',
  lrPatience: 'evaluations without improvement before a plateau decay',
  weightDecay: 'decoupled weight decay (AdamW; any optimizer): matrices shrink by lr×wd each step, biases do not',
  emaDecay:
    'average the weights (exponential moving average, this decay per step; 0: off): evaluation, samples and saved models use the average',
  patience: 'early stopping: stop after this many evaluations without a new best validation loss (0: never)',
  clipMode: 'gradient clipping: elementwise ±clip (the seed), global norm, or none',
  clip: 'clipping limit',
  seed: 'random seed for weights, dropout and samples',
  dtype: 'float type: f32 is fast, f64 for exact comparisons',
  valFraction: 'last fraction of the text held out for validation (of all --data files concatenated, in order)',
  unit: 'what a symbol is: char (a Unicode character of UTF-8 text) or byte (raw bytes: any encoding, binary data; never decoded)',
  evalEvery: 'steps between validation passes (0: never)',
  sampleEvery: 'steps between printed samples (0: never)',
  sampleLength: 'characters per sample',
  temperature: 'sampling temperature: below 1 safer and more repetitive, above 1 more surprising',
  topK: 'sample only among the k most likely characters (0: all)',
  topP: 'nucleus sampling: only among the most likely characters whose probabilities sum to p (1: all)',
  logEvery: 'steps between log rows and progress lines',
  saveEvery: 'steps between checkpoints when --save is given (0: only at the end)',
  threads: "threads for one run's large matrix products: 2 uses a second core (wasm kernels; same results)",
};

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Where a config key's flag is not its kebab-case name: the same setting has the same flag in every
 * bin (charrnn-sample's --temperature), and the old name stays accepted as an alias.
 */
const FLAG_NAMES: Partial<Record<keyof TrainConfig, { readonly flag: string; readonly aliases: readonly string[] }>> = {
  temperature: { flag: 'temperature', aliases: ['sample-temperature'] },
};

/**
 * A config key's flag, from its rule and default. The rule's kind is the kind of the key's type
 * (CONFIG_RULES is checked against resolveTrainConfig's validation and DEFAULT_TRAIN_CONFIG in
 * @charrnn/train's specs), which is what lets the built spec stand for FlagSpecFor<TrainConfig[K]>.
 */
function configFlag<K extends keyof TrainConfig>(key: K): FlagSpecFor<TrainConfig[K]> {
  const rule = CONFIG_RULES[key];
  const base = { flag: kebab(key), help: HELP[key], default: DEFAULT_TRAIN_CONFIG[key], ...FLAG_NAMES[key] };
  const spec: FlagSpec =
    rule.kind === 'enum'
      ? { ...base, kind: 'enum', values: rule.values }
      : rule.kind === 'boolean'
        ? { ...base, kind: 'boolean' }
        : {
            ...base,
            kind: rule.kind,
            min: rule.min,
            ...(rule.max !== undefined ? { max: rule.max } : {}),
            ...(rule.kind === 'number' ? { exclusiveMin: rule.exclusiveMin, exclusiveMax: rule.exclusiveMax } : {}),
          };
  return spec as FlagSpecFor<TrainConfig[K]>;
}

/** Every config key's flag: a key without one, or with a flag of another kind, does not compile. */
export const CONFIG_FLAGS: FlagTableFor<TrainConfig> = {
  task: configFlag('task'),
  bidirectional: configFlag('bidirectional'),
  cell: configFlag('cell'),
  hidden: configFlag('hidden'),
  layers: configFlag('layers'),
  dropout: configFlag('dropout'),
  outputDropout: configFlag('outputDropout'),
  weightDrop: configFlag('weightDrop'),
  weightInit: configFlag('weightInit'),
  seqLength: configFlag('seqLength'),
  batchSize: configFlag('batchSize'),
  steps: configFlag('steps'),
  maxSeconds: configFlag('maxSeconds'),
  maxCpuSeconds: configFlag('maxCpuSeconds'),
  optimizer: configFlag('optimizer'),
  lr: configFlag('lr'),
  momentum: configFlag('momentum'),
  lrSchedule: configFlag('lrSchedule'),
  warmup: configFlag('warmup'),
  lrMinFactor: configFlag('lrMinFactor'),
  lrDecay: configFlag('lrDecay'),
  lrDecayEvery: configFlag('lrDecayEvery'),
  lrPatience: configFlag('lrPatience'),
  weightDecay: configFlag('weightDecay'),
  emaDecay: configFlag('emaDecay'),
  patience: configFlag('patience'),
  clipMode: configFlag('clipMode'),
  clip: configFlag('clip'),
  seed: configFlag('seed'),
  dtype: configFlag('dtype'),
  valFraction: configFlag('valFraction'),
  unit: configFlag('unit'),
  evalEvery: configFlag('evalEvery'),
  sampleEvery: configFlag('sampleEvery'),
  sampleLength: configFlag('sampleLength'),
  temperature: configFlag('temperature'),
  topK: configFlag('topK'),
  topP: configFlag('topP'),
  logEvery: configFlag('logEvery'),
  saveEvery: configFlag('saveEvery'),
  threads: configFlag('threads'),
};

/** The sampling flags charrnn-sample shares with charrnn-train (its printed samples), same names and rules. */
export const SAMPLING_FLAGS = {
  temperature: CONFIG_FLAGS.temperature,
  topK: CONFIG_FLAGS.topK,
  topP: CONFIG_FLAGS.topP,
};

/** charrnn-tag's and charrnn-eval's window for a tagging checkpoint. */
export const TAG_WINDOW_FLAG = {
  flag: 'window',
  kind: 'int',
  min: 1,
  max: 100_000,
  help: "tagging checkpoints: characters per forward pass (default: the checkpoint's --seq-length); a bidirectional model looks half of it ahead",
} satisfies FlagSpec;

export const KERNEL_FLAG = {
  flag: 'kernels',
  kind: 'enum',
  values: ['auto', 'reference', 'wasm'] as const,
  default: 'auto',
  help: 'compute kernels: auto picks WebAssembly SIMD (with the native gemm where npm ci built it) when available, else the reference TypeScript loops',
} satisfies FlagSpec;

export const TRAIN_APP_FLAGS = {
  data: {
    flag: 'data',
    kind: 'string',
    placeholder: 'FILE|DIR|GLOB …',
    help: "text to train on: files, directories (their files, recursively, sorted; hidden ones skipped) or quoted globs, each file a document (the state resets between them) (default: data/devils-dictionary.txt, The Devil's Dictionary, a public-domain text bundled with the app)",
  },
  log: { flag: 'log', kind: 'string', placeholder: 'FILE.csv', help: 'append one CSV row per logged step' },
  save: { flag: 'save', kind: 'string', placeholder: 'FILE.safetensors', help: 'write checkpoints here (atomically)' },
  saveBest: {
    flag: 'save-best',
    kind: 'string',
    placeholder: 'FILE.safetensors',
    help: 'also keep the checkpoint of the best validation loss here (rewritten at each new best; resumable)',
  },
  init: {
    flag: 'init',
    kind: 'string',
    placeholder: 'FILE',
    help: 'start from these weights (vocabulary and architecture too) with a fresh optimizer',
  },
  extendVocab: {
    flag: 'extend-vocab',
    kind: 'boolean',
    help: "with --init: characters of --data outside the checkpoint's vocabulary are added with fresh weights (one line says which)",
  },
  resume: {
    flag: 'resume',
    kind: 'string',
    placeholder: 'FILE',
    help: 'continue a run saved with --save exactly where it stopped',
  },
  force: {
    flag: 'force',
    kind: 'boolean',
    help: 'replace an existing --save checkpoint or --log file instead of refusing',
  },
  divergeFactor: {
    flag: 'diverge-factor',
    kind: 'number',
    min: 0,
    default: DEFAULT_DIVERGENCE.factor,
    help: 'stop (exit 1) when the loss stays above this many times ln V (a uniform guess) for --diverge-window steps; 0: only a non-finite loss stops',
  },
  divergeWindow: {
    flag: 'diverge-window',
    kind: 'int',
    min: 1,
    default: DEFAULT_DIVERGENCE.window,
    help: 'consecutive steps above the --diverge-factor line that count as diverged',
  },
  kernels: KERNEL_FLAG,
} satisfies Record<string, FlagSpec>;

export const TRAIN_FLAGS = { ...CONFIG_FLAGS, ...TRAIN_APP_FLAGS };
