// Characters are Unicode code points: an emoji written as a surrogate pair is one character,
// a CR LF line end is two. These helpers split text that way and name characters in errors.

/** The code points of `text`, in order. A lone surrogate (possible in a JS string) is its own code point. */
export function toCodePoints(text: string): Int32Array {
  if (typeof text !== 'string') throw new TypeError(`toCodePoints: text must be a string, got ${typeof text}`);
  const out = new Int32Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    out[n++] = cp;
    if (cp > 0xffff) i++;
  }
  return out.slice(0, n);
}

/** A character for an error message: JSON-escaped and with its code point, e.g. `"é" (U+00E9)`. */
export function formatChar(char: string): string {
  const cp = char.codePointAt(0) ?? 0;
  return `${JSON.stringify(char)} (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** True when `value` is a string holding exactly one code point. */
export function isSingleChar(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2) return false;
  return value.length === 1 || value.codePointAt(0)! > 0xffff;
}
