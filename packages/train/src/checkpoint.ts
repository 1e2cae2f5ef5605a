// Checkpoints as safetensors with PyTorch's tensor names: `rnn.weight_ih_l0` … and `decoder.*`
// load into torch.nn.RNN/LSTM/GRU + torch.nn.Linear. `__metadata__` holds `vocab` (a JSON array of
// one-character strings) and `cell`; everything else — the training config, optimizer slots
// (`optim.*`), carried hidden state (`state.*`), step, data pointers, PRNG states — is optional and
// only needed to resume. Any file with just the model tensors and those two keys loads.

import {
  encodeSafetensors,
  readSafetensorsLayout,
  SafetensorsError,
  tensorFromBytes,
  type SafetensorsEntry,
  type SafetensorsLayout,
  type SafetensorsTensor,
} from '@charrnn/safetensors';
import { formatShape, type Dtype, type FloatArray, type Kernels, type PrngState } from '@charrnn/tensor';
import { Vocabulary, isTaskName, taskFor, type TaskName } from '@charrnn/corpus';
import {
  CELL_NAMES,
  CharRnnModel,
  DECODER_BIAS,
  DECODER_WEIGHT,
  cellForGateCount,
  directionCount,
  gateCount,
  outputCount,
  isCellName,
  layerParamNames,
  type CellName,
  type ModelConfig,
  type RecurrentState,
} from '@charrnn/model';
import type { LrScheduleState, Optimizer, StateTensorInput } from '@charrnn/optim';
import type { WindowStreamState } from '@charrnn/corpus';
import { resolveTrainConfig, type TrainConfig } from './config.js';
import {
  CHECKPOINT_FORMAT,
  MetadataError,
  parseDataReference,
  parseFormat,
  parseStoredConfig,
  parseTraining,
  type DataReference,
} from './checkpoint-metadata.js';

/** A checkpoint that cannot be used, with a message that says why. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

export interface PrngSnapshot {
  readonly words: PrngState | readonly number[];
  readonly spareNormal: number | null;
}

/** What a resumed run needs beyond the weights. */
export interface TrainingSnapshot {
  readonly step: number;
  readonly chars: number;
  readonly smoothLoss: number;
  readonly bestValLoss: number | null;
  /** Evaluations since the last new best (early stopping); absent in older checkpoints. */
  readonly evalsSinceBest?: number;
  /** The learning-rate schedule's validation memory (plateau); absent in older checkpoints. */
  readonly schedule?: LrScheduleState;
  readonly stream: WindowStreamState;
  readonly dropoutRng: PrngSnapshot;
  readonly sampleRng: PrngSnapshot;
  readonly optimizerScalars: Record<string, number>;
  /** Seconds of training before this checkpoint, over every session of the run (elapsed_s continues). */
  readonly elapsedSec?: number;
}

export interface Checkpoint {
  readonly model: ModelConfig;
  readonly vocab: Vocabulary;
  /** What the model does: next-symbol prediction, or a tagging task (its decoder scores the task's labels). */
  readonly task: TaskName;
  /** Every tensor in the file, by name (model, optimizer, state). */
  readonly tensors: Map<string, SafetensorsTensor>;
  readonly metadata: Record<string, string>;
  /** Present when the file was written by charrnn-train. */
  readonly config?: TrainConfig;
  readonly training?: TrainingSnapshot;
  /** The text the run trained on (written by charrnn-train; resume finds it again). */
  readonly data?: DataReference;
}

export interface EncodeCheckpointInput {
  /** The model the file serves (under PyTorch's names): with weight averaging, the average. */
  readonly model: CharRnnModel;
  /** With weight averaging: the raw weights training continues from, stored as `train.<name>` (resume only). */
  readonly trainingWeights?: CharRnnModel;
  readonly vocab: Vocabulary;
  /** The tagging task of a tagging model (required then: its decoder's rows are the task's labels). */
  readonly task?: TaskName;
  readonly config?: TrainConfig;
  readonly training?: TrainingSnapshot;
  readonly optimizer?: Optimizer;
  readonly state?: RecurrentState;
  readonly data?: DataReference;
}

