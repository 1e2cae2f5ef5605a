// --unknown: what charrnn-eval and charrnn-sample do with characters outside the checkpoint's
// vocabulary. error (the default) refuses, listing a few of them escaped with their code points;
// skip drops them; map:C writes C, a character the model knows, in their place. Skipped or
// mapped characters are counted and reported (eval: in its JSON line; sample: one stderr notice).

import { UsageError, type FlagSpec } from '@charrnn/cli';
import { formatChar, type UnknownUnits, type Vocabulary } from '@charrnn/corpus';

export const UNKNOWN_FLAG = {
  flag: 'unknown',
  kind: 'string',
  default: 'error',
  placeholder: 'error|skip|map:C',
  help: "characters outside the model's vocabulary: error refuses (listing some), skip drops them, map:C puts C (a character the model knows; \\n, \\t, \\\\ are escapes) in their place; the count is reported",
} satisfies FlagSpec;

export interface UnknownPolicy {
  readonly units: UnknownUnits;
  /** As given: "error", "skip" or "map:C". */
  readonly name: string;
  /** The stand-in character of map:C. */
  readonly replacement?: string;
}

/**
 * Parses --unknown against the model's vocabulary; `asUnit` turns the map character into the
 * model's unit (a byte-level model's units are bytes, held as code points 0–255).
 */
export function parseUnknownPolicy(text: string, vocab: Vocabulary, asUnit: (s: string) => string): UnknownPolicy {
  if (text === 'error') return { units: { kind: 'error' }, name: text };
  if (text === 'skip') return { units: { kind: 'skip' }, name: text };
  if (!text.startsWith('map:'))
    throw new UsageError(
      `--unknown must be error, skip or map:C, got ${JSON.stringify(text)}`,
      "e.g. --unknown map:' '",
    );
  const replacement = unescapeArgument(text.slice(4));
  const unit = asUnit(replacement);
  if ([...unit].length !== 1)
    throw new UsageError(
      `--unknown map:C needs exactly one character after "map:", got ${JSON.stringify(replacement)}`,
      "e.g. --unknown map:' ' (for a byte-level model, one ASCII character)",
    );
  if (!vocab.has(unit))
    throw new UsageError(
      `--unknown map:${replacement} maps to ${formatChar(replacement)}, which is outside the model's vocabulary too`,
      'choose a character the model knows, e.g. a space',
    );
  return { units: { kind: 'map', id: vocab.encode(unit)[0]! }, name: text, replacement };
}

/** The default refusal: how many distinct characters, a few of them escaped, and the way out. */
export function unknownCharactersError(what: string, unknown: readonly string[]): UsageError {
  const shown = unknown.slice(0, 10).map(formatChar).join(', ');
  return new UsageError(
    `${what} has ${unknown.length} character(s) outside the model's vocabulary: ${shown}${unknown.length > 10 ? ', …' : ''}`,
    "add --unknown skip to drop them, or --unknown map:C to put a character the model knows in their place (e.g. map:' ')",
  );
}

/** A text (a prime) as ids under the policy, with the text the model actually sees and the count. */
export function encodeWithPolicy(
  text: string,
  vocab: Vocabulary,
  policy: UnknownPolicy,
  what: string,
): { readonly ids: Int32Array; readonly text: string; readonly unknownCount: number } {
  const unknown = vocab.findUnknown(text);
  if (unknown.length === 0) return { ids: vocab.encode(text), text, unknownCount: 0 };
  if (policy.units.kind === 'error') throw unknownCharactersError(what, unknown);
  const stand = policy.units.kind === 'map' ? vocab.decode(Int32Array.of(policy.units.id)) : '';
  let unknownCount = 0;
  let seen = '';
  for (const ch of text) {
    if (vocab.has(ch)) seen += ch;
    else {
      unknownCount++;
      seen += stand;
    }
  }
  if (seen.length === 0)
    throw new UsageError(
      `${what} has no character the model knows once the ${unknownCount} unknown one(s) are skipped`,
      'give a text in the alphabet the model was trained on, or --unknown map:C',
    );
  return { ids: vocab.encode(seen), text: seen, unknownCount };
}

/** "skipped 3 characters outside the model's vocabulary" / "replaced 3 … with " "". */
export function describeUnknown(policy: UnknownPolicy, count: number): string {
  const what = `${count} character${count === 1 ? '' : 's'} outside the model's vocabulary`;
  return policy.units.kind === 'map' ? `replaced ${what} with ${formatChar(policy.replacement!)}` : `skipped ${what}`;
}

/** The escapes a shell argument cannot easily hold: \n, \t and \\. */
export function unescapeArgument(text: string): string {
  return text.replace(/\\(n|t|\\)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
}
