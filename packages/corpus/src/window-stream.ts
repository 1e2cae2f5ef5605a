// The window stream turns encoded training text into (inputs, targets) windows for truncated
// backprop through time: min-char-rnn's loop, generalized to B parallel streams and made resumable.
// Dimension letters: T window length (seq-length), B batch (streams). Buffers are time-major [T, B].
//
// The seed wrapped when `p + T + 1 >= len(data)`, which skips the last full window of the text;
// here a stream wraps only when `p + T + 1 > regionEnd`, i.e. when the target of the window's last
// step would fall past its region, so every full window is used.
//
// A corpus of several documents: a window never crosses a document start. A stream whose next
// window would cross one jumps to that document's start instead, with the reset flag set, so no
// state flows from one document into the next (the last < T + 1 characters of a document, and a
// document shorter than T + 1, are not trained on). The reset mask is the whole mechanism: the
// model needs no per-step resets inside a window.

import type { IdArray } from './corpus-encoder.js';
import { describeType } from './utf8.js';

export interface WindowStreamOptions {
  /** T, characters per window (the seed's seq_length). */
  readonly seqLength: number;
  /** B, parallel streams; default 1. */
  readonly batchSize?: number;
  /** Where each document begins, ascending from 0 (default [0]: the text is one document). */
  readonly documentStarts?: readonly number[];
  /**
   * Per-step targets (a tagging task): one label per symbol of data; targets[t] is then the label of
   * inputs[t] instead of the next symbol. Windows, wrapping and resets are unchanged.
   */
  readonly labels?: Int32Array;
}

/** Everything needed to resume a stream exactly; plain JSON. */
export interface WindowStreamState {
  readonly seqLength: number;
  readonly batchSize: number;
  /** Length of the text the stream ran over; resuming on a different text is refused. */
  readonly length: number;
  /** Absolute offset into the text where each stream's next window starts. */
  readonly pointers: readonly number[];
  /** Streams whose next window must count as a reset even without a wrap (true before the first window). */
  readonly pendingReset: readonly boolean[];
  /** Number of documents, when more than one (absent: one, as in checkpoints from before documents). */
  readonly documents?: number;
}

/**
 * Windows each stream yields before it wraps: floor((segment − 1) / T), where the segment is
 * floor(length / B) characters. A window at p needs p + T + 1 ≤ segment end.
 */
export function windowsPerPass(length: number, seqLength: number, batchSize = 1): number {
  if (!Number.isInteger(length) || length < 0)
    throw new RangeError(`windowsPerPass: length must be a non-negative integer, got ${length}`);
  checkPositiveInt('windowsPerPass', 'seqLength', seqLength);
  checkPositiveInt('windowsPerPass', 'batchSize', batchSize);
  const segment = Math.floor(length / batchSize);
  return segment < seqLength + 1 ? 0 : Math.floor((segment - 1) / seqLength);
}

/**
 * B streams over one text. Stream b owns the segment [b·S, (b+1)·S) with S = floor(length / B),
 * starts at its beginning and wraps within it, so streams never overlap; the last length − B·S
 * characters (fewer than B) are never used. With B = 1 the segment is the whole text. Document
 * starts cut segments into pieces; each window lies inside one piece.
 */
export class WindowStream {
  readonly seqLength: number;
  readonly batchSize: number;
  /** S, characters in each stream's segment. */
  readonly segmentLength: number;
  private readonly data: IdArray;
  /** The target source and its offset from the input: the next symbol (data, +1) or the label (labels, 0). */
  private readonly targetSource: IdArray;
  private readonly targetShift: number;
  /** Document starts, ascending from 0. */
  private readonly starts: Float64Array;
  private readonly pointers: Float64Array;
  private readonly pendingReset: Uint8Array;
  private readonly resetMask: Uint8Array;