export function encodeCheckpoint(input: EncodeCheckpointInput): Uint8Array {
  const { model } = input;
  const dtype = model.config.dtype === 'f32' ? 'F32' : 'F64';
  const tensors = new Map<string, SafetensorsTensor>();
  const put = (name: string, shape: readonly number[], data: FloatArray): void => {
    tensors.set(name, {
      dtype,
      shape: [...shape],
      data: data instanceof Float32Array ? Float32Array.from(data) : Float64Array.from(data),
    } as SafetensorsTensor);
  };
  for (const p of model.params.list) put(p.name, p.shape, p.value);
  if (input.trainingWeights)
    for (const p of input.trainingWeights.params.list) put(`${TRAINING_WEIGHTS_PREFIX}${p.name}`, p.shape, p.value);
  if (input.optimizer)
    for (const [name, t] of Object.entries(input.optimizer.stateTensors())) put(name, t.shape, t.data);
  if (input.state) {
    const H = model.config.hiddenSize;
    input.state.h.forEach((h, k) => put(`state.h_l${k}`, [input.state!.batch, H], h));
    input.state.c?.forEach((c, k) => put(`state.c_l${k}`, [input.state!.batch, H], c));
  }
  const metadata: Record<string, string> = {
    vocab: JSON.stringify(input.vocab.toJSON()),
    cell: model.config.cell,
    format: CHECKPOINT_FORMAT,
    dropout: String(model.config.dropout),
  };
  const task = input.task ?? input.config?.task ?? 'next-symbol';
  if (task !== 'next-symbol') metadata['task'] = task;
  if (input.config) metadata['config'] = JSON.stringify(input.config);
  if (input.training) metadata['training'] = JSON.stringify({ ...input.training, optimizer: input.optimizer?.name });
  if (input.data) metadata['data'] = JSON.stringify(input.data);
  return encodeSafetensors(tensors, metadata);
}

/** Where a checkpoint's tensor bytes come from: a whole file in memory, or a file handle. */
export interface CheckpointSource {
  /** The header, already checked against the file's size (readSafetensorsLayout). */
  readonly layout: SafetensorsLayout;
  /** The bytes [entry.begin, entry.end) of the file. */
  read(entry: SafetensorsEntry): Uint8Array;
}

/** Parses and validates a checkpoint held in memory; every problem is a CheckpointError with a one-line message. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  let layout;
  try {
    layout = readSafetensorsLayout(bytes, bytes.length);
  } catch (error) {
    if (error instanceof SafetensorsError) throw new CheckpointError(`not a valid safetensors file: ${error.message}`);
    throw error;
  }
  return decodeCheckpointFrom({ layout, read: (entry) => bytes.subarray(entry.begin, entry.end) });
}

/** Prefix of the raw training weights in a checkpoint whose model tensors hold their average. */
const TRAINING_WEIGHTS_PREFIX = 'train.';

/** Tensors a checkpoint uses: the model's, raw training weights, optimizer slots and carried state. Others are never read. */
function isCheckpointTensor(name: string, modelNames: ReadonlySet<string>): boolean {
  return (
    modelNames.has(name) ||
    (name.startsWith(TRAINING_WEIGHTS_PREFIX) && modelNames.has(name.slice(TRAINING_WEIGHTS_PREFIX.length))) ||
    name.startsWith('optim.') ||
    name.startsWith('state.')
  );
}

/**
 * Validates the metadata and the tensor table (names, shapes, dtypes) before reading any tensor
 * bytes, then reads only the tensors a checkpoint uses and refuses non-finite values, naming the
 * tensor and entry.
 */
