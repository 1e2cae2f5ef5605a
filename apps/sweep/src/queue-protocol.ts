// What travels through Redis between the coordinator and queue workers. A job carries data, never
// code: the sweep's spec text (the worker validates it with the sweep spec's own schema and expands
// the trial itself), the trial id, and the training text's content hash. Workers answer on one
// stream per sweep: session starts, training events, checkpoint markers, rung questions, outcomes.
//
// Anyone with the Redis password can write both, so both are parsed with strict schemas here: known
// fields only, trial ids of the job's form, integers where counts go, finite numbers (a diverged
// trial's final loss is the one value that may be NaN or infinite), bounded strings, and no control
// characters in the names the coordinator prints. Rules that need the trial (its steps, its rungs,
// what came before) are the follower's (queue-follower.ts).

import { z } from 'zod';
import type { TrainingEvent } from '@charrnn/report';
import { printable } from '@charrnn/sweep';
import type { CheckpointKind } from './queue-redis.js';

const HEX64 = /^[0-9a-f]{64}$/;
/** A trial id as expandTrials makes them (t + index, at least 3 digits): also a directory name. */
export const TRIAL_ID = /^t\d{3,6}$/;
/** The sweep key: `<slug of the spec's name>-<8 hex>` (queue-coordinator.ts). */
export const SWEEP_KEY = /^[a-z0-9][a-z0-9-]{0,80}$/;

export const JOB_SCHEMA = z.strictObject({
  v: z.literal(1),
  sweep: z.string().regex(SWEEP_KEY),
  trial: z.string().regex(TRIAL_ID),
  /** The spec file's text (YAML or JSON), at most 1 MB. */
  specText: z.string().max(1 << 20),
  /** sha256 of sweepIdentity(spec, text): a worker whose code expands the spec differently refuses. */
  identity: z.string().regex(HEX64),
  data: z.strictObject({ sha256: z.string().regex(HEX64), chars: z.number().int().positive() }),
  kernels: z.enum(['auto', 'reference', 'wasm']),
});

export type TrialJob = z.infer<typeof JOB_SCHEMA>;

/** The JSON part of one entry ("d") may be this long: a sample is the largest legitimate one. */
export const MAX_ENTRY_DATA = 1 << 20;
/** Steps, characters and counts: integers a trial can reach (the seconds budget's 10⁹ steps included). */
const count = z.int().min(0);
const finite = z.number();
/** A diverged trial's last loss is NaN or infinite (carried as tagged strings, see nonFinite). */
const anyNumber = z.custom<number>((v) => typeof v === 'number', { error: 'must be a number' });
/** Names the coordinator prints (worker, kernels): short, and nothing a terminal would act on. */
const label = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => printable(s) === s, { error: 'must not contain control characters' });
/** Free text (error messages): kept, but with control characters shown as escapes. */
const message = z.string().max(4000).transform(printable);

/** A tagging task's validation metrics (step and eval events), fractions in [0, 1]. */
const fraction = z.number().min(0).max(1);
const TAGGING_METRICS = {
  valAccuracy: fraction.optional(),
  valPrecision: fraction.optional(),
  valRecall: fraction.optional(),
  valF1: fraction.optional(),
};

const EVENT_SCHEMA = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('start'),
    step: count,
    totalSteps: count,
    paramCount: count,
    vocabSize: count,
    trainChars: count,
    valChars: count,
    kernels: label,
    maxSeconds: z.number().positive().optional(),
  }),
  z.strictObject({
    type: z.literal('step'),
    step: count,
    totalSteps: count,
    chars: count,
    loss: finite,
    smoothLoss: finite,
    trainLoss: finite.optional(),
    valLoss: finite.optional(),
    valBpc: finite.optional(),
    ...TAGGING_METRICS,
    lr: finite,
    gradNorm: finite,
    clippedFrac: finite,
    charsPerSec: finite,
    elapsedSec: finite,
  }),
  z.strictObject({
    type: z.literal('eval'),
    step: count,
    chars: count,
    valLoss: finite,
    valBpc: finite,
    count,
    ...TAGGING_METRICS,
  }),
  z.strictObject({ type: z.literal('sample'), step: count, prime: z.string(), text: z.string() }),
  z.strictObject({
    type: z.literal('checkpoint'),
    step: count,
    path: z.string().max(4096).optional(),
    reason: z.enum(['periodic', 'best', 'final']),
  }),
  z.strictObject({
    type: z.literal('done'),
    step: count,
    chars: count,
    reason: z.enum(['completed', 'interrupted', 'diverged', 'stopped']),
    message: message.optional(),
    finalLoss: anyNumber,
    bestValLoss: finite.optional(),
    elapsedSec: finite,
  }),
]);

