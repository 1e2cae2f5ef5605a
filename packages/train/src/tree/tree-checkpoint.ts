// Tree-model checkpoints as safetensors: the parameters under their registry names (tree.*,
// classifier.*) and, for --resume, the optimizer slots (optim.*). __metadata__ holds `format`
// (charrnn-tree-1), `cell`, `tokens` and `labels` (JSON arrays: the id tables) — enough to load
// the model — and optionally `config` and `training` (step, counters, PRNG, optimizer scalars).

import { SafetensorsError, decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from '@charrnn/safetensors';
import { formatShape, type Dtype, type FloatArray, type Kernels } from '@charrnn/tensor';
import { TREE_PARAM_NAMES, TreeModel, TreeVocabulary, isTreeCellName, type TreeModelConfig } from '@charrnn/model';
import type { Optimizer } from '@charrnn/optim';
import * as z from 'zod/mini';
import { CheckpointError, loadOptimizerSlots, type PrngSnapshot } from '../checkpoint.js';
import { MetadataError, withSchema } from '../checkpoint-metadata.js';
import { TreeTrainConfigSchema, type TreeTrainConfig } from './tree-config.js';

export const TREE_CHECKPOINT_FORMAT = 'charrnn-tree-1';

/** What a resumed tree run needs beyond weights and optimizer slots. */
export interface TreeTrainingSnapshot {
  readonly step: number;
  /** Trees trained on so far (steps × batch). */
  readonly trees: number;
  readonly smoothLoss: number;
  readonly bestValAccuracy: number | null;
  readonly batchRng: PrngSnapshot;
  readonly optimizerScalars: Record<string, number>;
  readonly elapsedSec: number;
}

export interface TreeCheckpoint {
  readonly model: TreeModelConfig;
  readonly vocab: TreeVocabulary;
  readonly tensors: Map<string, SafetensorsTensor>;
  readonly config?: TreeTrainConfig;
  readonly training?: TreeTrainingSnapshot;
}

export function encodeTreeCheckpoint(input: {
  model: TreeModel;
  vocab: TreeVocabulary;
  config?: TreeTrainConfig;
  training?: TreeTrainingSnapshot;
  optimizer?: Optimizer;
}): Uint8Array {
  const dtype = input.model.config.dtype === 'f32' ? 'F32' : 'F64';
  const tensors = new Map<string, SafetensorsTensor>();
  const put = (name: string, shape: readonly number[], data: FloatArray): void =>
    void tensors.set(name, { dtype, shape: [...shape], data: data.slice() } as SafetensorsTensor);
  for (const p of input.model.params.list) put(p.name, p.shape, p.value);
  if (input.optimizer)
    for (const [name, t] of Object.entries(input.optimizer.stateTensors())) put(name, t.shape, t.data);
  const metadata: Record<string, string> = {
    format: TREE_CHECKPOINT_FORMAT,
    cell: input.model.config.cell,
    tokens: JSON.stringify(input.vocab.tokens),
    labels: JSON.stringify(input.vocab.labels),
  };
  if (input.config) metadata['config'] = JSON.stringify(input.config);
  if (input.training) metadata['training'] = JSON.stringify({ ...input.training, optimizer: input.optimizer?.name });
  return encodeSafetensors(tensors, metadata);
}

const prngSnapshot = z.object({
  words: z.array(z.int().check(z.minimum(0), z.maximum(0xffffffff))).check(z.length(4)),
  spareNormal: z.nullable(z.number()),
});
const TrainingSchema = z.looseObject({
  step: z.int().check(z.minimum(0)),
  trees: z.int().check(z.minimum(0)),
  smoothLoss: z.number(),
  bestValAccuracy: z.nullable(z.number().check(z.minimum(0), z.maximum(1))),
  batchRng: prngSnapshot,
  optimizerScalars: z.record(z.string(), z.number()),
  elapsedSec: z.number().check(z.minimum(0)),
});

/** Parses and validates a tree checkpoint; every problem is a CheckpointError with a one-line message. */
export function decodeTreeCheckpoint(bytes: Uint8Array): TreeCheckpoint {
  let decoded;
  try {
    decoded = decodeSafetensors(bytes);
  } catch (error) {
    if (error instanceof SafetensorsError) throw new CheckpointError(`not a valid safetensors file: ${error.message}`);
    throw error;
  }
  const { metadata, tensors } = decoded;
  if (metadata['format'] !== TREE_CHECKPOINT_FORMAT)
    throw new CheckpointError(
      `metadata "format" must be ${TREE_CHECKPOINT_FORMAT} (a tree-model checkpoint), got ${JSON.stringify(metadata['format']?.slice(0, 40) ?? null)}`,
    );
  const cell = metadata['cell'];
  if (!isTreeCellName(cell))
    throw new CheckpointError(`metadata "cell" must be tree-rnn or tree-lstm, got ${JSON.stringify(cell)}`);
  let vocab: TreeVocabulary;
  try {
    vocab = new TreeVocabulary(JSON.parse(metadata['tokens'] ?? 'null'), JSON.parse(metadata['labels'] ?? 'null'));
  } catch (error) {
    throw new CheckpointError(
      `metadata "tokens" and "labels" must be JSON arrays of distinct strings: ${(error as Error).message}`,
    );
  }
  const classifier = tensors.get(TREE_PARAM_NAMES.classifierWeight);
  if (classifier?.shape.length !== 2)
    throw new CheckpointError(
      `checkpoint must have a 2-d tensor "${TREE_PARAM_NAMES.classifierWeight}" [C, H], got ${classifier ? formatShape(classifier.shape) : 'none'}`,
    );
  const dtype: Dtype =
    classifier.dtype === 'F64' ? 'f64' : classifier.dtype === 'F32' ? 'f32' : failDtype(classifier.dtype);
  const model: TreeModelConfig = {
    cell,
    vocabSize: vocab.tokens.length,
    hiddenSize: classifier.shape[1]!,
    classes: vocab.labels.length,
    dtype,
  };
  // The shapes a model of this config has: every tensor must match, in the one dtype.
  const expected = new TreeModel(model);
  for (const p of expected.params.list) {
    const t = tensors.get(p.name);
    if (!t) throw new CheckpointError(`checkpoint must have tensor "${p.name}", got none`);
    if (formatShape(t.shape) !== formatShape(p.shape) || t.dtype !== classifier.dtype)
      throw new CheckpointError(
        `tensor "${p.name}" must be ${classifier.dtype} ${formatShape(p.shape)} for a ${cell} with ${model.vocabSize} tokens, H=${model.hiddenSize} and ${model.classes} labels, got ${t.dtype} ${formatShape(t.shape)}`,
      );
    const values = t.data as FloatArray;
    for (let i = 0; i < values.length; i++)
      if (!Number.isFinite(values[i]!))
        throw new CheckpointError(
          `tensor "${p.name}" has a non-finite value (${values[i]}) at entry ${i}; the run that wrote it had diverged`,
        );
  }
  const config = metadata['config'] ? parseJson('config', metadata['config'], TreeTrainConfigSchema) : undefined;
  const training = metadata['training'] ? parseJson('training', metadata['training'], TrainingSchema) : undefined;
  return {
    model,
    vocab,
    tensors,
    ...(config ? { config } : {}),
    ...(training ? { training: training as TreeTrainingSnapshot } : {}),
  };
}

/** A model with the checkpoint's weights, in its dtype unless one is asked for. */
export function treeModelFromCheckpoint(checkpoint: TreeCheckpoint, kernels?: Kernels, dtype?: Dtype): TreeModel {
  const model = new TreeModel({ ...checkpoint.model, dtype: dtype ?? checkpoint.model.dtype }, kernels);
  for (const p of model.params.list) p.value.set(checkpoint.tensors.get(p.name)!.data as FloatArray);
  return model;
}

/** For --resume: the optimizer's slots and scalars from the checkpoint. */
export function loadTreeOptimizerState(checkpoint: TreeCheckpoint, optimizer: Optimizer): void {
  if (!checkpoint.training)
    throw new CheckpointError('checkpoint has no training state to resume from (it holds weights only)');
  loadOptimizerSlots(checkpoint.tensors, checkpoint.training.optimizerScalars, optimizer);
}

/** A metadata field through the char checkpoints' schema reader, its error as a CheckpointError. */
function parseJson<T>(key: string, text: string, schema: z.ZodMiniType<T>): T {
  try {
    return withSchema(key, text, schema);
  } catch (error) {
    if (error instanceof MetadataError) throw new CheckpointError(error.message);
    throw error;
  }
}

function failDtype(dtype: string): never {
  throw new CheckpointError(`tensor "${TREE_PARAM_NAMES.classifierWeight}" must be F32 or F64, got ${dtype}`);
}