  constructor(data: IdArray, options: WindowStreamOptions) {
    if (!(data instanceof Int32Array || data instanceof Uint16Array))
      throw new TypeError(`WindowStream: data must be an Int32Array or a Uint16Array, got ${describeType(data)}`);
    const T = options.seqLength;
    const B = options.batchSize ?? 1;
    checkPositiveInt('WindowStream', 'seqLength', T);
    checkPositiveInt('WindowStream', 'batchSize', B);
    const S = Math.floor(data.length / B);
    if (S < T + 1) {
      const need = `${T + 1} characters (seq-length + 1), got ${S}`;
      throw new RangeError(
        B === 1
          ? `WindowStream: the text needs at least ${need}; use a longer text or a smaller --seq-length`
          : `WindowStream: each of the ${B} streams needs at least ${need}; use a longer text or a smaller --batch-size`,
      );
    }
    this.seqLength = T;
    this.batchSize = B;
    this.segmentLength = S;
    this.data = data;
    if (
      options.labels !== undefined &&
      !(options.labels instanceof Int32Array && options.labels.length === data.length)
    )
      throw new RangeError(
        `WindowStream: labels must be an Int32Array of one label per symbol (${data.length}), got ${describeType(options.labels)} of ${(options.labels as { length?: number }).length}`,
      );
    this.targetSource = options.labels ?? data;
    this.targetShift = options.labels ? 0 : 1;
    this.starts = checkStarts(options.documentStarts ?? [0], data.length);
    for (let b = 0; b < B; b++) {
      if (!this.anyWindowFits(b)) {
        throw new RangeError(
          `WindowStream: ${B === 1 ? 'the text' : `stream ${b} of ${B}`} has no document piece of at least ${T + 1} characters (seq-length + 1); use longer documents, a smaller --seq-length${B === 1 ? '' : ' or a smaller --batch-size'}`,
        );
      }
    }
    this.pointers = new Float64Array(B);
    for (let b = 0; b < B; b++) this.pointers[b] = this.firstWindow(b);
    this.pendingReset = new Uint8Array(B).fill(1);
    this.resetMask = new Uint8Array(B);
  }

  /** Windows each stream yields per pass over its segment when the text is one document; see `windowsPerPass`. */
  get windowsPerPass(): number {
    return Math.floor((this.segmentLength - 1) / this.seqLength);
  }

  /**
   * Fills the next window: inputs[t·B + b] = data[p_b + t], targets[t·B + b] = data[p_b + t + 1]
   * (or labels[p_b + t]) for t < T, then advances each p_b by T. Returns the reset mask: resetMask[b] = 1 when stream b
   * wrapped to its segment start (or this is its first window), so its hidden state must be zeroed.
   * The mask is one array reused by every call; copy it to keep it.
   */
  next(inputs: Int32Array, targets: Int32Array): Uint8Array {
    const T = this.seqLength;
    const B = this.batchSize;
    const S = this.segmentLength;
    if (inputs.length !== T * B || targets.length !== T * B) {
      throw new RangeError(
        `WindowStream.next: inputs and targets must have seq-length × batch-size = ${T * B} entries, got ${inputs.length} and ${targets.length}`,
      );
    }
    const data = this.data;
    const source = this.targetSource;
    const shift = this.targetShift;
    for (let b = 0; b < B; b++) {
      const start = b * S;
      let p = this.pointers[b]!;
      let reset = this.pendingReset[b]!;
      if (p + T + 1 > this.pieceEnd(p, start + S)) {
        p = this.nextPiece(b, p);
        reset = 1;
      }
      for (let t = 0; t < T; t++) {
        inputs[t * B + b] = data[p + t]!;
        targets[t * B + b] = source[p + t + shift]!;
      }
      this.pointers[b] = p + T;
      this.pendingReset[b] = 0;
      this.resetMask[b] = reset;
    }
    return this.resetMask;
  }

  getState(): WindowStreamState {
    return {
      seqLength: this.seqLength,
      batchSize: this.batchSize,
      length: this.data.length,
      pointers: Array.from(this.pointers),
      pendingReset: Array.from(this.pendingReset, (x) => x === 1),
      ...(this.starts.length > 1 ? { documents: this.starts.length } : {}),
    };
  }

  /** Where the piece holding offset p ends: the next document start, or the segment's end. */
  private pieceEnd(p: number, segmentEnd: number): number {
    const i = firstAbove(this.starts, p);
    return i < this.starts.length ? Math.min(this.starts[i]!, segmentEnd) : segmentEnd;
  }

