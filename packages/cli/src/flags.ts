// Typed flag tables. Each app declares its flags once — name, kind, default, help — and gets
// parsing, validation with one-line errors, and --help text from the same table. A table typed as
// Record<keyof Config, FlagSpec> does not compile when a config key has no flag.

import { parseArgs } from 'node:util';
import { closest, distance } from 'fastest-levenshtein';
import { UsageError } from './errors.js';

export type FlagKind = 'int' | 'number' | 'string' | 'boolean' | 'enum';

export interface FlagSpec {
  readonly flag: string;
  readonly kind: FlagKind;
  readonly help: string;
  /** Shown in --help and used when the flag is absent (undefined: no value). */
  readonly default?: string | number | boolean;
  readonly values?: readonly string[];
  /** Bounds for int and number flags. */
  readonly min?: number;
  readonly max?: number;
  readonly exclusiveMin?: boolean;
  readonly exclusiveMax?: boolean;
  /** Placeholder in --help, e.g. FILE. */
  readonly placeholder?: string;
  /** Other names accepted for the same setting (kept for old command lines; --help shows the first name). */
  readonly aliases?: readonly string[];
}

/** A flag table: config key → its flag. */
export type FlagTable = Readonly<Record<string, FlagSpec>>;

/**
 * The value a flag parses to, from its declared kind: int and number flags give numbers, boolean
 * flags booleans, enum flags the union of their values (when they are literal: `values: [...] as
 * const`, or a typed constant like CELL_NAMES), string flags strings.
 */
export type FlagValue<S extends FlagSpec> = S['kind'] extends 'int' | 'number'
  ? number
  : S['kind'] extends 'boolean'
    ? boolean
    : S extends { readonly kind: 'enum'; readonly values: readonly (infer V extends string)[] }
      ? V
      : string;

/** Parsed values by key: present when the flag has a default, else possibly undefined. */
export type FlagValues<T extends FlagTable> = {
  readonly [K in keyof T]: T[K] extends { readonly default: string | number | boolean }
    ? FlagValue<T[K]>
    : FlagValue<T[K]> | undefined;
};

/**
 * The flag a setting of type V must have (vitest's cli-config pattern: a table typed against the
 * config, so a key without a flag, or a flag of the wrong kind, does not compile).
 */
export type FlagSpecFor<V> = [V] extends [number]
  ? FlagSpec & { readonly kind: 'int' | 'number'; readonly default: number }
  : [V] extends [boolean]
    ? FlagSpec & { readonly kind: 'boolean' }
    : [V] extends [string]
      ? string extends V
        ? FlagSpec & { readonly kind: 'string' }
        : FlagSpec & { readonly kind: 'enum'; readonly values: readonly V[]; readonly default: V }
      : never;

/** A flag table for every key of Config, each flag of its setting's kind. */
export type FlagTableFor<Config> = { readonly [K in keyof Config]-?: FlagSpecFor<Config[K]> };

export interface ParsedFlags<T extends FlagTable> {
  readonly values: FlagValues<T>;
  /** Keys the user set on the command line (not defaults). */
  readonly explicit: ReadonlySet<keyof T & string>;
  readonly positionals: readonly string[];
  /** --help or -h was given. */
  readonly help: boolean;
  /** --version was given (runCommand answers it before the command runs). */
  readonly version: boolean;
}

