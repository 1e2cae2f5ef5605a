// The sweep spec: what a user writes in YAML or JSON (base config, search space, budget, metric,
// method, seed, ASHA), validated with zod plus the trainer's own CONFIG_RULES, and normalized to
// a SweepSpec. Every problem is reported with its path, all at once, in a SpecError.

import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { CONFIG_RULES, checkConfigValue, type TrainConfig } from '@charrnn/train';

export type ParamValue = string | number;

/** One swept hyperparameter's values: a list, or a distribution for random sweeps. */
export type ParamSpec =
  | { readonly dist: 'choice'; readonly values: readonly ParamValue[] }
  | { readonly dist: 'uniform' | 'loguniform'; readonly min: number; readonly max: number }
  | { readonly dist: 'int'; readonly min: number; readonly max: number };

export interface SpaceParam {
  readonly key: keyof TrainConfig;
  readonly spec: ParamSpec;
}

export type SweepMetric = 'val_bpc' | 'val_loss';
export type BudgetKind = 'steps' | 'chars' | 'seconds';

export interface SweepSpec {
  readonly name?: string;
  readonly method: 'grid' | 'random';
  /** Number of sampled trials (random); the product of the list lengths (grid). */
  readonly trials: number;
  /** Seeds random sampling and the derived trial seeds. */
  readonly seed: number;
  /** Training text path as written in the spec (relative to the spec file); absent: the app's default corpus. */
  readonly data?: string;
  readonly metric: SweepMetric;
  readonly budget: { readonly kind: BudgetKind; readonly value: number };
  readonly base: Partial<TrainConfig>;
  readonly space: readonly SpaceParam[];
  readonly asha?: { readonly eta: number; readonly rungs: number };
}

/** A spec with problems; `problems` lists every one as "path message". */
export class SpecError extends Error {
  override readonly name = 'SpecError';
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1 ? `spec: ${problems[0]}` : `spec has ${problems.length} problems: ${problems.join('; ')}`,
    );
  }
}

const CONFIG_KEYS = Object.keys(CONFIG_RULES) as (keyof TrainConfig)[];
/** Set by the budget, never by base or space. */
const BUDGET_KEYS: readonly (keyof TrainConfig)[] = ['steps', 'maxSeconds'];
/** Settings a trial cannot take, with the reason. */
const NOT_IN_A_SWEEP: Partial<Record<keyof TrainConfig, string>> = {
  // Each trial runs on one core (the sweep spreads trials over cores instead).
  threads: 'cannot be set: each trial runs on one thread and the sweep uses the cores through --workers',
  // Trials share a process, and Node 20 measures CPU time per process only, so no trial can see its own.
  maxCpuSeconds:
    "cannot be set: trials share a process, whose CPU time is not one trial's; budget trials by budget.steps or budget.seconds",
};
const TOP_KEYS = ['name', 'method', 'trials', 'seed', 'data', 'metric', 'budget', 'base', 'space', 'asha'];
const DISTS = ['choice', 'uniform', 'loguniform', 'int'] as const;

const positiveInt = (what: string) => z.int({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });
const TopSchema = z.strictObject({
  name: z.string({ error: 'must be a string' }).optional(),
  method: z.enum(['grid', 'random'], { error: 'must be grid or random' }).default('grid'),
  trials: positiveInt('a positive integer').optional(),
  seed: z
    .int({ error: 'must be an integer in [0, 4294967295]' })
    .min(0, { error: 'must be an integer in [0, 4294967295]' })
    .max(0xffffffff, { error: 'must be an integer in [0, 4294967295]' })
    .default(0),
  data: z.string({ error: 'must be a file path' }).min(1, { error: 'must be a file path' }).optional(),
  metric: z.enum(['val_bpc', 'val_loss'], { error: 'must be val_bpc or val_loss' }).default('val_bpc'),
  budget: z.strictObject(
    {
      steps: positiveInt('a positive integer').optional(),
      chars: positiveInt('a positive integer').optional(),
      seconds: z
        .number({ error: 'must be a positive number' })
        .positive({ error: 'must be a positive number' })
        .optional(),
    },
    { error: 'must be an object with one of steps, chars, seconds' },
  ),
  base: z.record(z.string(), z.unknown(), { error: 'must be an object of training settings' }).default({}),
  space: z.record(z.string(), z.unknown(), { error: 'must be an object of swept settings' }),
  asha: z
    .strictObject(
      {
        eta: z.number({ error: 'must be a number >= 2' }).min(2, { error: 'must be a number >= 2' }).default(3),
        rungs: positiveInt('a positive integer').default(2),
      },
      { error: 'must be an object { eta, rungs }' },
    )
    .optional(),
});

