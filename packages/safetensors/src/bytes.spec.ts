import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCodePoints, describe as describeValue, PLATFORM_IS_LITTLE_ENDIAN, swapBytesInPlace } from './bytes.js';

describe('swapBytesInPlace', () => {
  it('reverses each element and is its own inverse', () => {
    const b = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    swapBytesInPlace(b, 4);
    expect(Array.from(b)).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
    swapBytesInPlace(b, 8);
    expect(Array.from(b)).toEqual([5, 6, 7, 8, 1, 2, 3, 4]);
    swapBytesInPlace(b, 1);
    expect(Array.from(b)).toEqual([5, 6, 7, 8, 1, 2, 3, 4]);
  });

  it('turns a big-endian float into the platform value (what a big-endian host would do)', () => {
    const be = new Uint8Array(8);
    new DataView(be.buffer).setFloat64(0, Math.PI, false);
    if (PLATFORM_IS_LITTLE_ENDIAN) swapBytesInPlace(be, 8);
    expect(new Float64Array(be.buffer)[0]).toBe(Math.PI);
  });
});

describe('compareCodePoints', () => {
  it('orders by code point, matching UTF-8 byte order (unlike JS < on UTF-16 units)', () => {
    expect(compareCodePoints('a', 'b')).toBeLessThan(0);
    expect(compareCodePoints('ab', 'a')).toBeGreaterThan(0);
    expect(compareCodePoints('x', 'x')).toBe(0);
    // U+FF61 < U+1F600 by code point, though its UTF-16 unit 0xFF61 > 0xD83D.
    expect(compareCodePoints('\uFF61', '😀')).toBeLessThan(0);
  });

  it('agrees with comparing UTF-8 bytes', () => {
    const enc = new TextEncoder();
    const byteCompare = (a: string, b: string) => {
      const x = enc.encode(a);
      const y = enc.encode(b);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
      return x.length - y.length;
    };
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(byteCompare(a, b)));
      }),
    );
  });
});

describe('describe', () => {
  it('renders values on one short line', () => {
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(5n)).toBe('5n');
    expect(describeValue('a\nb')).toBe('"a\\nb"');
    expect(describeValue('x'.repeat(200))).toHaveLength(81);
  });
});
