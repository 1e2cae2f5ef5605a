import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, findUtf8Error } from './utf8.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const concat = (...parts: (Uint8Array | number[])[]): Uint8Array => {
  const out: number[] = [];
  for (const p of parts) out.push(...p);
  return Uint8Array.from(out);
};

describe('decodeUtf8', () => {
  it('decodes Hangul, an emoji and CRLF line ends', () => {
    const text = '한국어\r\n😀 ok\r\n';
    expect(decodeUtf8(enc(text))).toBe(text);
  });

  it('drops a leading byte-order mark', () => {
    expect(decodeUtf8(concat([0xef, 0xbb, 0xbf], enc('hi')))).toBe('hi');
  });

  it('names the byte, its offset, line and column of an invalid byte', () => {
    const bytes = concat(enc('ab\n한c'), [0xff], enc('zz'));
    // offsets: a0 b1 \n2 한3-5 c6 → 0xff at 7, line 2, column 3 (after "한c").
    expect(() => decodeUtf8(bytes)).toThrow(
      new RangeError('decodeUtf8: text must be valid UTF-8, got invalid byte 0xff at byte 7 (line 2, column 3)'),
    );
  });

  it('points at a bad continuation byte, not its lead byte', () => {
    const bytes = concat(enc('x'), [0xe2, 0x82, 0x41]);
    expect(() => decodeUtf8(bytes)).toThrow(/invalid byte 0x41 at byte 3 \(line 1, column 2\)/);
  });

  it('reports a character cut off by the end of the input at its lead byte', () => {
    const bytes = concat(enc('hello\nw'), [0xf0, 0x9f, 0x98]);
    expect(() => decodeUtf8(bytes)).toThrow(
      new RangeError(
        'decodeUtf8: text must be valid UTF-8, got a character cut off by the end of the input, starting at byte 7 (line 2, column 2)',
      ),
    );
  });

  it('rejects overlongs, surrogates and code points above U+10FFFF', () => {
    expect(findUtf8Error(Uint8Array.from([0xc0, 0x80]))?.offset).toBe(0);
    expect(findUtf8Error(Uint8Array.from([0xe0, 0x80, 0x80]))?.offset).toBe(1);
    expect(findUtf8Error(Uint8Array.from([0xed, 0xa0, 0x80]))?.offset).toBe(1);
    expect(findUtf8Error(Uint8Array.from([0xf4, 0x90, 0x80, 0x80]))?.offset).toBe(1);
    expect(findUtf8Error(Uint8Array.from([0xf5, 0x80, 0x80, 0x80]))?.offset).toBe(0);
  });

  it('throws a TypeError for a non-Uint8Array', () => {
    expect(() => decodeUtf8('abc' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('property: agrees with TextDecoder({fatal:true}) on which inputs are valid', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true });
    // Mix random bytes with valid UTF-8 fragments so both outcomes are common.
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 3 }),
      fc.string({ unit: 'binary', maxLength: 3 }).map((s) => new TextEncoder().encode(s)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const bytes = concat(...pieces);
        let valid = true;
        try {
          fatal.decode(bytes);
        } catch {
          valid = false;
        }
        expect(findUtf8Error(bytes) === undefined).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: the reported offset is the first byte that breaks the prefix', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        const error = findUtf8Error(bytes);
        fc.pre(error !== undefined && error.byte !== undefined);
        const { offset } = error!;
        // Up to the offset nothing is wrong except, at most, a character still waiting for bytes.
        expect(findUtf8Error(bytes.subarray(0, offset))?.byte).toBeUndefined();
        expect(findUtf8Error(bytes.subarray(0, offset + 1))?.offset).toBe(offset);
        expect(bytes[offset]).toBe(error!.byte);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: any string round-trips through TextEncoder and decodeUtf8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        fc.pre(!s.startsWith('\ufeff'));
        expect(decodeUtf8(enc(s))).toBe(s);
      }),
    );
  });
});
