// The vocabulary maps characters (code points) to the ids the model sees, V of them. Built from
// text, it is the distinct code points sorted by code point, like char-rnn's sorted(set(text)),
// so the same text always gives the same ids. A checkpoint stores it as a JSON string array.

import { formatChar, isSingleChar } from './chars.js';
import { describeType } from './utf8.js';

/** How many unknown characters an error message lists before summarizing the rest. */
const MAX_LISTED = 20;
/** Characters per String.fromCodePoint call in decode, well below engines' argument limits. */
const DECODE_CHUNK = 8192;

export class Vocabulary {
  /** Code point of each id. */
  readonly codePoints: Int32Array;
  /** One-character string of each id. */
  readonly chars: readonly string[];
  private readonly idOf: Map<number, number>;

  private constructor(codePoints: Int32Array) {
    this.codePoints = codePoints;
    this.chars = Array.from(codePoints, (cp) => String.fromCodePoint(cp));
    this.idOf = new Map();
    for (let id = 0; id < codePoints.length; id++) this.idOf.set(codePoints[id]!, id);
  }

  /** The distinct characters of `text`, sorted ascending by code point. */
  static fromText(text: string): Vocabulary {
    if (typeof text !== 'string')
      throw new TypeError(`Vocabulary.fromText: text must be a string, got ${describeType(text)}`);
    const seen = new Set<number>();
    for (const ch of text) seen.add(ch.codePointAt(0)!);
    if (seen.size === 0)
      throw new RangeError('Vocabulary.fromText: text must contain at least one character, got an empty string');
    return new Vocabulary(Int32Array.from(seen).sort());
  }

  /** The distinct code points given (any order, repeats allowed), sorted ascending as fromText sorts them. */
  static fromCodePoints(codePoints: Iterable<number>): Vocabulary {
    const seen = new Set<number>();
    for (const cp of codePoints) {
      if (!Number.isInteger(cp) || cp < 0 || cp > 0x10ffff)
        throw new RangeError(`Vocabulary.fromCodePoints: code points must be integers in [0, 0x10FFFF], got ${cp}`);
      seen.add(cp);
    }
    if (seen.size === 0)
      throw new RangeError('Vocabulary.fromCodePoints: codePoints must hold at least one code point, got none');
    return new Vocabulary(Int32Array.from(seen).sort());
  }

  /**
   * A vocabulary from its `toJSON()` form. The stored order is kept as is (it is the id order a
   * checkpoint's weights were trained with), so it need not be sorted.
   */
  static fromJSON(chars: unknown): Vocabulary {
    if (!Array.isArray(chars))
      throw new TypeError(`Vocabulary.fromJSON: chars must be an array of strings, got ${describeType(chars)}`);
    if (chars.length === 0) throw new RangeError('Vocabulary.fromJSON: chars must be non-empty, got an empty array');
    const codePoints = new Int32Array(chars.length);
    const firstIndex = new Map<number, number>();
    for (let i = 0; i < chars.length; i++) {
      const ch: unknown = chars[i];
      if (typeof ch !== 'string') {
        throw new TypeError(`Vocabulary.fromJSON: chars[${i}] must be a string, got ${describeType(ch)}`);
      }
      if (!isSingleChar(ch)) {
        throw new RangeError(
          `Vocabulary.fromJSON: chars[${i}] must be exactly one character (code point), got ${JSON.stringify(ch)}`,
        );
      }
      const cp = ch.codePointAt(0)!;
      const prev = firstIndex.get(cp);
      if (prev !== undefined) {
        throw new RangeError(
          `Vocabulary.fromJSON: chars must be unique, got ${formatChar(ch)} at indices ${prev} and ${i}`,
        );
      }
      firstIndex.set(cp, i);
      codePoints[i] = cp;
    }
    return new Vocabulary(codePoints);
  }

  /** V, the number of characters. */
  get size(): number {
    return this.codePoints.length;
  }

  /** The id of `char`, or -1 when it is not in the vocabulary (or is not a single character). */
  indexOf(char: string): number {
    if (!isSingleChar(char)) return -1;
    return this.idOf.get(char.codePointAt(0)!) ?? -1;
  }

  has(char: string): boolean {
    return this.indexOf(char) >= 0;
  }

  /** The distinct characters of `text` that are not in the vocabulary, in order of first appearance. */
  findUnknown(text: string): string[] {
    if (typeof text !== 'string')
      throw new TypeError(`Vocabulary.findUnknown: text must be a string, got ${describeType(text)}`);
    const unknown = new Set<string>();
    for (const ch of text) if (!this.idOf.has(ch.codePointAt(0)!)) unknown.add(ch);
    return [...unknown];
  }

  /** The ids of `text`'s characters; throws a RangeError naming every unknown character. */
  encode(text: string): Int32Array {
    if (typeof text !== 'string') throw new TypeError(`encode: text must be a string, got ${describeType(text)}`);
    const ids = new Int32Array(text.length);
    let n = 0;
    let unknown = false;
    for (let i = 0; i < text.length; i++) {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) i++;
      const id = this.idOf.get(cp);
      if (id === undefined) unknown = true;
      else ids[n++] = id;
    }
    if (unknown) {
      const chars = this.findUnknown(text);
      const listed = chars.slice(0, MAX_LISTED).map(formatChar).join(', ');
      const more = chars.length > MAX_LISTED ? ` and ${chars.length - MAX_LISTED} more` : '';
      throw new RangeError(`encode: text must only use characters in the vocabulary, got ${listed}${more} not in it`);
    }
    return ids.slice(0, n);
  }

  /** The text of `ids`; each id must be an integer in [0, V). */
  decode(ids: ArrayLike<number>): string {
    const V = this.codePoints.length;
    const parts: string[] = [];
    const chunk: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= V) {
        throw new RangeError(`decode: ids must be integers in [0, ${V}), got ${id} at index ${i}`);
      }
      chunk.push(this.codePoints[id]!);
      if (chunk.length === DECODE_CHUNK) {
        parts.push(String.fromCodePoint(...chunk));
        chunk.length = 0;
      }
    }
    if (chunk.length > 0) parts.push(String.fromCodePoint(...chunk));
    return parts.join('');
  }

  /** The characters in id order, each a one-character string: what a checkpoint stores. */
  toJSON(): string[] {
    return [...this.chars];
  }
}
