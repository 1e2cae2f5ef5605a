// Bytes → text, the first step of the flow. Decoding is strict: a corpus with a broken byte
// would otherwise grow a U+FFFD "character" silently, so an invalid file fails with the exact
// byte offset (and line/column) of the first bad byte, which TextDecoder does not report.

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Where and why a byte sequence stops being UTF-8; `undefined` when all of it is valid. */
export interface Utf8Error {
  /** Offset of the offending byte (for a truncated sequence: the lead byte that starts it). */
  readonly offset: number;
  /** The offending byte, or undefined when the input ends in the middle of a character. */
  readonly byte: number | undefined;
  /** 1-based line (lines end at LF, 0x0A) and 1-based column, in characters, of the broken character. */
  readonly line: number;
  readonly column: number;
}

/**
 * Decodes UTF-8 strictly. A leading byte-order mark (EF BB BF) is dropped, as TextDecoder does:
 * it marks the encoding, it is not text.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`decodeUtf8: bytes must be a Uint8Array, got ${describeType(bytes)}`);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    const error = findUtf8Error(bytes);
    if (error === undefined)
      throw new RangeError('decodeUtf8: text must be valid UTF-8, got bytes TextDecoder rejects');
    const where = `at byte ${error.offset} (line ${error.line}, column ${error.column})`;
    const what =
      error.byte === undefined
        ? `a character cut off by the end of the input, starting ${where}`
        : `invalid byte 0x${error.byte.toString(16).padStart(2, '0')} ${where}`;
    throw new RangeError(`decodeUtf8: text must be valid UTF-8, got ${what}`);
  }
}

/**
 * The Unicode/WHATWG well-formedness table, by lead byte: how many continuation bytes follow (0:
 * the byte cannot start a character — a continuation byte, C0/C1, F5–FF), and the range the first
 * continuation byte must lie in (later ones: 80–BF). The narrow ranges exclude overlongs (E0, F0),
 * UTF-16 surrogates (ED) and code points above U+10FFFF (F4). ASCII is handled before the table.
 */
export const UTF8_CONTINUATIONS = new Uint8Array(256);
export const UTF8_SECOND_MIN = new Uint8Array(256).fill(0x80);
export const UTF8_SECOND_MAX = new Uint8Array(256).fill(0xbf);
UTF8_CONTINUATIONS.fill(1, 0xc2, 0xe0);
UTF8_CONTINUATIONS.fill(2, 0xe0, 0xf0);
UTF8_CONTINUATIONS.fill(3, 0xf0, 0xf5);
UTF8_SECOND_MIN[0xe0] = 0xa0;
UTF8_SECOND_MAX[0xed] = 0x9f;
UTF8_SECOND_MIN[0xf0] = 0x90;
UTF8_SECOND_MAX[0xf4] = 0x8f;

/**
 * The first UTF-8 error in `bytes`, following the Unicode/WHATWG well-formedness table (no
 * overlongs, no surrogates, nothing above U+10FFFF), so it agrees with TextDecoder({fatal:true}).
 */
export function findUtf8Error(bytes: Uint8Array): Utf8Error | undefined {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      i += 1;
      continue;
    }
    const need = UTF8_CONTINUATIONS[b0]!;
    if (need === 0) return locate(bytes, i, i, b0);
    const lo = UTF8_SECOND_MIN[b0]!;
    const hi = UTF8_SECOND_MAX[b0]!;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return locate(bytes, i, i, undefined);
      const b = bytes[i + k]!;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (b < min || b > max) return locate(bytes, i + k, i, b);
    }
    i += need + 1;
  }
  return undefined;
}

/**
 * Line and column of the character starting at `charStart` (the one `offset` breaks); the bytes
 * before it are valid, so counting non-continuation bytes counts characters.
 */
function locate(bytes: Uint8Array, offset: number, charStart: number, byte: number | undefined): Utf8Error {
  let line = 1;
  let column = 1;
  for (let i = 0; i < charStart; i++) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      line += 1;
      column = 1;
    } else if ((b & 0xc0) !== 0x80) {
      column += 1;
    }
  }
  return { offset, byte, line, column };
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return typeof value;
}
