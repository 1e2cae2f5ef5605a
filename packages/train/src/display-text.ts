// Ids → text to show a person. Characters decode as they are; in byte mode the bytes are read as
// UTF-8 with U+FFFD for what is not (a sample of a binary corpus is still printable). Tools that
// must keep the exact bytes (charrnn-sample) use unitBytes instead.

import type { TextUnit, Vocabulary } from '@charrnn/corpus';

const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export function displayText(vocab: Vocabulary, ids: ArrayLike<number>, unit: TextUnit): string {
  return unit === 'byte' ? lenient.decode(unitBytes(vocab, ids)) : vocab.decode(ids);
}

/** The bytes of ids in byte mode (each vocabulary entry's code point is its byte value). */
export function unitBytes(vocab: Vocabulary, ids: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const cp = vocab.codePoints[ids[i]!];
    if (cp === undefined || cp > 0xff)
      throw new RangeError(`unitBytes: ids must name byte symbols (code points 0–255), got id ${ids[i]} at index ${i}`);
    out[i] = cp;
  }
  return out;
}