export function decodeCheckpointFrom(source: CheckpointSource): Checkpoint {
  const { metadata } = source.layout;
  const table = new Map(source.layout.entries.map((e) => [e.name, e]));
  let config: TrainConfig | undefined;
  let training: TrainingSnapshot | undefined;
  let data: DataReference | undefined;
  try {
    parseFormat(metadata['format']);
    config = metadata['config'] ? resolveTrainConfig(parseStoredConfig(metadata['config'])) : undefined;
    training = metadata['training'] ? (parseTraining(metadata['training']) as unknown as TrainingSnapshot) : undefined;
    data = metadata['data'] ? parseDataReference(metadata['data']) : undefined;
  } catch (error) {
    if (error instanceof MetadataError) throw new CheckpointError(error.message);
    throw error;
  }
  const vocab = parseVocab(metadata['vocab']);
  const task = parseTask(metadata['task'], config);
  const model = inferModelConfig(table, metadata, vocab.size, task);
  const modelNames = new Set([
    ...Array.from({ length: model.layers * directionCount(model) }, (_, i) =>
      Object.values(layerParamNames(Math.floor(i / directionCount(model)), i % directionCount(model) === 1)),
    ).flat(),
    DECODER_WEIGHT,
    DECODER_BIAS,
  ]);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const entry of source.layout.entries) {
    if (!isCheckpointTensor(entry.name, modelNames)) continue;
    let tensor;
    try {
      tensor = tensorFromBytes(entry, source.read(entry));
    } catch (error) {
      if (error instanceof SafetensorsError)
        throw new CheckpointError(`not a valid safetensors file: ${error.message}`);
      throw error;
    }
    requireFinite(entry.name, tensor);
    tensors.set(entry.name, tensor);
  }
  return {
    model,
    vocab,
    task,
    tensors,
    metadata,
    ...(config ? { config } : {}),
    ...(training ? { training } : {}),
    ...(data ? { data } : {}),
  };
}

/** A NaN or infinite weight makes every prediction NaN: refuse it where it is, not at the output. */
function requireFinite(name: string, tensor: SafetensorsTensor): void {
  if (tensor.dtype !== 'F32' && tensor.dtype !== 'F64') return;
  const values = tensor.data as FloatArray;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v !== 0) {
      throw new CheckpointError(
        `tensor "${name}" has a non-finite value (${v}) at entry ${i} of ${values.length}; the run that wrote it had diverged`,
      );
    }
  }
}

/** The task: metadata "task" (written for tagging models), else the stored config's, else next-symbol. */
function parseTask(stored: string | undefined, config: TrainConfig | undefined): TaskName {
  if (stored === undefined) return config?.task ?? 'next-symbol';
  if (!isTaskName(stored))
    throw new CheckpointError(`metadata "task" must be a task name, got ${JSON.stringify(stored.slice(0, 40))}`);
  if (config && config.task !== stored)
    throw new CheckpointError(`metadata "task" (${stored}) must match the stored config's task, got ${config.task}`);
  return stored;
}

function parseVocab(text: string | undefined): Vocabulary {
  if (text === undefined)
    throw new CheckpointError('metadata must have "vocab" (a JSON array of one-character strings), got none');
  try {
    return Vocabulary.fromJSON(JSON.parse(text));
  } catch (error) {
    throw new CheckpointError(`metadata "vocab" is invalid: ${(error as Error).message}`);
  }
}

/**
 * Sizes come from the tensor shapes: O and D·H from decoder.weight, depth from the rnn.*_l{k} names,
 * bidirectional from rnn.*_l0_reverse; V is the vocabulary's, O the task's labels or V.
 */
