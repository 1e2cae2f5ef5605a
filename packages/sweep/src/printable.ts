// Text from outside the process (worker names, error messages, kernels, ids read back from Redis or
// files) can carry terminal control sequences: ESC [ … moves the cursor, rewrites lines, sets the
// window title. Everything a sweep prints passes through printable(), which shows each control
// character as an escape instead of sending it, so a line stays one line and says what it holds.

/** C0 controls, DEL, C1 controls (U+009B is a one-character CSI), and the Unicode line/paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every control character written as an escape (`\n`, `\x1b`, `\u2028`). */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}
