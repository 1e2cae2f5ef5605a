// The page's checks on a training text, before anything is read or trained: the same limits and
// the same one-line refusals as the commands' --data (from @charrnn/corpus), plus the page's own
// size limit, checked on the file's size before a byte is read. Host-free (unit-tested in Node);
// the worker decodes and scans files, the page scans what is typed or pasted.

import {
  MAX_CORPUS_BYTES,
  MAX_SYMBOLS,
  decodeUtf8,
  formatBytes,
  notUtf8,
  tooManySymbols,
  type TextRefusal,
} from '@charrnn/corpus';

/**
 * The largest text the page trains on, in UTF-8 bytes. A page holds the text several times (the
 * text box, the worker's copy, its ids, the saved copy in IndexedDB) and a text box of many
 * megabytes makes typing in it slow; a 32 MiB text loads in about a second here. Larger texts are
 * for charrnn-train, which streams files up to MAX_CORPUS_BYTES.
 */
export const MAX_PAGE_TEXT_BYTES = 32 * 1024 * 1024;

/** The commands the page's hints point to (the page itself trains on characters only). */
const COMMAND = 'charrnn-train ';

/** A refused text: the message and the hint, as the page shows them. */
export class TextRefusedError extends Error {
  override readonly name = 'TextRefusedError';
  readonly hint: string;
  constructor(refusal: TextRefusal) {
    super(refusal.message);
    this.hint = refusal.hint;
  }
}

export interface TextFacts {
  /** Characters (code points). */
  readonly chars: number;
  /** Distinct characters. */
  readonly distinct: number;
  /** The text's size in UTF-8. */
  readonly utf8Bytes: number;
}

/** Code points, distinct code points and UTF-8 size in one pass: no array of characters (a 200 MB text made one of 7 GB). */
export function inspectText(text: string): TextFacts {
  const seen = new Uint32Array(0x110000 >>> 5);
  let chars = 0;
  let distinct = 0;
  let utf8Bytes = 0;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    chars++;
    // A lone surrogate becomes U+FFFD (3 bytes) in UTF-8, as TextEncoder writes it.
    utf8Bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    const word = cp >>> 5;
    const bit = 1 << (cp & 31);
    if ((seen[word]! & bit) === 0) {
      seen[word]! |= bit;
      distinct++;
    }
  }
  return { chars, distinct, utf8Bytes };
}

/** Refuses a text (or a file of `bytes` bytes) larger than the page takes. */
export function sizeRefusal(what: string, bytes: number): TextRefusal | null {
  if (bytes <= MAX_PAGE_TEXT_BYTES) return null;
  return {
    message: `${what} is ${formatBytes(bytes)}, more than the ${formatBytes(MAX_PAGE_TEXT_BYTES)} the page trains on`,
    hint: `train on it with ${COMMAND}--data FILE (up to ${formatBytes(MAX_CORPUS_BYTES)}), or on a part of it (head -c)`,
  };
}

/** The first limit a scanned text breaks, or null. */
export function textRefusal(what: string, facts: TextFacts): TextRefusal | null {
  if (facts.distinct > MAX_SYMBOLS) return tooManySymbols(what, facts.distinct, COMMAND);
  return sizeRefusal(what, facts.utf8Bytes);
}

/** Decodes a file's bytes strictly (no U+FFFD for bad bytes) and checks the result; throws TextRefusedError. */
export function decodeTextFile(bytes: Uint8Array, name: string): { text: string; facts: TextFacts } {
  const what = `the file ${JSON.stringify(name)}`;
  const tooLarge = sizeRefusal(what, bytes.length);
  if (tooLarge) throw new TextRefusedError(tooLarge);
  let text: string;
  try {
    text = decodeUtf8(bytes);
  } catch (error) {
    throw new TextRefusedError(notUtf8(what, (error as Error).message, COMMAND));
  }
  const facts = inspectText(text);
  const refusal = textRefusal(what, facts);
  if (refusal) throw new TextRefusedError(refusal);
  return { text, facts };
}

/** Checks a text about to be trained on; throws TextRefusedError. */
export function checkTrainingText(text: string): TextFacts {
  const facts = inspectText(text);
  const refusal = textRefusal('the text', facts);
  if (refusal) throw new TextRefusedError(refusal);
  return facts;
}