/** Parses YAML (or JSON, a subset of YAML) text into a validated spec; throws SpecError. */
export function parseSpecText(text: string): SweepSpec {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const message = error instanceof YAMLParseError ? error.message.split('\n')[0]! : String(error);
    throw new SpecError([`is not valid YAML or JSON: ${message}`]);
  }
  return validateSpec(raw);
}

/** Validates a parsed spec object; throws SpecError listing every problem. */
export function validateSpec(raw: unknown): SweepSpec {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new SpecError([`must be an object (a YAML mapping), got ${describe(raw)}`]);
  const problems: string[] = [];
  const parsed = TopSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(...formatIssue(issue, raw));
    // Still check base and space, so one run reports everything.
  }
  const top = raw as Record<string, unknown>;
  const base = isRecord(top['base']) ? checkBase(top['base'], problems) : {};
  const space = isRecord(top['space']) ? checkSpace(top['space'], problems) : [];
  for (const param of space) {
    if (base[param.key] !== undefined) problems.push(`space.${param.key} is also set in base; remove one of them`);
  }
  if (!parsed.success) throw new SpecError(problems);
  const spec = parsed.data;

  const budgets = (['steps', 'chars', 'seconds'] as const).filter((k) => spec.budget[k] !== undefined);
  if (budgets.length !== 1)
    problems.push(
      `budget must set exactly one of steps, chars, seconds, got ${budgets.length === 0 ? 'none' : budgets.join(' and ')}`,
    );
  if (space.length === 0 && isRecord(top['space'])) problems.push('space must list at least one setting to sweep');
  if (spec.method === 'grid') {
    if (spec.trials !== undefined) problems.push('trials is only for method: random (a grid runs every combination)');
    for (const param of space) {
      if (param.spec.dist !== 'choice')
        problems.push(
          `space.${param.key} must be a list of values for method: grid, got a ${param.spec.dist} distribution; use method: random`,
        );
    }
  } else if (spec.trials === undefined) {
    problems.push('trials must be set for method: random (how many configurations to sample)');
  }
  if (spec.asha && spec.budget.seconds !== undefined)
    problems.push('asha needs a budget in steps or chars, not seconds (rungs are step counts)');
  if (problems.length > 0) throw new SpecError(problems);

  const kind = budgets[0]!;
  const gridSize = space.reduce((n, p) => n * (p.spec.dist === 'choice' ? p.spec.values.length : 1), 1);
  return {
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    method: spec.method,
    trials: spec.method === 'grid' ? gridSize : spec.trials!,
    seed: spec.seed,
    ...(spec.data !== undefined ? { data: spec.data } : {}),
    metric: spec.metric,
    budget: { kind, value: spec.budget[kind]! },
    base,
    space,
    ...(spec.asha ? { asha: { eta: spec.asha.eta, rungs: spec.asha.rungs } } : {}),
  };
}

/** Config keys are camelCase as in TrainConfig; the CLI's kebab-case spelling is accepted too. */
function configKey(name: string): keyof TrainConfig | undefined {
  const camel = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return (CONFIG_KEYS as string[]).includes(camel) ? (camel as keyof TrainConfig) : undefined;
}

function unknownKeyProblem(path: string, name: string, known: readonly string[]): string {
  const suggestion = closest(name, known);
  return `${path}.${name} is not a known setting${suggestion ? ` (did you mean ${suggestion}?)` : ''}`;
}

function checkBase(base: Record<string, unknown>, problems: string[]): Partial<TrainConfig> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(base)) {
    const key = configKey(name);
    if (!key) {
      problems.push(unknownKeyProblem('base', name, CONFIG_KEYS));
      continue;
    }
    if (BUDGET_KEYS.includes(key)) {
      problems.push(`base.${name} is set by the budget; use budget.${key === 'steps' ? 'steps' : 'seconds'} instead`);
      continue;
    }
    const notInASweep = NOT_IN_A_SWEEP[key];
    if (notInASweep) {
      problems.push(`base.${name} ${notInASweep}`);
      continue;
    }
    const problem = checkConfigValue(key, value);
    if (problem) problems.push(`base.${name} ${problem}, got ${JSON.stringify(value)}`);
    else out[key] = value;
  }
  return out as Partial<TrainConfig>;
}

function checkSpace(space: Record<string, unknown>, problems: string[]): SpaceParam[] {
  const out: SpaceParam[] = [];
  for (const [name, value] of Object.entries(space)) {
    const key = configKey(name);
    const path = `space.${name}`;
    if (!key) {
      problems.push(unknownKeyProblem('space', name, CONFIG_KEYS));
      continue;
    }
    if (BUDGET_KEYS.includes(key)) {
      problems.push(`${path} is set by the budget and cannot be swept`);
      continue;
    }
    const notInASweep = NOT_IN_A_SWEEP[key];
    if (notInASweep) {
      problems.push(`${path} ${notInASweep}`);
      continue;
    }
    const spec = checkParam(path, key, value, problems);
    if (spec) out.push({ key, spec });
  }
  return out;
}