// The schema must describe TrainingEvent exactly: a field added to the events fails to compile here,
// instead of being refused on the wire (or passed on unchecked).
// Field names are compared too: an optional field added to an event would otherwise still match.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type FieldNames<E> = E extends { readonly type: string } ? `${E['type']}.${keyof E & string}` : never;
type SchemaEvent = z.output<typeof EVENT_SCHEMA>;
const eventSchemaMatches: [Same<SchemaEvent, TrainingEvent>, Same<FieldNames<SchemaEvent>, FieldNames<TrainingEvent>>] =
  [true, true];
void eventSchemaMatches;

const OUTCOME_SCHEMA = z.strictObject({
  status: z.enum(['completed', 'stopped', 'diverged', 'interrupted', 'error']),
  message: message.optional(),
});

/** The "d" part of each kind of entry (kind, trial and session are fields of their own). */
const DATA_SCHEMAS = {
  session: z.strictObject({ worker: label, fromStep: count, kernels: label.optional() }),
  event: z.strictObject({ event: EVENT_SCHEMA }),
  checkpoint: z.strictObject({ checkpoint: z.enum(['best', 'last']), step: count }),
  rung: z.strictObject({ rung: z.int().min(0).max(1000), step: count, value: finite }),
  outcome: z.strictObject({ outcome: OUTCOME_SCHEMA }),
} as const;

export type EntryKind = keyof typeof DATA_SCHEMAS;

/** One stream entry. `session` counts the times a worker took the trial up (0: the coordinator, or a refusal). */
export type StreamEntry =
  | {
      readonly kind: 'session';
      readonly trial: string;
      readonly session: number;
      readonly worker: string;
      readonly fromStep: number;
      /** The kernels the worker runs the trial on (absent from workers before this was added). */
      readonly kernels?: string;
    }
  | { readonly kind: 'event'; readonly trial: string; readonly session: number; readonly event: TrainingEvent }
  | {
      readonly kind: 'checkpoint';
      readonly trial: string;
      readonly session: number;
      readonly checkpoint: CheckpointKind;
      readonly step: number;
    }
  | {
      readonly kind: 'rung';
      readonly trial: string;
      readonly session: number;
      readonly rung: number;
      readonly step: number;
      readonly value: number;
    }
  | {
      readonly kind: 'outcome';
      readonly trial: string;
      readonly session: number;
      readonly outcome: { readonly status: z.output<typeof OUTCOME_SCHEMA>['status']; readonly message?: string };
    };

/** A stream entry as XADD field/value pairs. */
export function entryFields(entry: StreamEntry): string[] {
  const { kind, trial, session, ...data } = entry;
  return ['k', kind, 't', trial, 's', String(session), 'd', JSON.stringify(data, nonFinite)];
}

/** What parseEntry makes of XREAD's fields: the entry, or why it was refused (one short phrase). */
export type ParsedEntry = { readonly entry: StreamEntry } | { readonly problem: string; readonly trial?: string };

/** Back from XREAD's flat field list, validated; anything else is refused with the reason. */
export function parseEntry(fields: readonly string[]): ParsedEntry {
  if (fields.length !== 8) return { problem: `it has ${fields.length / 2} fields, not 4` };
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const kind = map.get('k') ?? '';
  const trial = map.get('t') ?? '';
  const sessionText = map.get('s') ?? '';
  const data = map.get('d');
  if (!Object.hasOwn(DATA_SCHEMAS, kind)) return { problem: `unknown kind ${JSON.stringify(printable(kind))}` };
  if (!TRIAL_ID.test(trial))
    return { problem: `trial id ${JSON.stringify(printable(trial.slice(0, 40)))} is malformed` };
  if (!/^\d{1,9}$/.test(sessionText)) return { problem: 'its session is not a small integer', trial };
  if (data === undefined || data.length > MAX_ENTRY_DATA)
    return { problem: data === undefined ? 'it has no data' : `its data is over ${MAX_ENTRY_DATA} bytes`, trial };
  let raw: unknown;
  try {
    raw = JSON.parse(data, revive);
  } catch {
    return { problem: 'its data is not JSON', trial };
  }
  const parsed = DATA_SCHEMAS[kind as EntryKind].safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: `${kind} ${issue.path.join('.') || 'data'}: ${issue.message}`, trial };
  }
  return { entry: { ...parsed.data, kind, trial, session: Number(sessionText) } as StreamEntry };
}

// JSON has no NaN or Infinity, and a diverged trial reports them: carry them as tagged strings.
function nonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? `__num:${value}` : value;
}

function revive(_key: string, value: unknown): unknown {
  if (value === '__num:NaN') return Number.NaN;
  if (value === '__num:Infinity') return Number.POSITIVE_INFINITY;
  if (value === '__num:-Infinity') return Number.NEGATIVE_INFINITY;
  return value;
}
