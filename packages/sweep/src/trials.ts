// From a spec to its trials: the grid's cartesian product or random samples from the space,
// each with a full TrainConfig, a stable id and a seed. Pure and seeded, so the same spec always
// gives the same trials, and a random sweep with more trials extends the shorter one.

import { Prng } from '@charrnn/tensor';
import { resolveTrainConfig, type TrainConfig } from '@charrnn/train';
import type { ParamSpec, ParamValue, SweepSpec } from './spec.js';

export interface TrialSpec {
  /** "t000", "t001", … in expansion order; also the trial's directory name. */
  readonly id: string;
  readonly index: number;
  /** The swept settings only, keyed by TrainConfig key, in space order. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** The complete training config (base + params + budget + seed). */
  readonly config: TrainConfig;
}

/** Budget for steps that effectively never ends, so a seconds budget decides (maxSeconds). */
const UNBOUNDED_STEPS = 1_000_000_000;
/** Evaluations per trial when the spec does not set evalEvery (enough points for a curve). */
const EVALS_PER_TRIAL = 20;

/**
 * The most trials a sweep runs unless told otherwise (charrnn-sweep --max-trials). Trials are
 * expanded into memory (about a kilobyte each) and summary.csv is rewritten whenever one ends, so
 * a spec whose grid multiplies out to millions is refused before anything is written.
 */
export const DEFAULT_MAX_TRIALS = 1000;

/** Refuses a spec with more than `max` trials, with a message that says where the count comes from. */
export function checkTrialCount(spec: SweepSpec, max: number = DEFAULT_MAX_TRIALS): void {
  if (spec.trials <= max) return;
  const count = spec.trials > 1e15 ? spec.trials.toExponential(2) : String(spec.trials);
  const origin =
    spec.method === 'grid'
      ? `the grid multiplies out to ${count} trials (${spec.space.map((p) => `${p.key} ${p.spec.dist === 'choice' ? p.spec.values.length : 1}`).join(' × ')})`
      : `trials is ${count}`;
  throw new SweepLimitError(
    `${origin}, more than the limit of ${max}`,
    spec.method === 'grid'
      ? 'sweep fewer values, use method: random with a trials count, or raise --max-trials'
      : 'lower trials, or raise --max-trials',
  );
}

/** A sweep larger than its trial limit (exit 2 in the app). */
export class SweepLimitError extends Error {
  override readonly name = 'SweepLimitError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export function expandTrials(spec: SweepSpec): TrialSpec[] {
  const combos = spec.method === 'grid' ? gridCombos(spec) : randomCombos(spec);
  const width = Math.max(3, String(combos.length - 1).length);
  // A separate stream for seeds, so sampling and seeding never shift each other.
  const seedRng = new Prng((spec.seed ^ 0x5eed5eed) >>> 0);
  return combos.map((params, index) => {
    const derivedSeed = seedRng.nextUint32();
    const seed = (params['seed'] as number | undefined) ?? spec.base.seed ?? derivedSeed;
    return { id: `t${String(index).padStart(width, '0')}`, index, params, config: trialConfig(spec, params, seed) };
  });
}

function trialConfig(spec: SweepSpec, params: Record<string, ParamValue>, seed: number): TrainConfig {
  const merged: Record<string, unknown> = { sampleEvery: 0, ...spec.base, ...params, seed };
  const seqLength = (merged['seqLength'] as number | undefined) ?? 25;
  const batchSize = (merged['batchSize'] as number | undefined) ?? 1;
  const { kind, value } = spec.budget;
  const steps =
    kind === 'steps'
      ? value
      : kind === 'chars'
        ? Math.max(1, Math.ceil(value / (seqLength * batchSize)))
        : UNBOUNDED_STEPS;
  merged['steps'] = steps;
  merged['maxSeconds'] = kind === 'seconds' ? value : 0;
  if (merged['evalEvery'] === undefined)
    merged['evalEvery'] = kind === 'seconds' ? 100 : Math.max(1, Math.floor(steps / EVALS_PER_TRIAL));
  if (merged['logEvery'] === undefined && kind !== 'seconds')
    merged['logEvery'] = Math.max(1, Math.min(100, Math.floor(steps / 50)));
  return resolveTrainConfig(merged as Partial<TrainConfig>);
}

function gridCombos(spec: SweepSpec): Record<string, ParamValue>[] {
  let combos: Record<string, ParamValue>[] = [{}];
  // The first setting varies slowest, like nested loops written in spec order.
  for (const { key, spec: p } of spec.space) {
    const values = (p as Extract<ParamSpec, { dist: 'choice' }>).values;
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return combos;
}

function randomCombos(spec: SweepSpec): Record<string, ParamValue>[] {
  const rng = new Prng(spec.seed);
  return Array.from({ length: spec.trials }, () => {
    const combo: Record<string, ParamValue> = {};
    for (const { key, spec: p } of spec.space) combo[key] = sample(p, rng);
    return combo;
  });
}

/** One draw; real numbers keep 4 significant digits (readable in tables), clamped into range. */
export function sample(p: ParamSpec, rng: Prng): ParamValue {
  switch (p.dist) {
    case 'choice':
      return p.values[rng.int(p.values.length)]!;
    case 'int':
      return p.min + rng.int(p.max - p.min + 1);
    case 'uniform':
      return round4(rng.uniformIn(p.min, p.max), p.min, p.max);
    case 'loguniform':
      return round4(Math.exp(rng.uniformIn(Math.log(p.min), Math.log(p.max))), p.min, p.max);
  }
}

function round4(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Number(x.toPrecision(4))));
}