function checkParam(path: string, key: keyof TrainConfig, value: unknown, problems: string[]): ParamSpec | null {
  const before = problems.length;
  if (Array.isArray(value)) return checkValues(path, key, value, problems);
  if (!isRecord(value)) {
    problems.push(`${path} must be a list of values or a distribution { dist, ... }, got ${describe(value)}`);
    return null;
  }
  const dist = value['dist'];
  if (typeof dist !== 'string' || !(DISTS as readonly string[]).includes(dist)) {
    problems.push(`${path}.dist must be one of ${DISTS.join(', ')}, got ${describe(dist)}`);
    return null;
  }
  const allowed = dist === 'choice' ? ['dist', 'values'] : ['dist', 'min', 'max'];
  for (const extra of Object.keys(value).filter((k) => !allowed.includes(k))) {
    problems.push(`${path}.${extra} is not a field of a ${dist} distribution (fields: ${allowed.join(', ')})`);
  }
  if (dist === 'choice') {
    if (!Array.isArray(value['values'])) {
      problems.push(`${path}.values must be a list, got ${describe(value['values'])}`);
      return null;
    }
    return checkValues(`${path}.values`, key, value['values'], problems);
  }
  const rule = CONFIG_RULES[key];
  if (rule.kind === 'enum' || rule.kind === 'boolean') {
    const names = rule.kind === 'enum' ? rule.values.join(', ') : 'true, false';
    problems.push(`${path} is a choice of names (${names}); use a list, not a ${dist} distribution`);
    return null;
  }
  if (dist === 'int' && rule.kind !== 'int')
    problems.push(`${path}.dist int is for integer settings; ${key} is a real number, use uniform or loguniform`);
  for (const bound of ['min', 'max'] as const) {
    const v = value[bound];
    if (typeof v !== 'number' || !Number.isFinite(v))
      problems.push(`${path}.${bound} must be a number, got ${describe(v)}`);
    else if (dist === 'int' && !Number.isInteger(v)) problems.push(`${path}.${bound} must be an integer, got ${v}`);
    else if (dist === 'loguniform' && v <= 0)
      problems.push(`${path}.${bound} must be > 0 for a loguniform distribution, got ${v}`);
    else {
      const problem = checkConfigValue(key, v);
      if (problem) problems.push(`${path}.${bound} ${problem}, got ${v}`);
    }
  }
  if (problems.length > before) return null;
  const min = value['min'] as number;
  const max = value['max'] as number;
  if (!(min < max)) {
    problems.push(`${path}.min must be < max, got min ${min} and max ${max}`);
    return null;
  }
  return { dist, min, max } as ParamSpec;
}

function checkValues(path: string, key: keyof TrainConfig, values: unknown[], problems: string[]): ParamSpec | null {
  const before = problems.length;
  if (values.length === 0) problems.push(`${path} must list at least one value, got []`);
  values.forEach((v, i) => {
    const problem = checkConfigValue(key, v);
    if (problem) problems.push(`${path}[${i}] ${problem}, got ${JSON.stringify(v)}`);
  });
  const seen = new Set(values.map((v) => JSON.stringify(v)));
  if (seen.size !== values.length) problems.push(`${path} must not repeat a value, got ${JSON.stringify(values)}`);
  return problems.length > before ? null : { dist: 'choice', values: values as ParamValue[] };
}

function formatIssue(issue: z.core.$ZodIssue, raw: unknown): string[] {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const known =
      path === ''
        ? TOP_KEYS
        : path === 'budget'
          ? ['steps', 'chars', 'seconds']
          : path === 'asha'
            ? ['eta', 'rungs']
            : [];
    return issue.keys.map((k) => {
      const suggestion = closest(k, known);
      return `${path === '' ? '' : `${path}.`}${k} is not a known key${suggestion ? ` (did you mean ${suggestion}?)` : ''}`;
    });
  }
  // zod does not keep the offending value on every issue; look it up by path.
  const input = issue.path.reduce<unknown>((v, k) => (isRecord(v) ? v[String(k)] : undefined), raw);
  if (input === undefined) return [`${path} is required`];
  const got = `, got ${describe(input)}`;
  return [`${path} ${issue.message}${got}`];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

/** The known name within edit distance 2 (case-insensitive), for "did you mean". */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = editDistance(name.toLowerCase().replace(/-/g, ''), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
