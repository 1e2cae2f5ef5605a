// How much kernel memory a training run needs, in bytes, from its config — so a model too big for
// the kernels (the WebAssembly memory holds 1 GiB) is refused in user terms: the size asked for,
// the largest hidden size that fits, what to change. The parts are the model's own allocation
// sizes (@charrnn/model allocation.ts, checked there against real allocations) for what a Trainer
// builds: the model (a bidirectional tagger's reverse direction and [2H → labels] decoder included),
// its weight average, the optimizer's slots, the training window, evaluation and sampling.
// memory.spec.ts counts a real Trainer's allocations against kernelFloats.

import { taskFor } from '@charrnn/corpus';
import {
  type ModelConfig,
  modelFloats,
  parameterCount,
  stateFloats,
  stepperFloats,
  workspaceFloats,
} from '@charrnn/model';
import { createOptimizer, type OptimizerName } from '@charrnn/optim';
import { allocate, type Dtype, type Kernels, ParamRegistry, referenceKernels } from '@charrnn/tensor';
import type { TrainConfig } from './config.js';
/** Evaluation scores the text in chunks of this many characters, one stream (evaluateText's default). */
const EVAL_CHUNK = 256;
/**
 * Headroom over the parts: each evaluation and sample also creates a one-stream state (L·H floats,
 * never returned to the bump allocator), and the allocator rounds every array up to 16 bytes.
 */
const MARGIN = 1.15;

export type SizeConfig = Pick<
  TrainConfig,
  | 'cell'
  | 'hidden'
  | 'layers'
  | 'seqLength'
  | 'batchSize'
  | 'optimizer'
  | 'dtype'
  | 'dropout'
  | 'outputDropout'
  | 'weightDrop'
  | 'emaDecay'
  | 'task'
  | 'bidirectional'
>;

/** What holds the kernel memory of a run, in floats of its dtype. */
export interface KernelFloats {
  /** Parameters and gradients, transposes, weight drop's buffers. */
  readonly model: number;
  /** The weight average's model (emaDecay > 0), which then serves evaluation and samples. */
  readonly average: number;
  /** The optimizer's slots that live in kernel memory. */
  readonly optimizer: number;
  /** The training window's workspace and the B-stream state. */
  readonly training: number;
  /**
   * Evaluation's chunk workspaces (a full chunk and the shorter last one) and its state; a tagger's
   * chunks are its training windows (StreamTagger, one stream), the last one at most a symbol shorter.
   */
  readonly evaluation: number;
  /** Sampling's one-step runner and its state (none for a tagger: it samples nothing). */
  readonly sampling: number;
}

const slotsByOptimizer = new Map<OptimizerName, number>();

/**
 * Floats per parameter entry an optimizer keeps in kernel memory, counted by building one over a
 * one-entry registry on counting kernels (Adagrad's fused step keeps its slot there; others keep
 * theirs on the JS heap, outside the kernels' limit).
 */
function optimizerKernelSlots(name: OptimizerName, dtype: Dtype): number {
  const known = slotsByOptimizer.get(name);
  if (known !== undefined) return known;
  let floats = 0;
  const counting: Kernels = {
    ...referenceKernels,
    alloc(d: Dtype, length: number) {
      floats += length;
      return referenceKernels.alloc(d, length);
    },
  };
  const registry = new ParamRegistry(dtype);
  registry.add('w', [1], allocate(dtype, 1), allocate(dtype, 1));
  createOptimizer(name, registry, { kernels: counting });
  slotsByOptimizer.set(name, floats);
  return floats;
}

function modelConfigOf(config: SizeConfig, vocabSize: number): ModelConfig {
  const task = taskFor(config.task);
  return {
    ...(task ? { outputSize: task.labels.length } : {}),
    bidirectional: config.bidirectional,
    cell: config.cell,
    vocabSize,
    hiddenSize: config.hidden,
    layers: config.layers,
    dropout: config.dropout,
    outputDropout: config.outputDropout,
    weightDrop: config.weightDrop,
    dtype: config.dtype,
  };
}

export function kernelFloats(config: SizeConfig, vocabSize: number): KernelFloats {
  const model = modelConfigOf(config, vocabSize);
  const tagger = config.task !== 'next-symbol';
  const chunk = tagger ? config.seqLength : EVAL_CHUNK;
  return {
    model: modelFloats(model),
    average: config.emaDecay > 0 ? modelFloats(model) : 0,
    optimizer: optimizerKernelSlots(config.optimizer, config.dtype) * parameterCount(model),
    training: workspaceFloats(model, config.seqLength, config.batchSize) + stateFloats(model, config.batchSize),
    evaluation:
      workspaceFloats(model, chunk, 1) + (chunk > 1 ? workspaceFloats(model, chunk - 1, 1) : 0) + stateFloats(model, 1),
    sampling: tagger ? 0 : stepperFloats(model) + stateFloats(model, 1),
  };
}

export function estimateKernelBytes(config: SizeConfig, vocabSize: number): number {
  const parts = kernelFloats(config, vocabSize);
  const floats = Object.values(parts).reduce((a, b) => a + b, 0);
  return Math.ceil(floats * (config.dtype === 'f64' ? 8 : 4) * MARGIN);
}

/** The largest hidden size (at most `max`) whose estimate fits in `bytes`, or 0 if none does. */
export function largestHiddenThatFits(config: SizeConfig, vocabSize: number, bytes: number, max = 8192): number {
  let low = 0;
  let high = max;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (estimateKernelBytes({ ...config, hidden: mid }, vocabSize) <= bytes) low = mid;
    else high = mid - 1;
  }
  return low;
}
