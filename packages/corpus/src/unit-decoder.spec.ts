import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCodePoints } from './chars.js';
import { createUnitDecoder, type TextUnit } from './unit-decoder.js';
import { decodeUtf8 } from './utf8.js';

/** Decodes `bytes` fed in pieces cut at `cuts`, as a file read chunk by chunk is. */
function decodeInChunks(bytes: Uint8Array, cuts: number[], unit: TextUnit = 'char'): number[] {
  const decoder = createUnitDecoder(unit);
  const out: number[] = [];
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    out.push(...decoder.push(bytes.subarray(from, cut)));
    from = cut;
  }
  out.push(...decoder.push(bytes.subarray(from)));
  out.push(...decoder.end());
  return out;
}

function errorOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^[^:]*: /, '');
  }
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('createUnitDecoder("char")', () => {
  it('decodes text cut inside multi-byte characters into the same code points', () => {
    const text = 'a한😀\r\nz';
    const bytes = enc(text);
    for (let cut = 0; cut <= bytes.length; cut++) expect(decodeInChunks(bytes, [cut])).toEqual([...toCodePoints(text)]);
  });

  it('drops a byte-order mark only at the start of the document', () => {
    const bom = [0xef, 0xbb, 0xbf];
    expect(decodeInChunks(Uint8Array.from([...bom, 0x41, ...bom]), [1])).toEqual([0x41, 0xfeff]);
  });

  it('names the absolute byte offset, line and column of a bad byte in a later chunk', () => {
    const bytes = Uint8Array.from([...enc('ab\n한c'), 0xff, ...enc('zz')]);
    expect(() => decodeInChunks(bytes, [4, 6])).toThrow(
      'UnitDecoder: text must be valid UTF-8, got invalid byte 0xff at byte 7 (line 2, column 3)',
    );
  });

  it('reports a character cut off by the end of the input', () => {
    const bytes = Uint8Array.from([...enc('hello\nw'), 0xf0, 0x9f, 0x98]);
    expect(() => decodeInChunks(bytes, [8])).toThrow(
      'got a character cut off by the end of the input, starting at byte 7 (line 2, column 2)',
    );
  });

  it('agrees with decodeUtf8 on any bytes, however they are chunked (values and error messages)', () => {
    const bytesArb = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }).map((s) => enc(s)),
      fc
        .tuple(fc.string({ unit: 'binary', maxLength: 10 }), fc.uint8Array({ maxLength: 3 }))
        .map(([s, tail]) => Uint8Array.from([...enc(s), ...tail])),
    );
    fc.assert(
      fc.property(bytesArb, fc.array(fc.nat(40), { maxLength: 4 }), (bytes, cuts) => {
        const inRange = cuts.map((c) => Math.min(c, bytes.length));
        const expectedError = errorOf(() => decodeUtf8(bytes));
        const actualError = errorOf(() => decodeInChunks(bytes, inRange));
        expect(actualError).toBe(expectedError);
        if (expectedError === undefined)
          expect(decodeInChunks(bytes, inRange)).toEqual([...toCodePoints(decodeUtf8(bytes))]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('createUnitDecoder("byte")', () => {
  it('passes every byte through, invalid UTF-8 and NUL included', () => {
    const bytes = Uint8Array.from([0xff, 0x00, 0xc3, 0x28, 0xef, 0xbb, 0xbf, 0x0a]);
    expect(decodeInChunks(bytes, [3], 'byte')).toEqual([...bytes]);
  });

  it('refuses an unknown unit', () => {
    expect(() => createUnitDecoder('word' as TextUnit)).toThrow(
      'createUnitDecoder: unit must be one of char, byte, got "word"',
    );
  });
});
