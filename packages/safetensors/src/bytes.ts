// Byte-level helpers shared by the encoder and decoder: platform endianness (the format is
// little-endian; typed arrays use the platform's order), in-place byte swapping, and safe descriptions
// of untrusted values for one-line error messages.

export const PLATFORM_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the byte order of each `width`-byte element of `bytes` in place (width 1 is a no-op). */
export function swapBytesInPlace(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let base = 0; base + width <= bytes.length; base += width) {
    for (let i = 0, j = width - 1; i < j; i++, j--) {
      const t = bytes[base + i]!;
      bytes[base + i] = bytes[base + j]!;
      bytes[base + j] = t;
    }
  }
}

/** A short single-line rendering of an untrusted value: hostile headers must not flood the log. */
export function describe(value: unknown, limit = 80): string {
  let text: string;
  if (value === undefined) text = 'undefined';
  else if (typeof value === 'bigint') text = `${value}n`;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  text = text.replace(/[\r\n]+/g, ' ');
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/** Orders strings by Unicode code point, as Rust compares UTF-8 strings (JS `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return a.length - i - (b.length - j);
}
