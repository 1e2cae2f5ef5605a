import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { printable } from './printable.js';

describe('printable', () => {
  it('shows control characters as escapes: C0, DEL, C1 (a one-character CSI), line separators', () => {
    expect(printable('w1\x1b[2J\x1b]0;owned\x07')).toBe('w1\\x1b[2J\\x1b]0;owned\\x07');
    expect(printable('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
    expect(printable('\x7f\x9b31m\u2028')).toBe('\\x7f\\x9b31m\\u2028');
  });

  it('leaves printable text alone, accents and emoji included', () => {
    expect(printable('host-1:4242 wasm-simd+native é 漢字 🙂')).toBe('host-1:4242 wasm-simd+native é 漢字 🙂');
  });

  it('never leaves a control character, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const shown = printable(s);
        expect(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(shown)).toBe(false);
        expect(printable(shown)).toBe(shown);
      }),
      { numRuns: 300 },
    );
  });
});
