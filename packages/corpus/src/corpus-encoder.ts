// A corpus of one or more documents (files) → one array of ids at 2 bytes per unit, without ever
// holding the text: two passes over the bytes, fed chunk by chunk through a UnitDecoder.
//   pass 1, SymbolScan:    which units occur (→ the vocabulary) and how many each document has;
//   pass 2, CorpusEncoder: the ids, written into one Uint16Array sized exactly by pass 1.
// Documents are concatenated; documentStarts says where each begins, so windows and evaluation
// can reset the recurrent state there instead of carrying one file's context into the next.

import { formatChar } from './chars.js';
import { createUnitDecoder, type TextUnit } from './unit-decoder.js';
import { Vocabulary } from './vocabulary.js';

/** Encoded text: Uint16Array (2 bytes per unit, what corpora use) or Int32Array (what encode returns). */
export type IdArray = Uint16Array | Int32Array;

/** The most symbols a corpus vocabulary may have: its ids must fit a Uint16Array. */
export const MAX_SYMBOLS = 65_536;

/** One past the largest Unicode code point: the size of the seen-table. */
const CODE_SPACE = 0x110000;

export interface EncodedCorpus {
  readonly vocab: Vocabulary;
  /** Every document's ids, concatenated [n]. */
  readonly ids: Uint16Array;
  /** Offset where each non-empty document begins, ascending, starting with 0 (n = 0: empty). */
  readonly documentStarts: readonly number[];
  /** Units outside the vocabulary that were skipped or mapped (UnknownUnits); 0 when refused. */
  readonly unknownCount: number;
}

/**
 * What the encoder does with a unit outside the vocabulary: refuse the text (the default), drop
 * the unit, or write the id of a stand-in character in its place.
 */
export type UnknownUnits =
  | { readonly kind: 'error' }
  | { readonly kind: 'skip' }
  | { readonly kind: 'map' /** A vocabulary id. */; readonly id: number };

/** Pass 1: the units that occur and each document's length. Feed it every document, in order. */
export class SymbolScan {
  private readonly seen = new Uint8Array(CODE_SPACE);
  /** The distinct units in order of first appearance (error messages list them so). */
  private readonly firstSeen: number[] = [];
  private current = 0;
  /** Units per document, in the order they were ended. */
  readonly documentLengths: number[] = [];

  add(units: Int32Array): void {
    const seen = this.seen;
    for (let i = 0; i < units.length; i++) {
      const unit = units[i]!;
      if (seen[unit] === 0) {
        seen[unit] = 1;
        this.firstSeen.push(unit);
      }
    }
    this.current += units.length;
  }

  endDocument(): void {
    this.documentLengths.push(this.current);
    this.current = 0;
  }

  /** Units in all ended documents. */
  get totalLength(): number {
    return this.documentLengths.reduce((a, b) => a + b, 0);
  }

  /** The distinct units seen, ascending. */
  codePoints(): number[] {
    return [...this.firstSeen].sort((a, b) => a - b);
  }

  /** The vocabulary of what was seen: sorted, at most MAX_SYMBOLS entries. */
  vocabulary(): Vocabulary {
    const codePoints = this.codePoints();
    if (codePoints.length === 0)
      throw new RangeError('SymbolScan.vocabulary: the corpus must contain at least one character, got none');
    if (codePoints.length > MAX_SYMBOLS)
      throw new RangeError(
        `SymbolScan.vocabulary: the corpus must have at most ${MAX_SYMBOLS} distinct characters (ids are 16-bit), got ${codePoints.length}`,
      );
    return Vocabulary.fromCodePoints(codePoints);
  }

  /** The characters seen that `vocab` lacks, in order of first appearance (as Vocabulary.findUnknown). */
  unknownTo(vocab: Vocabulary): string[] {
    return this.firstSeen.map((cp) => String.fromCodePoint(cp)).filter((ch) => !vocab.has(ch));
  }
}

/** Pass 2: ids into one Uint16Array. Each document must have the length pass 1 counted. */
export class CorpusEncoder {
  private readonly idOf: Int32Array;
  private readonly ids: Uint16Array;
  private readonly starts: number[] = [];
  private position = 0;
  private documentStart = 0;
  private documentIndex = 0;
  /** Units of the current document read so far, skipped ones included (pass 1 counted those). */
  private documentUnits = 0;
  private unknownCount = 0;

  constructor(
    readonly vocab: Vocabulary,
    private readonly documentLengths: readonly number[],
    private readonly unknown: UnknownUnits = { kind: 'error' },
  ) {
    if (vocab.size > MAX_SYMBOLS)
      throw new RangeError(
        `CorpusEncoder: the vocabulary must have at most ${MAX_SYMBOLS} characters (ids are 16-bit), got ${vocab.size}`,
      );
    if (unknown.kind === 'map' && !(Number.isInteger(unknown.id) && unknown.id >= 0 && unknown.id < vocab.size))
      throw new RangeError(
        `CorpusEncoder: unknown.id must be a vocabulary id in [0, ${vocab.size}), got ${String(unknown.id)}`,
      );
    this.idOf = new Int32Array(CODE_SPACE).fill(-1);
    vocab.codePoints.forEach((cp, id) => {
      this.idOf[cp] = id;
    });
    // Skipping only shortens the text: pass 1's count is the most it can need.
    this.ids = new Uint16Array(documentLengths.reduce((a, b) => a + b, 0));
  }