function inferModelConfig(
  tensors: ReadonlyMap<string, TensorInfo>,
  metadata: Record<string, string>,
  vocabSize: number,
  task: TaskName,
): ModelConfig {
  const decoder = requireTensor(tensors, DECODER_WEIGHT);
  if (decoder.shape.length !== 2)
    throw new CheckpointError(`${DECODER_WEIGHT} must be 2-d [O, H], got ${formatShape(decoder.shape)}`);
  const [O, DH] = decoder.shape as [number, number];
  const tagging = taskFor(task);
  const expectedO = tagging ? tagging.labels.length : vocabSize;
  if (O !== expectedO)
    throw new CheckpointError(
      tagging
        ? `${DECODER_WEIGHT} must have one row per label of task ${task} (${expectedO}), got ${formatShape(decoder.shape)}`
        : `${DECODER_WEIGHT} must have one row per vocabulary character (${vocabSize}), got ${formatShape(decoder.shape)}`,
    );
  const bidirectional = tensors.has(layerParamNames(0, true).weightIh);
  const D = bidirectional ? 2 : 1;
  if (DH % D !== 0)
    throw new CheckpointError(
      `${DECODER_WEIGHT} must have 2·H columns in a bidirectional model, got ${formatShape(decoder.shape)}`,
    );
  const H = DH / D;
  const V = vocabSize;
  const dtype: Dtype =
    decoder.dtype === 'F64' ? 'f64' : decoder.dtype === 'F32' ? 'f32' : failDtype(DECODER_WEIGHT, decoder.dtype);
  let layers = 0;
  while (tensors.has(layerParamNames(layers).weightIh)) layers++;
  if (layers === 0) throw new CheckpointError(`checkpoint must have tensor "${layerParamNames(0).weightIh}", got none`);
  const cell = inferCell(metadata['cell'], requireTensor(tensors, layerParamNames(0).weightHh).shape, H);
  const dropout = Number(metadata['dropout'] ?? 0);
  const model: ModelConfig = {
    cell,
    vocabSize: V,
    hiddenSize: H,
    layers,
    dropout: dropout >= 0 && dropout < 1 ? dropout : 0,
    ...(tagging ? { outputSize: O } : {}),
    ...(bidirectional ? { bidirectional } : {}),
    dtype,
  };
  const G = gateCount(cell);
  const expect = (name: string, shape: number[]): void => {
    const t = requireTensor(tensors, name);
    if (formatShape(t.shape) !== formatShape(shape)) {
      throw new CheckpointError(
        `tensor "${name}" must have shape ${formatShape(shape)} for a ${bidirectional ? 'bidirectional ' : ''}${cell} with V=${V}, H=${H}, got ${formatShape(t.shape)}`,
      );
    }
    if (t.dtype !== decoder.dtype)
      throw new CheckpointError(`tensor "${name}" must be ${decoder.dtype} like ${DECODER_WEIGHT}, got ${t.dtype}`);
  };
  for (let k = 0; k < layers; k++) {
    for (let d = 0; d < D; d++) {
      const names = layerParamNames(k, d === 1);
      expect(names.weightIh, [G * H, k === 0 ? V : D * H]);
      expect(names.weightHh, [G * H, H]);
      expect(names.biasIh, [G * H]);
      expect(names.biasHh, [G * H]);
    }
  }
  expect(DECODER_BIAS, [O]);
  return model;
}

function inferCell(stored: string | undefined, weightHhShape: readonly number[], H: number): CellName {
  if (stored !== undefined) {
    if (!isCellName(stored))
      throw new CheckpointError(
        `metadata "cell" must be one of ${CELL_NAMES.join(', ')}, got ${JSON.stringify(stored)}`,
      );
    return stored;
  }
  const cell = cellForGateCount((weightHhShape[0] ?? 0) / H);
  if (cell) return cell.name;
  throw new CheckpointError(
    `metadata must have "cell" (${CELL_NAMES.join(', ')}), got none, and ${layerParamNames(0).weightHh} ${formatShape(weightHhShape)} does not tell`,
  );
}

function failDtype(name: string, dtype: string): never {
  throw new CheckpointError(`tensor "${name}" must be F32 or F64, got ${dtype}`);
}

/** What the tensor table says about a tensor: enough to check shapes before reading bytes. */
interface TensorInfo {
  readonly dtype: string;
  readonly shape: readonly number[];
}

function requireTensor<T extends TensorInfo>(tensors: ReadonlyMap<string, T>, name: string): T {
  const t = tensors.get(name);
  if (!t) throw new CheckpointError(`checkpoint must have tensor "${name}", got none`);
  return t;
}

