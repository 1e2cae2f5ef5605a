// The limits a training text must meet wherever it comes in (the commands' --data, the page), and
// the one-line refusals with their hints, so a text refused in one place is refused everywhere in
// the same words. Host-free: the callers say what the input is called and which command to suggest.

import { MAX_SYMBOLS } from './corpus-encoder.js';

/**
 * The largest corpus, in bytes: its ids are one typed array, the largest V8 makes has 2^32
 * elements, and a corpus has at most one symbol per byte. At 2 bytes per symbol that is 8 GiB.
 */
export const MAX_CORPUS_BYTES = 2 ** 32;

/** A refusal in the house format: `message` says what is wrong, `hint` what to do. */
export interface TextRefusal {
  readonly message: string;
  readonly hint: string;
}

/** `what` has more distinct characters than 16-bit ids can name; `command` prefixes the flag (e.g. "charrnn-train "). */
export function tooManySymbols(what: string, distinct: number, command = ''): TextRefusal {
  return {
    message: `${what} has ${distinct} distinct characters, more than the ${MAX_SYMBOLS} charrnn's 16-bit ids can name`,
    hint: `train on its bytes instead with ${command}--unit byte (at most 256 symbols)`,
  };
}

/** `what` is not UTF-8; `detail` is decodeUtf8's account of the first bad byte (its "function: " prefix is dropped). */
export function notUtf8(what: string, detail: string, command = ''): TextRefusal {
  return {
    message: `${what} is not valid UTF-8: ${detail.replace(/^[^:]*: /, '')}`,
    hint: `convert it (e.g. iconv -f latin1 -t utf-8), or train on its bytes with ${command}--unit byte`,
  };
}

/** Sizes as people read them: 1024-based, one decimal. */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