export function parseFlags<T extends FlagTable>(
  argv: readonly string[],
  table: T,
  options: { positionals?: number } = {},
): ParsedFlags<T> {
  type K = keyof T & string;
  const parseOptions: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
  };
  for (const spec of Object.values(table)) {
    for (const name of [spec.flag, ...(spec.aliases ?? [])]) {
      parseOptions[name] = { type: spec.kind === 'boolean' ? 'boolean' : 'string' };
    }
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv, table),
      options: parseOptions,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw translateParseError(error as Error & { code?: string }, table);
  }
  if (parsed.positionals.length > (options.positionals ?? 0)) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(parsed.positionals[options.positionals ?? 0])}`,
      'flags take the form --name value; see --help',
    );
  }
  const values: Record<string, string | number | boolean> = {};
  const explicit = new Set<K>();
  const given: Record<string, string | boolean | undefined> = parsed.values;
  for (const [key, spec] of Object.entries(table)) {
    const name = [spec.flag, ...(spec.aliases ?? [])].find((n) => given[n] !== undefined) ?? spec.flag;
    const raw = given[name];
    if (raw === undefined) {
      if (spec.default !== undefined) values[key] = spec.default;
      continue;
    }
    explicit.add(key);
    values[key] = convert({ ...spec, flag: name }, raw);
  }
  return {
    // convert() gives each value the type its spec's kind declares (FlagValue): the one place
    // where the checked runtime values meet their static types.
    values: values as FlagValues<T>,
    explicit,
    positionals: parsed.positionals,
    help: parsed.values['help'] === true,
    version: parsed.values['version'] === true,
  };
}

/** `--lr -1` → `--lr=-1`, so a negative number reaches validation instead of looking like a flag. */
function joinNegativeValues(argv: readonly string[], table: Record<string, FlagSpec>): string[] {
  const valued = new Set(
    Object.values(table)
      .filter((s) => s.kind !== 'boolean')
      .flatMap((s) => [s.flag, ...(s.aliases ?? [])].map((n) => `--${n}`)),
  );
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (valued.has(arg) && next !== undefined && /^-(\d|\.\d|Infinity|inf)/i.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function convert(spec: FlagSpec, raw: string | boolean): string | number | boolean {
  if (spec.kind === 'boolean') return raw;
  const text = String(raw);
  if (spec.kind === 'string') return text;
  if (spec.kind === 'enum') {
    if (!spec.values?.includes(text))
      throw new UsageError(`--${spec.flag} must be one of ${spec.values?.join(', ')}, got ${JSON.stringify(text)}`);
    return text;
  }
  const n = text.trim() === '' ? Number.NaN : Number(text);
  const ok = spec.kind === 'int' ? Number.isInteger(n) : Number.isFinite(n);
  const tooLow = spec.min !== undefined && (spec.exclusiveMin ? n <= spec.min : n < spec.min);
  const tooHigh = spec.max !== undefined && (spec.exclusiveMax ? n >= spec.max : n > spec.max);
  if (!ok || tooLow || tooHigh)
    throw new UsageError(`--${spec.flag} ${describeRule(spec)}, got ${JSON.stringify(text)}`);
  return n;
}

/** "must be a positive integer", "must be a number in [0, 1)", … */
export function describeRule(spec: Pick<FlagSpec, 'kind' | 'min' | 'max' | 'exclusiveMin' | 'exclusiveMax'>): string {
  const noun = spec.kind === 'int' ? 'integer' : 'number';
  const { min, max, exclusiveMin, exclusiveMax } = spec;
  if (min !== undefined && max !== undefined)
    return `must be an ${noun === 'integer' ? 'integer' : 'number'} in ${exclusiveMin ? '(' : '['}${min}, ${max}${exclusiveMax ? ')' : ']'}`.replace(
      'an number',
      'a number',
    );
  if (min === 0 && exclusiveMin) return `must be a positive ${noun}`;
  if (min === 1 && !exclusiveMin && spec.kind === 'int') return 'must be a positive integer';
  if (min === 0 && !exclusiveMin) return `must be a non-negative ${noun}`;
  if (min !== undefined) return `must be a ${noun} ${exclusiveMin ? '>' : '>='} ${min}`;
  return spec.kind === 'int' ? 'must be an integer' : 'must be a number';
}

/** An argument as typed when it is plain, quoted and escaped when it holds spaces or control characters (errors stay one line). */
function shownArgument(text: string): string {
  return /^[\x21-\x7e]*$/.test(text) ? text : JSON.stringify(text);
}

function translateParseError(error: Error & { code?: string }, table: Record<string, FlagSpec>): UsageError {
  const flags = Object.values(table).map((s) => `--${s.flag}`);
  const match = /'(-[^']*)'/.exec(error.message);
  const option = match?.[1] ?? '';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const nearest = nearestFlag(option, table);
    if (nearest)
      return new UsageError(
        `unknown flag ${shownArgument(option)}; did you mean ${nearest}?`,
        '--help lists every flag',
      );
    return new UsageError(`unknown flag ${shownArgument(option)}; valid flags are ${flags.join(', ')}, --help`);
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = option.replace(/^-+/, '').split(/[ =]/)[0] ?? option;
    const spec = Object.values(table).find((s) => s.flag === name);
    return new UsageError(spec?.kind === 'boolean' ? `--${name} takes no value` : `--${name} needs a value`);
  }
  return new UsageError(error.message.split('\n')[0] ?? 'bad arguments');
}

/**
 * The flag closest to a misspelled one by edit distance (Levenshtein, from fastest-levenshtein),
 * or undefined when even the closest needs more than a third of its letters changed: then a
 * suggestion would be a guess, and the full list serves better.
 */
export function nearestFlag(option: string, table: Record<string, FlagSpec>): string | undefined {
  const typed = option.replace(/=.*$/, '').replace(/^-+/, '');
  if (typed.length === 0) return undefined;
  const names = [...Object.values(table).flatMap((s) => [s.flag, ...(s.aliases ?? [])]), 'help', 'version'];
  const best = closest(typed, names);
  const allowed = Math.max(1, Math.floor(Math.max(typed.length, best.length) / 3));
  return distance(typed, best) <= allowed ? `--${best}` : undefined;
}

/** The --help text: usage line, then one line per flag with its default and help. */
export function formatHelp(usage: string, description: string, table: Record<string, FlagSpec>): string {
  const rows = Object.values(table).map((spec) => {
    const placeholder =
      spec.kind === 'boolean'
        ? ''
        : ` ${spec.placeholder ?? (spec.kind === 'enum' ? spec.values!.join('|') : spec.kind === 'string' ? 'TEXT' : 'N')}`;
    const left = `  --${spec.flag}${placeholder}`;
    const def = spec.default === undefined || spec.default === '' ? '' : ` (default: ${String(spec.default)})`;
    const also = spec.aliases?.length ? ` (also ${spec.aliases.map((a) => `--${a}`).join(', ')})` : '';
    return [left, `${spec.help}${def}${also}`] as const;
  });
  const width = Math.min(34, Math.max(...rows.map(([left]) => left.length)) + 2);
  const lines = rows.map(([left, right]) =>
    left.length + 1 > width ? `${left}\n${' '.repeat(width)}${right}` : `${left.padEnd(width)}${right}`,
  );
  return `usage: ${usage}\n\n${description}\n\noptions:\n${lines.join('\n')}\n  -h, --help${' '.repeat(Math.max(1, width - 12))}show this help\n  --version${' '.repeat(Math.max(1, width - 11))}print the version\n`;
}