/** Builds a model with the checkpoint's weights, in the checkpoint's dtype unless one is asked for. */
export function modelFromCheckpoint(checkpoint: Checkpoint, kernels?: Kernels, dtype?: Dtype): CharRnnModel {
  const model = new CharRnnModel({ ...checkpoint.model, dtype: dtype ?? checkpoint.model.dtype }, kernels);
  loadWeights(model, checkpoint);
  return model;
}

/** Copies the checkpoint's weights into a model of the same architecture (converting dtype). */
export function loadWeights(model: CharRnnModel, checkpoint: Checkpoint): void {
  const { cell, vocabSize, hiddenSize, layers } = checkpoint.model;
  const c = model.config;
  const describe = (m: ModelConfig): string =>
    `a ${m.layers}-layer ${directionCount(m) === 2 ? 'bidirectional ' : ''}${m.cell} with V=${m.vocabSize}, H=${m.hiddenSize}${outputCount(m) !== m.vocabSize ? `, O=${outputCount(m)}` : ''}`;
  if (
    c.cell !== cell ||
    c.vocabSize !== vocabSize ||
    c.hiddenSize !== hiddenSize ||
    c.layers !== layers ||
    directionCount(c) !== directionCount(checkpoint.model) ||
    outputCount(c) !== outputCount(checkpoint.model)
  ) {
    throw new CheckpointError(
      `checkpoint holds ${describe(checkpoint.model)}; the model must match, got ${describe(c)}`,
    );
  }
  for (const p of model.params.list) {
    p.value.set(requireTensor(checkpoint.tensors, p.name).data as FloatArray);
    p.grad.fill(0);
  }
}

/**
 * For --resume of a run with weight averaging: copies the raw training weights (`train.*`) into the
 * trained model; the model tensors (the average) were loaded by loadWeights.
 */
export function loadTrainingWeights(model: CharRnnModel, checkpoint: Checkpoint): void {
  for (const p of model.params.list) {
    const t = requireTensor(checkpoint.tensors, `${TRAINING_WEIGHTS_PREFIX}${p.name}`);
    if (t.data.length !== p.value.length || t.dtype !== checkpoint.tensors.get(p.name)?.dtype)
      throw new CheckpointError(
        `tensor "${TRAINING_WEIGHTS_PREFIX}${p.name}" must have the shape and dtype of "${p.name}", got ${formatShape(t.shape)} ${t.dtype}`,
      );
    p.value.set(t.data as FloatArray);
  }
}

/** The optimizer's `optim.*` slots and scalars from a checkpoint's tensors; a mismatch is a CheckpointError. */
export function loadOptimizerSlots(
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  scalars: Readonly<Record<string, number>>,
  optimizer: Optimizer,
): void {
  const inputs = new Map<string, StateTensorInput>();
  for (const [name, t] of tensors) inputs.set(name, { shape: t.shape, data: t.data as FloatArray });
  try {
    optimizer.loadState(inputs, scalars);
  } catch (error) {
    throw new CheckpointError((error as Error).message);
  }
}

/** Restores optimizer slots and the carried hidden state for --resume. */
export function loadTrainingState(checkpoint: Checkpoint, optimizer: Optimizer, state: RecurrentState): void {
  if (!checkpoint.training)
    throw new CheckpointError(
      'checkpoint has no training state to resume from (it holds weights only); use --init instead of --resume',
    );
  loadOptimizerSlots(checkpoint.tensors, checkpoint.training.optimizerScalars, optimizer);
  const restore = (prefix: string, arrays: FloatArray[]): void =>
    arrays.forEach((array, k) => {
      const t = requireTensor(checkpoint.tensors, `${prefix}${k}`);
      if (t.data.length !== array.length)
        throw new CheckpointError(
          `tensor "${prefix}${k}" must have ${array.length} entries (batch × hidden), got ${t.data.length}`,
        );
      array.set(t.data as FloatArray);
    });
  restore('state.h_l', state.h);
  if (state.c) restore('state.c_l', state.c);
}
