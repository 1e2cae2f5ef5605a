import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SYMBOLS } from '@charrnn/corpus';
import {
  MAX_PAGE_TEXT_BYTES,
  TextRefusedError,
  checkTrainingText,
  decodeTextFile,
  inspectText,
  sizeRefusal,
} from './text-check.js';

/** `n` distinct characters from U+10000 on (no surrogate halves in between to pair up). */
function distinctChars(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCodePoint(0x10000 + i);
  return s;
}

function refusal(run: () => unknown): { message: string; hint: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof TextRefusedError) return { message: error.message, hint: error.hint };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('inspectText', () => {
  it('counts code points, distinct ones and UTF-8 bytes as Array.from and TextEncoder do', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const chars = Array.from(text);
        expect(inspectText(text)).toEqual({
          chars: chars.length,
          distinct: new Set(chars).size,
          utf8Bytes: new TextEncoder().encode(text).length,
        });
      }),
    );
    expect(inspectText('a\u{1F600}\u{1F600}\uD800')).toEqual({ chars: 4, distinct: 3, utf8Bytes: 1 + 8 + 3 });
  });
});

describe("the page's text limits: the commands' messages", () => {
  it('refuses bytes that are not UTF-8 instead of decoding them to U+FFFD', () => {
    expect(refusal(() => decodeTextFile(new Uint8Array([0x61, 0x0a, 0x62, 0xc3, 0x28]), 'x.bin'))).toEqual({
      message:
        'the file "x.bin" is not valid UTF-8: text must be valid UTF-8, got invalid byte 0x28 at byte 4 (line 2, column 2)',
      hint: 'convert it (e.g. iconv -f latin1 -t utf-8), or train on its bytes with charrnn-train --unit byte',
    });
  });

  it(`refuses more than ${MAX_SYMBOLS} distinct characters, in a file or typed`, () => {
    const text = distinctChars(MAX_SYMBOLS + 1);
    expect(refusal(() => decodeTextFile(new TextEncoder().encode(text), 'cjk.txt'))).toEqual({
      message: `the file "cjk.txt" has 65537 distinct characters, more than the 65536 charrnn's 16-bit ids can name`,
      hint: 'train on its bytes instead with charrnn-train --unit byte (at most 256 symbols)',
    });
    expect(refusal(() => checkTrainingText(text)).message).toBe(
      "the text has 65537 distinct characters, more than the 65536 charrnn's 16-bit ids can name",
    );
    expect(checkTrainingText(distinctChars(MAX_SYMBOLS)).distinct).toBe(MAX_SYMBOLS);
  });

  it('refuses a file larger than the page takes before decoding it', () => {
    expect(sizeRefusal('the file "big.txt"', 200 * 1024 * 1024)).toEqual({
      message: 'the file "big.txt" is 200.0 MiB, more than the 32.0 MiB the page trains on',
      hint: 'train on it with charrnn-train --data FILE (up to 4.0 GiB), or on a part of it (head -c)',
    });
    expect(sizeRefusal('the text', MAX_PAGE_TEXT_BYTES)).toBe(null);
    // One byte over, and invalid too: the size is what is reported (nothing was decoded).
    const bytes = new Uint8Array(MAX_PAGE_TEXT_BYTES + 1).fill(0xff);
    expect(refusal(() => decodeTextFile(bytes, 'big.bin')).message).toMatch(/is 32\.0 MiB, more than the 32\.0 MiB/);
  });

  it('decodes a valid file, dropping a byte-order mark as the commands do', () => {
    const { text, facts } = decodeTextFile(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9]), 'ok.txt');
    expect(text).toBe('hé');
    expect(facts).toEqual({ chars: 2, distinct: 2, utf8Bytes: 3 });
  });
});
