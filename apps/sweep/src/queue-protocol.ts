// What travels through Redis between the coordinator and queue workers. A job carries data, never
// code: the sweep's spec text (the worker validates it with the sweep spec's own schema and expands
// the trial itself), the trial id, and the training text's content hash. Workers answer on one
// stream per sweep: session starts, training events, checkpoint markers, rung questions, outcomes.

import { z } from 'zod';
import type { TrainingEvent } from '@charrnn/report';
import type { TrialOutcome } from '@charrnn/sweep';
import type { CheckpointKind } from './queue-redis.js';

const HEX64 = /^[0-9a-f]{64}$/;

export const JOB_SCHEMA = z.strictObject({
  v: z.literal(1),
  sweep: z.string().regex(/^[a-z0-9][a-z0-9-]{0,80}$/),
  trial: z.string().regex(/^t\d{3,6}$/),
  /** The spec file's text (YAML or JSON), at most 1 MB. */
  specText: z.string().max(1 << 20),
  /** sha256 of sweepIdentity(spec, text): a worker whose code expands the spec differently refuses. */
  identity: z.string().regex(HEX64),
  data: z.strictObject({ sha256: z.string().regex(HEX64), chars: z.number().int().positive() }),
  kernels: z.enum(['auto', 'reference', 'wasm']),
});

export type TrialJob = z.infer<typeof JOB_SCHEMA>;

/** One stream entry. `s` is the session: each time a worker takes the trial up it gets a new one. */
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
  | { readonly kind: 'outcome'; readonly trial: string; readonly session: number; readonly outcome: TrialOutcome };

/** A stream entry as XADD field/value pairs. */
export function entryFields(entry: StreamEntry): string[] {
  const { kind, trial, session, ...data } = entry;
  return ['k', kind, 't', trial, 's', String(session), 'd', JSON.stringify(data, nonFinite)];
}

/** Back from XREAD's flat field list; null for anything this version does not understand. */
export function parseEntry(fields: readonly string[]): StreamEntry | null {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const kind = map.get('k');
  const trial = map.get('t');
  const session = Number(map.get('s'));
  if (!kind || !trial || !Number.isInteger(session)) return null;
  try {
    const data = JSON.parse(map.get('d') ?? '{}', revive) as Record<string, unknown>;
    if (!['session', 'event', 'checkpoint', 'rung', 'outcome'].includes(kind)) return null;
    return { ...data, kind, trial, session } as StreamEntry;
  } catch {
    return null;
  }
}

// JSON has no NaN or Infinity, and a diverged trial reports them: carry them as tagged strings.
function nonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? `__num:${value}` : value;
}

function revive(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.startsWith('__num:') ? Number(value.slice(6)) : value;
}
