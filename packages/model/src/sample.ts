// Generating text: feed the prime string through the model, then draw one character at a time
// from softmax(logits / temperature), optionally restricted to the top k, or take the argmax.
// Randomness comes from the caller's Prng, so a seed reproduces a sample exactly.

import type { Prng } from '@charrnn/tensor';
import type { CharRnnModel } from './model.js';
import type { RecurrentState } from './state.js';

export interface SampleOptions {
  /** Character ids to condition on; at least one. */
  readonly prime: ArrayLike<number>;
  /** Characters to generate. */
  readonly length: number;
  /** Divides the logits: below 1 sharper, above 1 flatter. Default 1. */
  readonly temperature?: number;
  /** Keep only the k most likely characters (0 or undefined: all). */
  readonly topK?: number;
  /** Always take the most likely character. */
  readonly argmax?: boolean;
  /** Start from this state (it is advanced); default a zero state. */
  readonly state?: RecurrentState;
}

export function validateSampleOptions(options: SampleOptions, vocabSize: number): void {
  const where = 'sample';
  if (options.prime.length < 1) throw new RangeError(`${where}: prime must have at least one character, got none`);
  if (!Number.isInteger(options.length) || options.length < 0) throw new RangeError(`${where}: length must be a non-negative integer, got ${options.length}`);
  const temperature = options.temperature ?? 1;
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new RangeError(`${where}: temperature must be a positive number, got ${temperature}`);
  const topK = options.topK ?? 0;
  if (!Number.isInteger(topK) || topK < 0 || topK > vocabSize) throw new RangeError(`${where}: topK must be an integer in [0, ${vocabSize}], got ${topK}`);
}

/** Returns the generated ids (not including the prime). */
export function sampleIds(model: CharRnnModel, options: SampleOptions, rng: Prng): Int32Array {
  const V = model.config.vocabSize;
  validateSampleOptions(options, V);
  const state = options.state ?? model.createState(1);
  const temperature = options.temperature ?? 1;
  const topK = options.topK ?? 0;
  const input = new Int32Array(1);
  const probs = new Float64Array(V);
  const order = Array.from({ length: V }, (_, i) => i);
  const out = new Int32Array(options.length);

  for (let i = 0; i < options.prime.length - 1; i++) {
    input[0] = options.prime[i]!;
    model.forward(input, null, 1, 1, state);
  }
  input[0] = options.prime[options.prime.length - 1]!;
  for (let n = 0; n < options.length; n++) {
    model.forward(input, null, 1, 1, state);
    const logits = model.lastLogits();
    const next = options.argmax ? argmax(logits, V) : drawFromLogits(logits, V, temperature, topK, probs, order, rng);
    out[n] = next;
    input[0] = next;
  }
  return out;
}

function argmax(logits: ArrayLike<number>, V: number): number {
  let best = 0;
  for (let j = 1; j < V; j++) if (logits[j]! > logits[best]!) best = j;
  return best;
}

function drawFromLogits(
  logits: ArrayLike<number>, V: number, temperature: number, topK: number,
  probs: Float64Array, order: number[], rng: Prng,
): number {
  let allowed = V;
  if (topK > 0 && topK < V) {
    order.sort((a, b) => logits[b]! - logits[a]! || a - b);
    allowed = topK;
  } else {
    for (let j = 0; j < V; j++) order[j] = j;
  }
  let max = -Infinity;
  for (let i = 0; i < allowed; i++) max = Math.max(max, logits[order[i]!]!);
  let sum = 0;
  for (let i = 0; i < allowed; i++) {
    const e = Math.exp((logits[order[i]!]! - max) / temperature);
    probs[i] = e;
    sum += e;
  }
  // Inverse-CDF draw over the allowed characters.
  let u = rng.uniform() * sum;
  for (let i = 0; i < allowed; i++) {
    u -= probs[i]!;
    if (u < 0) return order[i]!;
  }
  return order[allowed - 1]!;
}
