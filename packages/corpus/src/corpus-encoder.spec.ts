import { describe, expect, it } from 'vitest';
import { CorpusEncoder, DocumentError, MAX_SYMBOLS, SymbolScan, encodeDocuments } from './corpus-encoder.js';
import { createUnitDecoder } from './unit-decoder.js';
import { Vocabulary } from './vocabulary.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('encodeDocuments', () => {
  it('gives the ids Vocabulary.encode gives the concatenated text, as a Uint16Array, with document starts', () => {
    const docs = ['héllo\n', '', '😀 wörld'];
    const corpus = encodeDocuments(docs.map(enc), 'char');
    const text = docs.join('');
    expect(corpus.vocab.toJSON()).toEqual(Vocabulary.fromText(text).toJSON());
    expect(corpus.ids).toBeInstanceOf(Uint16Array);
    expect(Array.from(corpus.ids)).toEqual(Array.from(corpus.vocab.encode(text)));
    // The empty document has no start of its own.
    expect(corpus.documentStarts).toEqual([0, 6]);
  });

  it('in byte mode, takes any bytes (invalid UTF-8, NUL) as they are', () => {
    const bytes = Uint8Array.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0xff]);
    const corpus = encodeDocuments([bytes], 'byte');
    expect(Array.from(corpus.vocab.codePoints)).toEqual([0x00, 0x28, 0xc3, 0xfe, 0xff]);
    expect(Array.from(corpus.ids, (id) => corpus.vocab.codePoints[id])).toEqual(Array.from(bytes));
  });

  it('uses a given vocabulary and refuses characters outside it', () => {
    const vocab = Vocabulary.fromText('abc');
    expect(Array.from(encodeDocuments([enc('cab')], 'char', vocab).ids)).toEqual([2, 0, 1]);
    expect(() => encodeDocuments([enc('abz')], 'char', vocab)).toThrow(
      'encodeDocuments: the text must only use characters in the vocabulary, got "z" (U+007A) not in it',
    );
  });

  it('skips or maps characters outside a given vocabulary when told, and counts them', () => {
    const vocab = Vocabulary.fromText('ab?');
    const docs = ['aéb', 'éé', 'bxa'].map(enc);
    const skipped = encodeDocuments(docs, 'char', vocab, { kind: 'skip' });
    expect(vocab.decode(Int32Array.from(skipped.ids))).toBe('abba');
    // The all-unknown document vanishes; the third starts where the first ended.
    expect(skipped.documentStarts).toEqual([0, 2]);
    expect(skipped.unknownCount).toBe(4);
    const mapped = encodeDocuments(docs, 'char', vocab, { kind: 'map', id: vocab.encode('?')[0]! });
    expect(vocab.decode(Int32Array.from(mapped.ids))).toBe('a?b??b?a');
    expect(mapped.documentStarts).toEqual([0, 3, 5]);
    expect(mapped.unknownCount).toBe(4);
    expect(encodeDocuments([enc('ab')], 'char', vocab).unknownCount).toBe(0);
    expect(() => encodeDocuments(docs, 'char', vocab, { kind: 'map', id: 3 })).toThrow(
      'CorpusEncoder: unknown.id must be a vocabulary id in [0, 3), got 3',
    );
  });
});

describe('SymbolScan and CorpusEncoder', () => {
  it(`refuses more than ${MAX_SYMBOLS} distinct characters in one line`, () => {
    const scan = new SymbolScan();
    scan.add(Int32Array.from({ length: MAX_SYMBOLS + 1 }, (_, i) => 0x10000 + i));
    scan.endDocument();
    expect(() => scan.vocabulary()).toThrow(
      'SymbolScan.vocabulary: the corpus must have at most 65536 distinct characters (ids are 16-bit), got 65537',
    );
  });

  it('accepts exactly 65536 distinct characters (the largest id is 65535)', () => {
    const scan = new SymbolScan();
    const units = Int32Array.from({ length: MAX_SYMBOLS }, (_, i) => 0x10000 + i);
    scan.add(units);
    scan.endDocument();
    const encoder = new CorpusEncoder(scan.vocabulary(), scan.documentLengths);
    encoder.add(units);
    encoder.endDocument();
    expect(encoder.finish().ids.at(-1)).toBe(65535);
  });

  it('notices a document that changed between the passes', () => {
    const scan = new SymbolScan();
    scan.add(createUnitDecoder('char').push(enc('abc')));
    scan.endDocument();
    const encoder = new CorpusEncoder(scan.vocabulary(), scan.documentLengths);
    encoder.add(createUnitDecoder('char').push(enc('ab')));
    expect(() => encoder.endDocument()).toThrow('document 0 has 2 characters, the first pass counted 3');
    expect(() => new CorpusEncoder(scan.vocabulary(), [2]).add(Int32Array.of(97, 98, 99))).toThrow(
      'a document is longer than in the first pass',
    );
  });
});

describe('encodeDocuments from chunk sources', () => {
  it('reads each source once per pass and names the document that is not UTF-8', () => {
    let reads = 0;
    const chunked = (): Iterable<Uint8Array> => {
      reads++;
      return [enc('ab'), Uint8Array.of(0xc3), Uint8Array.of(0xa9)];
    };
    const corpus = encodeDocuments([enc('x'), chunked], 'char', (scan) => {
      expect(scan.documentLengths).toEqual([1, 3]);
      return scan.vocabulary();
    });
    expect(reads).toBe(2);
    expect(corpus.vocab.decode(corpus.ids)).toBe('xabé');
    let caught: unknown;
    try {
      encodeDocuments([enc('ok'), Uint8Array.of(0x61, 0xff)], 'char');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DocumentError);
    expect((caught as DocumentError).documentIndex).toBe(1);
    expect((caught as Error).message).toBe(
      'text must be valid UTF-8, got invalid byte 0xff at byte 1 (line 1, column 2)',
    );
  });
});
