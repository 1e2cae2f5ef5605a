// The training configuration: one flat record, one key per command-line flag, with the seed's
// settings as defaults. The trainer, the sweep runner and the benchmarks all start from here.

import type { Dtype } from '@charrnn/tensor';
import { TASK_NAMES, TEXT_UNITS, type TaskName, type TextUnit } from '@charrnn/corpus';
import { CELL_NAMES, INIT_NAMES, type CellName, type InitName } from '@charrnn/model';
import {
  CLIP_KINDS,
  LR_SCHEDULES,
  OPTIMIZER_NAMES,
  type ClipKind,
  type LrScheduleName,
  type OptimizerName,
} from '@charrnn/optim';

export interface TrainConfig {
  /** What the model learns: the next symbol, or a label per input symbol (see @charrnn/corpus's tasks). */
  readonly task: TaskName;
  /** Each layer also reads the window backwards (tagging tasks only: it would see the next symbol). */
  readonly bidirectional: boolean;
  /** What one symbol is: a character (code point of UTF-8 text) or a raw byte (any encoding, binary data). */
  readonly unit: TextUnit;
  /** Recurrent cell. */
  readonly cell: CellName;
  /** Hidden units per layer (H). */
  readonly hidden: number;
  /** Stacked recurrent layers. */
  readonly layers: number;
  /** Inverted dropout between layers, training only. */
  readonly dropout: number;
  /** Inverted dropout on the top layer's output, before the decoder, training only. */
  readonly outputDropout: number;
  /** DropConnect on the recurrent weights W_hh, one mask per window (AWD-LSTM's weight drop), training only. */
  readonly weightDrop: number;
  /** Weight initialization; "auto" is the seed's for rnn and PyTorch's for lstm/gru. */
  readonly weightInit: InitName | 'auto';
  /** Characters per window (T), the truncation length of backpropagation through time. */
  readonly seqLength: number;
  /** Streams trained at once (B); the loss is averaged over them. */
  readonly batchSize: number;
  /** Total optimizer steps of the run (a resumed run continues up to this count). */
  readonly steps: number;
  /** Stop early after this many seconds of training (0: no limit). */
  readonly maxSeconds: number;
  /**
   * Stop early once this session has used this many CPU-seconds of the process (user + system;
   * 0: no limit). Needs the trainer's cpuClock option. Fair on a loaded machine, where wall time is not.
   */
  readonly maxCpuSeconds: number;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  /** Momentum for "momentum"; ignored otherwise. */
  readonly momentum: number;
  /** How the learning rate moves over the run (see @charrnn/optim's LrSchedule). */
  readonly lrSchedule: LrScheduleName;
  /** Updates of linear warmup from lr/warmup up to lr (0: none). */
  readonly warmup: number;
  /** The schedule's floor as a fraction of lr: where cosine and linear end, below which step and plateau never go. */
  readonly lrMinFactor: number;
  /** step and plateau multiply the rate by this. */
  readonly lrDecay: number;
  /** step: updates between decays. */
  readonly lrDecayEvery: number;
  /** plateau: evaluations without a new best validation loss before a decay. */
  readonly lrPatience: number;
  /** Decoupled weight decay (AdamW-style, any optimizer): matrices shrink by lr·wd each update; biases do not. */
  readonly weightDecay: number;
  /**
   * Polyak averaging: an exponential moving average of the weights, with this decay per step (0: off).
   * Evaluation, samples and saved models use the average; training continues on the raw weights.
   */
  readonly emaDecay: number;
  /** Early stopping: stop after this many evaluations without a new best validation loss (0: never). */
  readonly patience: number;
  /** How gradients are clipped before each update: the seed's elementwise ±clip, a global norm, or none. */
  readonly clipMode: ClipKind;
  readonly clip: number;
  /** Seeds the initial weights, dropout masks and samples. */
  readonly seed: number;
  readonly dtype: Dtype;
  /** The last fraction of the text held out for validation. */
  readonly valFraction: number;
  /** Steps between validation passes (0: never). */
  readonly evalEvery: number;
  /** Steps between samples (0: never). */
  readonly sampleEvery: number;
  readonly sampleLength: number;
  /** Sampling of those samples, as charrnn-sample's flags of the same names: temperature, top-k (0: all), top-p (1: all). */
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
  /** Steps between logged step events (CSV rows, progress lines). */
  readonly logEvery: number;
  /** Steps between periodic checkpoints (0: only the final one). */
  readonly saveEvery: number;
  /**
   * Threads for one run's large matrix products (1 or 2; wasm kernels only). Results do not
   * depend on it, so it is not a training key; sweeps running one trial per core keep it at 1.
   */
  readonly threads: number;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  task: 'next-symbol',
  bidirectional: false,
  unit: 'char',
  cell: 'rnn',
  hidden: 100,
  layers: 1,
  dropout: 0,
  outputDropout: 0,
  weightDrop: 0,
  weightInit: 'auto',
  seqLength: 25,
  batchSize: 1,
  steps: 10_000,
  maxSeconds: 0,
  maxCpuSeconds: 0,
  optimizer: 'adagrad',
  lr: 0.1,
  momentum: 0.9,
  lrSchedule: 'constant',
  warmup: 0,
  lrMinFactor: 0,
  lrDecay: 0.5,
  lrDecayEvery: 1000,
  lrPatience: 2,
  weightDecay: 0,
  emaDecay: 0,
  patience: 0,
  clipMode: 'elementwise',
  clip: 5,
  seed: 1,
  dtype: 'f32',
  valFraction: 0.1,
  evalEvery: 1000,
  sampleEvery: 1000,
  sampleLength: 200,
  temperature: 1,
  topK: 0,
  topP: 1,
  logEvery: 100,
  saveEvery: 1000,
  threads: 1,
};