  /** The start of the next piece after p (cyclically within stream b's segment) that holds a whole window. */
  private nextPiece(b: number, p: number): number {
    const T = this.seqLength;
    const segmentStart = b * this.segmentLength;
    const segmentEnd = segmentStart + this.segmentLength;
    let q = p;
    // Terminates: the constructor made sure some piece of every segment holds a window.
    for (;;) {
      const i = firstAbove(this.starts, q);
      const next = i < this.starts.length ? this.starts[i]! : Number.POSITIVE_INFINITY;
      q = next < segmentEnd ? next : segmentStart;
      if (q + T + 1 <= this.pieceEnd(q, segmentEnd)) return q;
    }
  }

  /** Stream b's first window: its segment start, or the first piece after it that holds a window. */
  private firstWindow(b: number): number {
    const start = b * this.segmentLength;
    if (start + this.seqLength + 1 <= this.pieceEnd(start, start + this.segmentLength)) return start;
    return this.nextPiece(b, start);
  }

  private anyWindowFits(b: number): boolean {
    const T = this.seqLength;
    const segmentStart = b * this.segmentLength;
    const segmentEnd = segmentStart + this.segmentLength;
    let q = segmentStart;
    while (q < segmentEnd) {
      const end = this.pieceEnd(q, segmentEnd);
      if (q + T + 1 <= end) return true;
      q = end;
    }
    return false;
  }

  /** Restores a `getState()` taken on a stream over the same text with the same T and B. */
  setState(state: WindowStreamState): void {
    const expect = (key: 'seqLength' | 'batchSize' | 'length', value: number): void => {
      if (state[key] !== value) {
        throw new RangeError(
          `WindowStream.setState: state.${key} must match this stream's ${value}, got ${String(state[key])}`,
        );
      }
    };
    expect('seqLength', this.seqLength);
    expect('batchSize', this.batchSize);
    expect('length', this.data.length);
    if ((state.documents ?? 1) !== this.starts.length) {
      throw new RangeError(
        `WindowStream.setState: state.documents must match this stream's ${this.starts.length}, got ${state.documents ?? 1}`,
      );
    }
    const B = this.batchSize;
    const S = this.segmentLength;
    if (!Array.isArray(state.pointers) || state.pointers.length !== B) {
      throw new RangeError(
        `WindowStream.setState: state.pointers must be an array of ${B} offsets, got ${JSON.stringify(state.pointers)}`,
      );
    }
    if (!Array.isArray(state.pendingReset) || state.pendingReset.length !== B) {
      throw new RangeError(
        `WindowStream.setState: state.pendingReset must be an array of ${B} booleans, got ${JSON.stringify(state.pendingReset)}`,
      );
    }
    for (let b = 0; b < B; b++) {
      const p = state.pointers[b];
      if (!Number.isInteger(p) || p! < b * S || p! >= (b + 1) * S) {
        throw new RangeError(
          `WindowStream.setState: state.pointers[${b}] must be an integer in [${b * S}, ${(b + 1) * S}), got ${p}`,
        );
      }
    }
    for (let b = 0; b < B; b++) {
      this.pointers[b] = state.pointers[b]!;
      this.pendingReset[b] = state.pendingReset[b] === true ? 1 : 0;
    }
  }
}

/** Validates document starts: ascending integers from 0, each below the text's length (unless it is empty). */
function checkStarts(starts: readonly number[], length: number): Float64Array {
  if (!Array.isArray(starts) || starts.length === 0 || starts[0] !== 0)
    throw new RangeError(
      `WindowStream: documentStarts must be an ascending array starting at 0, got ${JSON.stringify(starts).slice(0, 60)}`,
    );
  for (let i = 1; i < starts.length; i++) {
    const s = starts[i]!;
    if (!Number.isInteger(s) || s <= starts[i - 1]! || s >= length)
      throw new RangeError(
        `WindowStream: documentStarts[${i}] must be an integer above the previous start and below ${length}, got ${s}`,
      );
  }
  return Float64Array.from(starts);
}

/** Index of the first entry of the ascending `sorted` greater than x (sorted.length if none). */
function firstAbove(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function checkPositiveInt(fn: string, name: string, value: number): void {
  if (typeof value !== 'number') throw new TypeError(`${fn}: ${name} must be a number, got ${describeType(value)}`);
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${fn}: ${name} must be a positive integer, got ${value}`);
}
