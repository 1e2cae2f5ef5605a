// Generating text: feed the prime through the model, then draw one character at a time from
// softmax(logits / temperature), optionally restricted to the k most likely characters (top-k)
// and/or to the smallest set whose probability reaches p (nucleus, top-p), or take the argmax.
// Output comes in chunks as it is generated (sampleChunks), so a long sample streams; a stop
// sequence ends it early. Randomness comes from the caller's Prng, so a seed reproduces a sample.
//
// Dimension letters: V vocabulary.

import type { Prng } from '@charrnn/tensor';
import { ForwardStepper } from './forward-only.js';
import type { CharRnnModel } from './model.js';
import type { RecurrentState } from './state.js';

export interface SampleOptions {
  /** Character ids to condition on; at least one. */
  readonly prime: ArrayLike<number>;
  /** Characters to generate (at most: a stop sequence may end the sample earlier). */
  readonly length: number;
  /** Divides the logits: below 1 sharper, above 1 flatter. Default 1. */
  readonly temperature?: number;
  /** Keep only the k most likely characters (0 or undefined: all). */
  readonly topK?: number;
  /** Keep only the most likely characters whose probabilities sum to at least p, in (0, 1] (1 or undefined: all). */
  readonly topP?: number;
  /** Always take the most likely character. */
  readonly argmax?: boolean;
  /** Stop once these ids have been generated; they are not part of the output. */
  readonly stop?: ArrayLike<number>;
  /** Start from this state (it is advanced); default a zero state. */
  readonly state?: RecurrentState;
  /** Characters per chunk of sampleChunks (default 4096). */
  readonly chunkLength?: number;
}

export function validateSampleOptions(options: SampleOptions, vocabSize: number): void {
  const where = 'sample';
  if (options.prime.length < 1) throw new RangeError(`${where}: prime must have at least one character, got none`);
  if (!Number.isInteger(options.length) || options.length < 0)
    throw new RangeError(`${where}: length must be a non-negative integer, got ${options.length}`);
  const temperature = options.temperature ?? 1;
  if (!(temperature > 0) || !Number.isFinite(temperature))
    throw new RangeError(`${where}: temperature must be a positive number, got ${temperature}`);
  const topK = options.topK ?? 0;
  if (!Number.isInteger(topK) || topK < 0 || topK > vocabSize)
    throw new RangeError(`${where}: topK must be an integer in [0, ${vocabSize}], got ${topK}`);
  const topP = options.topP ?? 1;
  if (!(topP > 0 && topP <= 1)) throw new RangeError(`${where}: topP must be in (0, 1], got ${topP}`);
  const chunk = options.chunkLength ?? DEFAULT_CHUNK;
  if (!Number.isInteger(chunk) || chunk < 1)
    throw new RangeError(`${where}: chunkLength must be a positive integer, got ${chunk}`);
  for (const ids of [options.prime, options.stop ?? []]) {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!(Number.isInteger(id) && id >= 0 && id < vocabSize))
        throw new RangeError(`${where}: character ids must be in [0, ${vocabSize}), got ${id}`);
    }
  }
}

const DEFAULT_CHUNK = 4096;

