import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatChar, isSingleChar, toCodePoints } from './chars.js';

describe('toCodePoints', () => {
  it('counts a surrogate pair as one character and CR, LF as two', () => {
    expect(Array.from(toCodePoints('a😀\r\n한'))).toEqual([0x61, 0x1f600, 0x0d, 0x0a, 0xd55c]);
  });

  it('property: matches the string iterator', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(Array.from(toCodePoints(s))).toEqual(Array.from(s, (c) => c.codePointAt(0)));
      }),
    );
  });
});

describe('formatChar and isSingleChar', () => {
  it('formats characters JSON-escaped with their code point', () => {
    expect(formatChar('é')).toBe('"é" (U+00E9)');
    expect(formatChar('😀')).toBe('"😀" (U+1F600)');
    expect(formatChar('\n')).toBe('"\\n" (U+000A)');
    expect(formatChar('\r')).toBe('"\\r" (U+000D)');
  });

  it('accepts exactly one code point', () => {
    expect(isSingleChar('a')).toBe(true);
    expect(isSingleChar('😀')).toBe(true);
    expect(isSingleChar('\ud800')).toBe(true);
    expect(isSingleChar('')).toBe(false);
    expect(isSingleChar('ab')).toBe(false);
    expect(isSingleChar('\ud800\ud800')).toBe(false);
    expect(isSingleChar(7)).toBe(false);
  });
});