  add(units: Int32Array): void {
    const expected = this.documentLengths[this.documentIndex];
    if (expected === undefined || this.documentUnits + units.length > expected)
      throw new RangeError('CorpusEncoder: a document is longer than in the first pass (did a file change meanwhile?)');
    this.documentUnits += units.length;
    const { idOf, ids } = this;
    const mapped = this.unknown.kind === 'map' ? this.unknown.id : -1;
    let p = this.position;
    for (let i = 0; i < units.length; i++) {
      const id = idOf[units[i]!]!;
      if (id >= 0) {
        ids[p++] = id;
        continue;
      }
      if (this.unknown.kind === 'error')
        throw new RangeError(
          `CorpusEncoder: the text must only use characters in the vocabulary, got ${formatChar(String.fromCodePoint(units[i]!))}`,
        );
      this.unknownCount++;
      if (mapped >= 0) ids[p++] = mapped;
    }
    this.position = p;
  }

  endDocument(): void {
    if (this.documentUnits !== this.documentLengths[this.documentIndex])
      throw new RangeError(
        `CorpusEncoder: document ${this.documentIndex} has ${this.documentUnits} characters, the first pass counted ${this.documentLengths[this.documentIndex]} (did a file change meanwhile?)`,
      );
    if (this.position > this.documentStart) this.starts.push(this.documentStart);
    this.documentIndex += 1;
    this.documentStart = this.position;
    this.documentUnits = 0;
  }

  finish(): EncodedCorpus {
    if (this.documentIndex !== this.documentLengths.length)
      throw new RangeError(
        `CorpusEncoder.finish: ${this.documentLengths.length} documents were scanned, ${this.documentIndex} encoded`,
      );
    return {
      vocab: this.vocab,
      ids: this.position === this.ids.length ? this.ids : this.ids.subarray(0, this.position),
      documentStarts: this.starts.length > 0 ? this.starts : [0],
      unknownCount: this.unknownCount,
    };
  }
}

/** A document's bytes: whole, or read chunk by chunk (the function is called once per pass). */
export type DocumentSource = Uint8Array | (() => Iterable<Uint8Array>);

/** A document could not be decoded; `documentIndex` says which, the message says where and why. */
export class DocumentError extends RangeError {
  override readonly name = 'DocumentError';
  constructor(
    readonly documentIndex: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Both passes over the documents. The vocabulary is built from them, or given (a checkpoint's), or
 * chosen by a function of the first pass (e.g. a checkpoint's, extended by the new characters);
 * a character outside the chosen vocabulary is refused, unless `unknownUnits` says to skip or map
 * it. Decoding errors throw a DocumentError.
 */
export function encodeDocuments(
  documents: readonly DocumentSource[],
  unit: TextUnit,
  vocab?: Vocabulary | ((scan: SymbolScan) => Vocabulary),
  unknownUnits: UnknownUnits = { kind: 'error' },
): EncodedCorpus {
  const scan = new SymbolScan();
  forEachChunk(
    documents,
    unit,
    (units) => scan.add(units),
    () => scan.endDocument(),
  );
  const chosen = vocab === undefined ? scan.vocabulary() : typeof vocab === 'function' ? vocab(scan) : vocab;
  const unknown = scan.unknownTo(chosen);
  if (unknown.length > 0 && unknownUnits.kind === 'error')
    throw new RangeError(
      `encodeDocuments: the text must only use characters in the vocabulary, got ${unknown.slice(0, 20).map(formatChar).join(', ')}${unknown.length > 20 ? ` and ${unknown.length - 20} more` : ''} not in it`,
    );
  const encoder = new CorpusEncoder(chosen, scan.documentLengths, unknownUnits);
  forEachChunk(
    documents,
    unit,
    (units) => encoder.add(units),
    () => encoder.endDocument(),
  );
  return encoder.finish();
}

function forEachChunk(
  documents: readonly DocumentSource[],
  unit: TextUnit,
  onUnits: (units: Int32Array) => void,
  onEnd: () => void,
): void {
  documents.forEach((document, index) => {
    const decoder = createUnitDecoder(unit);
    try {
      for (const bytes of document instanceof Uint8Array ? [document] : document()) onUnits(decoder.push(bytes));
      onUnits(decoder.end());
    } catch (error) {
      if (error instanceof RangeError && error.message.startsWith('UnitDecoder: '))
        throw new DocumentError(index, error.message.replace(/^UnitDecoder: /, ''));
      throw error;
    }
    onEnd();
  });
}