/** Returns the generated ids (not including the prime, nor the stop sequence). */
export function sampleIds(model: CharRnnModel, options: SampleOptions, rng: Prng): Int32Array {
  const chunks = [...sampleChunks(model, options, rng)];
  const out = new Int32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * The same sample as sampleIds, in chunks of at most chunkLength ids, each yielded as soon as it
 * is generated (a fresh array each time). With a stop sequence, the last stop.length − 1 ids are
 * held back until it is clear they do not start it.
 */
export function* sampleChunks(
  model: CharRnnModel,
  options: SampleOptions,
  rng: Prng,
): Generator<Int32Array, void, undefined> {
  const V = model.config.vocabSize;
  validateSampleOptions(options, V);
  const state = options.state ?? model.createState(1);
  const draw = new CharacterDraw(V, options);
  const stop = Int32Array.from(options.stop ?? []);
  const chunkLength = options.chunkLength ?? DEFAULT_CHUNK;
  const hold = Math.max(0, stop.length - 1);
  const stepper = stepperFor(model);

  for (let i = 0; i < options.prime.length - 1; i++) stepper.step(options.prime[i]!, state);
  let input = options.prime[options.prime.length - 1]!;
  // pending[0, count) is generated but not yet yielded; its last `hold` ids may begin the stop sequence.
  const pending = new Int32Array(chunkLength + hold);
  let count = 0;
  for (let n = 0; n < options.length; n++) {
    const next = draw.next(stepper.step(input, state), rng);
    pending[count++] = next;
    input = next;
    if (stop.length > 0 && endsWith(pending, count, stop)) {
      count -= stop.length;
      if (count > 0) yield pending.slice(0, count);
      return;
    }
    if (count === pending.length) {
      yield pending.slice(0, count - hold);
      pending.copyWithin(0, count - hold, count);
      count = hold;
    }
  }
  if (count > 0) yield pending.slice(0, count);
}

/**
 * One stepper per model, refreshed for each sample: kernel memory is never freed, so a trainer that
 * samples every N steps must not allocate new buffers each time.
 */
const steppers = new WeakMap<CharRnnModel, ForwardStepper>();

function stepperFor(model: CharRnnModel): ForwardStepper {
  const known = steppers.get(model);
  if (known) {
    known.refresh();
    return known;
  }
  const stepper = new ForwardStepper(model);
  steppers.set(model, stepper);
  return stepper;
}

function endsWith(ids: Int32Array, count: number, suffix: Int32Array): boolean {
  if (count < suffix.length) return false;
  for (let i = 0, at = count - suffix.length; i < suffix.length; i++, at++) if (ids[at] !== suffix[i]) return false;
  return true;
}

/**
 * Draws one character from a row of logits under the sampling options, with work arrays
 * allocated once. Ties are broken by the lower id, so a draw depends only on the logits and rng.
 */
export class CharacterDraw {
  private readonly temperature: number;
  private readonly topK: number;
  private readonly topP: number;
  private readonly argmax: boolean;
  /** Top-k and top-p need the characters in order of likelihood; otherwise order stays 0…V−1. */
  private readonly sorts: boolean;
  private readonly probs: Float64Array;
  private readonly order: number[];

  constructor(
    private readonly V: number,
    options: Pick<SampleOptions, 'temperature' | 'topK' | 'topP' | 'argmax'>,
  ) {
    this.temperature = options.temperature ?? 1;
    this.topK = options.topK ?? 0;
    this.topP = options.topP ?? 1;
    this.argmax = options.argmax === true;
    this.sorts = (this.topK > 0 && this.topK < V) || this.topP < 1;
    this.probs = new Float64Array(V);
    this.order = Array.from({ length: V }, (_, i) => i);
  }

  /** One draw (one uniform from rng unless argmax). */
  next(logits: ArrayLike<number>, rng: Prng): number {
    const V = this.V;
    if (this.argmax) return argmax(logits, V);
    const order = this.order;
    if (this.sorts) {
      for (let j = 0; j < V; j++) order[j] = j;
      order.sort((a, b) => logits[b]! - logits[a]! || a - b);
    }
    let allowed = this.topK > 0 && this.topK < V ? this.topK : V;
    let max = -Infinity;
    for (let i = 0; i < allowed; i++) max = Math.max(max, logits[order[i]!]!);
    const probs = this.probs;
    let sum = 0;
    for (let i = 0; i < allowed; i++) {
      const e = Math.exp((logits[order[i]!]! - max) / this.temperature);
      probs[i] = e;
      sum += e;
    }
    // NaN or infinite logits (weights that overflow) leave no distribution to draw from: say so
    // rather than return the last character every time.
    if (!(sum > 0 && Number.isFinite(sum)))
      throw new RangeError(`CharacterDraw.next: logits must be finite numbers, got ${max} as the largest`);
    if (this.topP < 1) {
      // Nucleus: the shortest most-likely prefix whose (tempered) probability reaches p.
      const target = this.topP * sum;
      let mass = 0;
      let keep = 0;
      while (keep < allowed && mass < target) mass += probs[keep++]!;
      allowed = Math.max(1, keep);
      sum = mass;
    }
    // Inverse-CDF draw over the allowed characters.
    let u = rng.uniform() * sum;
    for (let i = 0; i < allowed; i++) {
      u -= probs[i]!;
      if (u < 0) return order[i]!;
    }
    return order[allowed - 1]!;
  }
}

function argmax(logits: ArrayLike<number>, V: number): number {
  let best = 0;
  for (let j = 1; j < V; j++) if (logits[j]! > logits[best]!) best = j;
  if (!Number.isFinite(logits[best]!))
    throw new RangeError(`CharacterDraw.next: logits must be finite numbers, got ${logits[best]} as the largest`);
  return best;
}
