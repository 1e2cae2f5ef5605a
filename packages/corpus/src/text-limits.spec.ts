import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from './utf8.js';
import { MAX_CORPUS_BYTES, formatBytes, notUtf8, tooManySymbols } from './text-limits.js';

describe('text limits and their refusals', () => {
  it('names the distinct characters and suggests bytes, with or without a command', () => {
    expect(tooManySymbols('--data', 70_000)).toEqual({
      message: "--data has 70000 distinct characters, more than the 65536 charrnn's 16-bit ids can name",
      hint: 'train on its bytes instead with --unit byte (at most 256 symbols)',
    });
    expect(tooManySymbols('the text', 65_537, 'charrnn-train ').hint).toBe(
      'train on its bytes instead with charrnn-train --unit byte (at most 256 symbols)',
    );
  });

  it("says where decodeUtf8 found the first bad byte, without its function's name", () => {
    let detail = '';
    try {
      decodeUtf8(new Uint8Array([0x61, 0x62, 0xff]));
    } catch (error) {
      detail = (error as Error).message;
    }
    expect(notUtf8('the file "x.bin"', detail)).toEqual({
      message:
        'the file "x.bin" is not valid UTF-8: text must be valid UTF-8, got invalid byte 0xff at byte 2 (line 1, column 3)',
      hint: 'convert it (e.g. iconv -f latin1 -t utf-8), or train on its bytes with --unit byte',
    });
  });

  it('formats sizes 1024-based', () => {
    expect([0, 1023, 1024, 1536, 1024 ** 2 * 200, MAX_CORPUS_BYTES].map(formatBytes)).toEqual([
      '0 bytes',
      '1023 bytes',
      '1.0 KiB',
      '1.5 KiB',
      '200.0 MiB',
      '4.0 GiB',
    ]);
  });
});
