import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Vocabulary } from './vocabulary.js';

const TEXT = '안녕 세상\r\nhi 😀!\r\n한글';

describe('Vocabulary.fromText', () => {
  it('holds the distinct code points sorted ascending, CR and LF separate, the emoji as one', () => {
    const vocab = Vocabulary.fromText(TEXT);
    expect(vocab.chars).toEqual(['\n', '\r', ' ', '!', 'h', 'i', '글', '녕', '상', '세', '안', '한', '😀']);
    expect(vocab.size).toBe(13);
    expect(Array.from(vocab.codePoints)).toEqual(vocab.chars.map((c) => c.codePointAt(0)));
  });

  it('sorts by code point, not UTF-16 code unit (an astral char after U+FFxx)', () => {
    // By code units "😀" (\ud83d…) sorts before "ｱ" (U+FF71); by code points it comes after.
    expect(Vocabulary.fromText('ｱ😀').chars).toEqual(['ｱ', '😀']);
  });

  it('rejects empty text', () => {
    expect(() => Vocabulary.fromText('')).toThrow(
      new RangeError('Vocabulary.fromText: text must contain at least one character, got an empty string'),
    );
  });

  it('property: chars are unique, single code points and sorted ascending by code point', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }), (s) => {
        const cps = Array.from(Vocabulary.fromText(s).codePoints);
        for (let i = 1; i < cps.length; i++) expect(cps[i]!).toBeGreaterThan(cps[i - 1]!);
        expect(new Set(cps)).toEqual(new Set(Array.from(s, (c) => c.codePointAt(0))));
      }),
    );
  });
});

describe('encode and decode', () => {
  it('encodes each character to its index', () => {
    const vocab = Vocabulary.fromText(TEXT);
    const ids = vocab.encode('한😀\r\n');
    expect(Array.from(ids)).toEqual([11, 12, 1, 0]);
    expect(vocab.decode(ids)).toBe('한😀\r\n');
    expect(vocab.encode('')).toEqual(new Int32Array(0));
  });

  it('property: decode(encode(s)) === s for arbitrary unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (s) => {
        const vocab = Vocabulary.fromText(s);
        const ids = vocab.encode(s);
        expect(ids.length).toBe([...s].length);
        expect(vocab.decode(ids)).toBe(s);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }), (s) => {
        const vocab = Vocabulary.fromText(s);
        expect(vocab.decode(vocab.encode(s))).toBe(s);
      }),
    );
  });

  it('decodes long inputs (past the chunk size)', () => {
    const vocab = Vocabulary.fromText('ab😀');
    const s = 'ab😀'.repeat(10_000);
    expect(vocab.decode(vocab.encode(s))).toBe(s);
  });

  it('names every unknown character, JSON-escaped with its code point', () => {
    const vocab = Vocabulary.fromText('abc');
    expect(() => vocab.encode('aébé😀\t')).toThrow(
      new RangeError(
        'encode: text must only use characters in the vocabulary, got "é" (U+00E9), "😀" (U+1F600), "\\t" (U+0009) not in it',
      ),
    );
    expect(vocab.findUnknown('aébé😀')).toEqual(['é', '😀']);
    expect(vocab.findUnknown('cab')).toEqual([]);
  });

  it('summarizes a long list of unknown characters', () => {
    const vocab = Vocabulary.fromText('a');
    const many = Array.from({ length: 25 }, (_, i) => String.fromCodePoint(0x100 + i)).join('');
    expect(() => vocab.encode(many)).toThrow(/ and 5 more not in it$/);
  });

  it('rejects ids outside [0, V)', () => {
    const vocab = Vocabulary.fromText('ab');
    expect(() => vocab.decode([0, 2])).toThrow(
      new RangeError('decode: ids must be integers in [0, 2), got 2 at index 1'),
    );
    expect(() => vocab.decode([-1])).toThrow(RangeError);
    expect(() => vocab.decode([0.5])).toThrow(RangeError);
  });
});

describe('indexOf and has', () => {
  it('looks characters up, -1 for unknown or multi-character strings', () => {
    const vocab = Vocabulary.fromText(TEXT);
    expect(vocab.indexOf('\n')).toBe(0);
    expect(vocab.indexOf('😀')).toBe(12);
    expect(vocab.indexOf('z')).toBe(-1);
    expect(vocab.indexOf('hi')).toBe(-1);
    expect(vocab.indexOf('')).toBe(-1);
    expect(vocab.has('한')).toBe(true);
    expect(vocab.has('x')).toBe(false);
  });
});

describe('toJSON and fromJSON', () => {
  it('round-trips through JSON text', () => {
    const vocab = Vocabulary.fromText(TEXT);
    const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify(vocab)));
    expect(back.chars).toEqual(vocab.chars);
    expect(back.decode(back.encode(TEXT))).toBe(TEXT);
  });

  it('keeps the stored order (it is the id order of a checkpoint)', () => {
    const vocab = Vocabulary.fromJSON(['b', 'a', '😀']);
    expect(vocab.chars).toEqual(['b', 'a', '😀']);
    expect(Array.from(vocab.encode('ab😀'))).toEqual([1, 0, 2]);
  });

  it('validates its input', () => {
    expect(() => Vocabulary.fromJSON('abc')).toThrow(
      new TypeError('Vocabulary.fromJSON: chars must be an array of strings, got string'),
    );
    expect(() => Vocabulary.fromJSON(null)).toThrow(TypeError);
    expect(() => Vocabulary.fromJSON([])).toThrow(
      new RangeError('Vocabulary.fromJSON: chars must be non-empty, got an empty array'),
    );
    expect(() => Vocabulary.fromJSON(['a', 1])).toThrow(
      new TypeError('Vocabulary.fromJSON: chars[1] must be a string, got number'),
    );
    expect(() => Vocabulary.fromJSON(['a', 'bc'])).toThrow(
      new RangeError('Vocabulary.fromJSON: chars[1] must be exactly one character (code point), got "bc"'),
    );
    expect(() => Vocabulary.fromJSON(['a', ''])).toThrow(RangeError);
    expect(() => Vocabulary.fromJSON(['a', 'b', 'a'])).toThrow(
      new RangeError('Vocabulary.fromJSON: chars must be unique, got "a" (U+0061) at indices 0 and 2'),
    );
  });
});
