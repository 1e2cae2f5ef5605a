// Tagging a stream: a tagging model (a decoder over a task's labels) reads symbols as they arrive and
// emits one label score row per symbol, in order. Windows of `window` symbols are run one after the
// other, the forward state carried between them; a bidirectional model also needs to see ahead, so
// each window emits only its first window − lookahead rows, carries the state from there, and the
// lookahead symbols are read again at the start of the next window. At the end of the stream the
// rest is emitted with whatever lookahead is left. Lookahead defaults to half the window: a position
// then sees between window/2 and window − 1 symbols ahead, as in training windows of that length.
//
// Dimension letters: T window, O labels. Batch is 1.

import type { FloatArray } from '@charrnn/tensor';
import { outputCount } from './config.js';
import type { CharRnnModel } from './model.js';
import type { RecurrentState } from './state.js';

export interface TaggerOptions {
  /** Symbols per forward pass (T); the training seq-length keeps tagging like training. */
  readonly window: number;
  /** Symbols each window reads past what it emits; default window/2 (rounded down) when bidirectional, else 0. */
  readonly lookahead?: number;
}

/** Receives `count` rows of label scores (logits), [count, O], for the next `count` symbols of the stream. */
export type TagSink = (logits: FloatArray, count: number) => void;

export class StreamTagger {
  readonly window: number;
  readonly lookahead: number;
  private readonly model: CharRnnModel;
  private readonly state: RecurrentState;
  private pending = new Int32Array(64);
  private length = 0;

  constructor(model: CharRnnModel, options: TaggerOptions) {
    const { window } = options;
    if (!Number.isInteger(window) || window < 1)
      throw new RangeError(`StreamTagger: window must be a positive integer, got ${window}`);
    const lookahead = options.lookahead ?? (model.config.bidirectional ? Math.floor(window / 2) : 0);
    if (!Number.isInteger(lookahead) || lookahead < 0 || lookahead >= window)
      throw new RangeError(`StreamTagger: lookahead must be an integer in [0, ${window}), got ${lookahead}`);
    this.model = model;
    this.window = window;
    this.lookahead = lookahead;
    this.state = model.createState(1);
  }

  /** Labels O the sink's rows score. */
  get labelCount(): number {
    return outputCount(this.model.config);
  }

  /** Adds symbols; every window that is complete (with its lookahead) is run and its rows go to the sink. */
  push(ids: ArrayLike<number>, sink: TagSink): void {
    this.reserve(this.length + ids.length);
    for (let i = 0; i < ids.length; i++) this.pending[this.length++] = ids[i]!;
    while (this.length >= this.window) this.run(this.window, this.window - this.lookahead, sink);
  }

  /** The end of the stream: emits every symbol still held; the tagger is then ready for a new stream. */
  finish(sink: TagSink): void {
    while (this.length > 0) {
      const n = Math.min(this.length, this.window);
      this.run(n, n, sink);
    }
    for (const h of this.state.h) h.fill(0);
    for (const c of this.state.c ?? []) c.fill(0);
  }

  private run(n: number, emit: number, sink: TagSink): void {
    const ids = this.pending.subarray(0, n);
    this.model.forward(ids, null, n, 1, this.state, { stateAfter: emit });
    sink(this.model.lastLogits().subarray(0, emit * this.labelCount), emit);
    this.pending.copyWithin(0, emit, this.length);
    this.length -= emit;
  }

  private reserve(size: number): void {
    if (size <= this.pending.length) return;
    const grown = new Int32Array(Math.max(size, 2 * this.pending.length));
    grown.set(this.pending.subarray(0, this.length));
    this.pending = grown;
  }
}

/** The highest-scoring label of each of `count` rows of `width` scores. */
export function argmaxRows(scores: ArrayLike<number>, count: number, width: number, out: Int32Array): void {
  for (let r = 0; r < count; r++) {
    let best = 0;
    for (let j = 1; j < width; j++) if (scores[r * width + j]! > scores[r * width + best]!) best = j;
    out[r] = best;
  }
}