/** Keys that change what is computed; a resumed run must keep them as the checkpoint has them. */
export const TRAINING_KEYS = [
  'task',
  'bidirectional',
  'unit',
  'cell',
  'hidden',
  'layers',
  'dropout',
  'outputDropout',
  'weightDrop',
  'weightInit',
  'seqLength',
  'batchSize',
  'optimizer',
  'lr',
  'momentum',
  'lrSchedule',
  'warmup',
  'lrMinFactor',
  'lrDecay',
  'lrDecayEvery',
  'lrPatience',
  'weightDecay',
  'emaDecay',
  'clipMode',
  'clip',
  'seed',
  'dtype',
  'valFraction',
] as const satisfies readonly (keyof TrainConfig)[];

type Rule =
  | { kind: 'int'; min: number; max?: number }
  | { kind: 'number'; min: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'boolean' };

/** The rule each key must satisfy; the CLI and the sweep spec validator report against these. */
export const CONFIG_RULES: Record<keyof TrainConfig, Rule> = {
  task: { kind: 'enum', values: TASK_NAMES },
  bidirectional: { kind: 'boolean' },
  unit: { kind: 'enum', values: TEXT_UNITS },
  cell: { kind: 'enum', values: CELL_NAMES },
  hidden: { kind: 'int', min: 1, max: 8192 },
  layers: { kind: 'int', min: 1, max: 16 },
  dropout: { kind: 'number', min: 0, max: 1, exclusiveMax: true },
  outputDropout: { kind: 'number', min: 0, max: 1, exclusiveMax: true },
  weightDrop: { kind: 'number', min: 0, max: 1, exclusiveMax: true },
  weightInit: { kind: 'enum', values: ['auto', ...INIT_NAMES] },
  seqLength: { kind: 'int', min: 1, max: 100_000 },
  batchSize: { kind: 'int', min: 1, max: 100_000 },
  steps: { kind: 'int', min: 0 },
  maxSeconds: { kind: 'number', min: 0 },
  maxCpuSeconds: { kind: 'number', min: 0 },
  optimizer: { kind: 'enum', values: OPTIMIZER_NAMES },
  lr: { kind: 'number', min: 0, exclusiveMin: true },
  momentum: { kind: 'number', min: 0, max: 1, exclusiveMax: true },
  lrSchedule: { kind: 'enum', values: LR_SCHEDULES },
  warmup: { kind: 'int', min: 0 },
  lrMinFactor: { kind: 'number', min: 0, max: 1 },
  lrDecay: { kind: 'number', min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
  lrDecayEvery: { kind: 'int', min: 1 },
  lrPatience: { kind: 'int', min: 1 },
  weightDecay: { kind: 'number', min: 0 },
  emaDecay: { kind: 'number', min: 0, max: 1, exclusiveMax: true },
  patience: { kind: 'int', min: 0 },
  clipMode: { kind: 'enum', values: CLIP_KINDS },
  clip: { kind: 'number', min: 0, exclusiveMin: true },
  seed: { kind: 'int', min: 0, max: 0xffffffff },
  dtype: { kind: 'enum', values: ['f32', 'f64'] },
  valFraction: { kind: 'number', min: 0, max: 1, exclusiveMax: true },
  evalEvery: { kind: 'int', min: 0 },
  sampleEvery: { kind: 'int', min: 0 },
  sampleLength: { kind: 'int', min: 0 },
  temperature: { kind: 'number', min: 0, exclusiveMin: true },
  topK: { kind: 'int', min: 0 },
  topP: { kind: 'number', min: 0, max: 1, exclusiveMin: true },
  logEvery: { kind: 'int', min: 1 },
  saveEvery: { kind: 'int', min: 0 },
  threads: { kind: 'int', min: 1, max: 2 },
};

/** Describes why a value breaks its key's rule, or returns null when it is fine. */
export function checkConfigValue(key: keyof TrainConfig, value: unknown): string | null {
  const rule = CONFIG_RULES[key];
  if (rule.kind === 'boolean') return typeof value === 'boolean' ? null : 'must be true or false';
  if (rule.kind === 'enum') {
    return typeof value === 'string' && rule.values.includes(value) ? null : `must be one of ${rule.values.join(', ')}`;
  }
  if (typeof value !== 'number' || !Number.isFinite(value))
    return rule.kind === 'int' ? 'must be an integer' : 'must be a number';
  if (rule.kind === 'int' && !Number.isInteger(value)) return 'must be an integer';
  const low = rule.kind === 'number' && rule.exclusiveMin ? value <= rule.min : value < rule.min;
  const high =
    rule.max !== undefined && (rule.kind === 'number' && rule.exclusiveMax ? value >= rule.max : value > rule.max);
  if (low || high) return `must be ${describeRange(rule)}`;
  return null;
}

function describeRange(rule: Extract<Rule, { min: number }>): string {
  const exclusiveMin = rule.kind === 'number' && rule.exclusiveMin;
  const exclusiveMax = rule.kind === 'number' && rule.exclusiveMax;
  if (rule.max === undefined) return exclusiveMin ? `> ${rule.min}` : `>= ${rule.min}`;
  return `in ${exclusiveMin ? '(' : '['}${rule.min}, ${rule.max}${exclusiveMax ? ')' : ']'}`;
}

/** Settings that are each fine but not together: one line saying why, or null. */
export function conflictingKeys(config: Pick<TrainConfig, 'task' | 'bidirectional' | 'unit'>): string | null {
  if (config.bidirectional && config.task === 'next-symbol')
    return 'bidirectional needs a tagging task, got task next-symbol (a model reading the window backwards would see the symbol it must predict)';
  if (config.task !== 'next-symbol' && config.unit === 'byte')
    return `task ${config.task} needs unit char, got unit byte (its labels are about characters)`;
  return null;
}

/** Fills defaults and validates every key; throws a RangeError naming the first bad key. */
export function resolveTrainConfig(partial: Partial<TrainConfig>): TrainConfig {
  const config = { ...DEFAULT_TRAIN_CONFIG, ...partial };
  for (const key of Object.keys(CONFIG_RULES) as (keyof TrainConfig)[]) {
    const problem = checkConfigValue(key, config[key]);
    if (problem) throw new RangeError(`TrainConfig: ${key} ${problem}, got ${JSON.stringify(config[key])}`);
  }
  const conflict = conflictingKeys(config);
  if (conflict) throw new RangeError(`TrainConfig: ${conflict}`);
  return config;
}
