// What a model is: its cell, sizes, depth, dropout and dtype. Checkpoints store the cell and read
// the sizes back from tensor shapes, so this is all a model needs to be rebuilt anywhere.

import type { Dtype } from '@charrnn/tensor';
import { CELL_NAMES, isCellName } from './cells/registry.js';

/** A registered cell's name: rnn, lstm, gru, or one added with registerCell (see cells/registry.ts). */
export type CellName = string;

/** How the weights start: the seed's randn·0.01 with zero biases, or PyTorch's uniform ±1/√H. */
export const INIT_NAMES = ['seed', 'pytorch'] as const;
export type InitName = (typeof INIT_NAMES)[number];

export interface ModelConfig {
  readonly cell: CellName;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly layers: number;
  /** Inverted dropout between stacked layers, training only. */
  readonly dropout: number;
  /**
   * Inverted dropout on the top layer's output, before the decoder, training only (the other
   * non-recurrent connection Zaremba et al. drop). Absent or 0: none.
   */
  readonly outputDropout?: number;
  /**
   * DropConnect on the recurrent weights W_hh (Merity et al.'s weight drop, AWD-LSTM): each training
   * window multiplies W_hh by a fresh inverted-dropout mask shared by every time step and stream.
   * Absent or 0: none.
   */
  readonly weightDrop?: number;
  /**
   * Classes the decoder scores at each step (O): absent, the vocabulary (next-symbol prediction);
   * a tagging task's label count otherwise.
   */
  readonly outputSize?: number;
  /**
   * Each layer runs a second cell over the reversed window and concatenates its outputs, [T·B, 2H]
   * (PyTorch's bidirectional=True). Only for tagging: it reads the symbols it would have to predict.
   */
  readonly bidirectional?: boolean;
  readonly dtype: Dtype;
}

export function validateModelConfig(config: ModelConfig): ModelConfig {
  const where = 'ModelConfig';
  if (!isCellName(config.cell))
    throw new RangeError(`${where}: cell must be one of ${CELL_NAMES.join(', ')}, got "${String(config.cell)}"`);
  for (const key of ['vocabSize', 'hiddenSize', 'layers'] as const) {
    const value = config[key];
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${where}: ${key} must be a positive integer, got ${value}`);
  }
  if (!(config.dropout >= 0 && config.dropout < 1))
    throw new RangeError(`${where}: dropout must be in [0, 1), got ${config.dropout}`);
  const outputDropout = config.outputDropout ?? 0;
  if (!(outputDropout >= 0 && outputDropout < 1))
    throw new RangeError(`${where}: outputDropout must be in [0, 1), got ${outputDropout}`);
  const weightDrop = config.weightDrop ?? 0;
  if (!(weightDrop >= 0 && weightDrop < 1))
    throw new RangeError(`${where}: weightDrop must be in [0, 1), got ${weightDrop}`);
  if (config.outputSize !== undefined && !(Number.isInteger(config.outputSize) && config.outputSize >= 1))
    throw new RangeError(`${where}: outputSize must be a positive integer, got ${config.outputSize}`);
  if (config.bidirectional !== undefined && typeof config.bidirectional !== 'boolean')
    throw new TypeError(`${where}: bidirectional must be a boolean, got ${typeof config.bidirectional}`);
  if (config.dtype !== 'f32' && config.dtype !== 'f64')
    throw new RangeError(`${where}: dtype must be f32 or f64, got ${String(config.dtype)}`);
  return config;
}

/** PyTorch state_dict names of one layer's tensors; the reverse direction's end in `_reverse`. */
export function layerParamNames(
  layer: number,
  reverse = false,
): { weightIh: string; weightHh: string; biasIh: string; biasHh: string } {
  const suffix = `l${layer}${reverse ? '_reverse' : ''}`;
  return {
    weightIh: `rnn.weight_ih_${suffix}`,
    weightHh: `rnn.weight_hh_${suffix}`,
    biasIh: `rnn.bias_ih_${suffix}`,
    biasHh: `rnn.bias_hh_${suffix}`,
  };
}

/** Directions per layer: 2 for a bidirectional model. */
export function directionCount(config: Pick<ModelConfig, 'bidirectional'>): 1 | 2 {
  return config.bidirectional === true ? 2 : 1;
}

/** Classes the decoder scores: outputSize, or the vocabulary for next-symbol prediction. */
export function outputCount(config: Pick<ModelConfig, 'outputSize' | 'vocabSize'>): number {
  return config.outputSize ?? config.vocabSize;
}

export const DECODER_WEIGHT = 'decoder.weight';
export const DECODER_BIAS = 'decoder.bias';
