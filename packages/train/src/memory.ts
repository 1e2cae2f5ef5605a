// How much kernel memory a training run needs, in bytes, from its config — so a model too big for
// the kernels (the WebAssembly memory holds 1 GiB) is refused in user terms: the size asked for,
// the largest hidden size that fits, what to change. An estimate from the model's allocations
// (weights, gradients, optimizer slots, transposes, BPTT workspaces for training and evaluation),
// with a margin; the kernels' own check stays the final word.

import { gateCount } from '@charrnn/model';
import type { TrainConfig } from './config.js';

/** Optimizer slots per parameter (Adam keeps two moments; SGD none). */
const SLOTS: Record<string, number> = { sgd: 0, momentum: 1, adagrad: 1, rmsprop: 1, adam: 2, adamw: 2 };
/** Evaluation scores the text in chunks of this many characters, one stream (evaluateText's default). */
const EVAL_CHUNK = 256;
const MARGIN = 1.15;

type SizeConfig = Pick<
  TrainConfig,
  'cell' | 'hidden' | 'layers' | 'seqLength' | 'batchSize' | 'optimizer' | 'dtype' | 'dropout'
>;

export function estimateKernelBytes(config: SizeConfig, vocabSize: number): number {
  const G = gateCount(config.cell);
  const H = config.hidden;
  const V = vocabSize;
  const L = config.layers;
  let params = V * H + V;
  let transposes = 0;
  for (let k = 0; k < L; k++) {
    const input = k === 0 ? V : H;
    params += G * H * input + G * H * H + 2 * G * H;
    transposes += G * H * H + (k === 0 ? 2 * V * G * H : 0);
  }
  const workspace = (T: number, B: number): number => {
    const n = T * B;
    const perLayer =
      (config.cell === 'gru' ? 4 : 3) * n * G * H + 2 * (T + 1) * B * H + 2 * n * H + B * G * H + 2 * B * H;
    return L * perLayer + n * V + (config.dropout > 0 ? 2 * (L - 1) * n * H : 0) + 2 * L * B * H;
  };
  const floats =
    params * (2 + (SLOTS[config.optimizer] ?? 2)) +
    transposes +
    workspace(config.seqLength, config.batchSize) +
    workspace(EVAL_CHUNK, 1);
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
