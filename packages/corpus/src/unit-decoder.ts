// Bytes → units, chunk by chunk, for corpora too large to be one string (V8 caps a string at
// 2^29 − 24 code units). A unit is what the model predicts: a Unicode code point ("char", the
// file must be strict UTF-8) or a raw byte ("byte", any encoding or binary data, never decoded).
// Each call returns the units of one chunk in a reused buffer; a character cut by a chunk's end
// is carried into the next call. Errors name the absolute byte offset, line and column, as
// decodeUtf8 does for a whole file.

import { UTF8_CONTINUATIONS, UTF8_SECOND_MAX, UTF8_SECOND_MIN } from './utf8.js';

/** What one model symbol is: a Unicode code point of UTF-8 text, or a byte. */
export type TextUnit = 'char' | 'byte';

export const TEXT_UNITS: readonly TextUnit[] = ['char', 'byte'];

export interface UnitDecoder {
  /** The units of `bytes` (a view of a buffer reused by the next call: read it before calling again). */
  push(bytes: Uint8Array): Int32Array;
  /** The units left at the end of the input; throws when the input ends inside a character. */
  end(): Int32Array;
}

/** A decoder for one document (file): create a new one per file, so BOMs and errors are per file. */
export function createUnitDecoder(unit: TextUnit): UnitDecoder {
  if (unit === 'char') return new Utf8UnitDecoder();
  if (unit === 'byte') return new ByteUnitDecoder();
  throw new RangeError(`createUnitDecoder: unit must be one of ${TEXT_UNITS.join(', ')}, got ${JSON.stringify(unit)}`);
}

class ByteUnitDecoder implements UnitDecoder {
  private out = new Int32Array(0);

  push(bytes: Uint8Array): Int32Array {
    if (this.out.length < bytes.length) this.out = new Int32Array(bytes.length);
    this.out.set(bytes);
    return this.out.subarray(0, bytes.length);
  }

  end(): Int32Array {
    return this.out.subarray(0, 0);
  }
}

/**
 * Strict UTF-8 (the well-formedness table of Unicode/WHATWG, as findUtf8Error): a leading BOM is
 * dropped, as TextDecoder and decodeUtf8 do.
 */
class Utf8UnitDecoder implements UnitDecoder {
  private out = new Int32Array(0);
  /** Bytes of a character cut by the previous chunk's end. */
  private carry = new Uint8Array(0);
  /** Absolute offset of the next byte to decode (the first carried byte, if any). */
  private offset = 0;
  private line = 1;
  private column = 1;

  push(bytes: Uint8Array): Int32Array {
    return this.decode(bytes, false);
  }

  end(): Int32Array {
    return this.decode(new Uint8Array(0), true);
  }

  private decode(chunk: Uint8Array, final: boolean): Int32Array {
    let bytes = chunk;
    if (this.carry.length > 0) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.length);
    }
    if (this.out.length < bytes.length) this.out = new Int32Array(bytes.length);
    const out = this.out;
    const n = bytes.length;
    let count = 0;
    let i = 0;
    // Line and column live in locals in the loop; fail() reads them from `this`, so they are
    // written back before anything that may throw.
    let line = this.line;
    let column = this.column;
    while (i < n) {
      const b0 = bytes[i]!;
      if (b0 < 0x80) {
        // ASCII, the common case: no table, no continuation bytes.
        out[count++] = b0;
        if (b0 === 0x0a) {
          line += 1;
          column = 1;
        } else {
          column += 1;
        }
        i += 1;
        continue;
      }
      this.line = line;
      this.column = column;
      const need = UTF8_CONTINUATIONS[b0]!;
      if (need === 0) this.fail(i, b0);
      const lo = UTF8_SECOND_MIN[b0]!;
      const hi = UTF8_SECOND_MAX[b0]!;
      let cp = need === 1 ? b0 & 0x1f : need === 2 ? b0 & 0x0f : b0 & 0x07;
      let cut = false;
      for (let k = 1; k <= need; k++) {
        if (i + k >= n) {
          if (final) this.fail(i, undefined);
          cut = true;
          break;
        }
        const b = bytes[i + k]!;
        if (b < (k === 1 ? lo : 0x80) || b > (k === 1 ? hi : 0xbf)) this.fail(i + k, b);
        cp = (cp << 6) | (b & 0x3f);
      }
      if (cut) break;
      // A byte-order mark at the very start marks the encoding; it is not text (but it is a column).
      if (!(cp === 0xfeff && this.offset + i === 0)) out[count++] = cp;
      column += 1;
      i += need + 1;
    }
    this.line = line;
    this.column = column;
    this.carry = bytes.slice(i);
    this.offset += i;
    return out.subarray(0, count);
  }

  /** Throws for the character starting at `charStart` (this chunk's index `at` holds the bad byte, or the input ended). */
  private fail(at: number, byte: number | undefined): never {
    // `at` is within the current buffer; the characters before it on this line were counted as decoded.
    const where = `at byte ${this.offset + at} (line ${this.line}, column ${this.column})`;
    const what =
      byte === undefined
        ? `a character cut off by the end of the input, starting ${where}`
        : `invalid byte 0x${byte.toString(16).padStart(2, '0')} ${where}`;
    throw new RangeError(`UnitDecoder: text must be valid UTF-8, got ${what}`);
  }
}
