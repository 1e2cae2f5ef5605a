// What the coordinator knows about each trial, and the files derived from it: the record (saved
// as trials/<id>/record.json, the resume state), and summary.csv (one row per trial). Losses are
// nats per character; bpc = loss / ln 2.

import { csvHeader, csvRow, natsToBits } from '@charrnn/report';
import type { ParamValue, SweepMetric } from './spec.js';
import type { TrialSpec } from './trials.js';

export type TrialStatus = 'pending' | 'running' | 'ok' | 'failed' | 'stopped';

export interface CurvePoint {
  readonly step: number;
  readonly chars: number;
  readonly valLoss: number;
}

export interface TrialRecord {
  readonly id: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly seed: number;
  status: TrialStatus;
  steps: number;
  totalSteps: number;
  chars: number;
  finalValLoss?: number;
  bestValLoss?: number;
  charsPerSec?: number;
  /** Wall seconds over all sessions (a resumed trial adds up). */
  wallSec: number;
  error?: string;
  curve: CurvePoint[];
  /** Metric value at each ASHA rung reached, by rung index. */
  rungs: number[];
}

export function newRecord(trial: TrialSpec): TrialRecord {
  return {
    id: trial.id,
    params: trial.params,
    seed: trial.config.seed,
    status: 'pending',
    steps: 0,
    totalSteps: trial.config.steps,
    chars: 0,
    wallSec: 0,
    curve: [],
    rungs: [],
  };
}

/** The trial's score for ranking: its best evaluation of the metric (lower is better). */
export function trialScore(record: TrialRecord, metric: SweepMetric): number | undefined {
  if (record.bestValLoss === undefined) return undefined;
  return metric === 'val_bpc' ? natsToBits(record.bestValLoss) : record.bestValLoss;
}

export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export const SUMMARY_METRIC_COLUMNS = [
  'status',
  'steps',
  'final_val_loss',
  'final_val_bpc',
  'best_val_loss',
  'best_val_bpc',
  'chars_per_s',
  'wall_s',
  'seed',
  'error',
] as const;

/** Swept keys that get their own summary column ("seed" already has one). */
export function paramColumns(paramKeys: readonly string[]): string[] {
  return paramKeys.filter((k) => k !== 'seed');
}

/** summary.csv: header, then one row per trial in id order. */
export function summaryCsv(records: readonly TrialRecord[], paramKeys: readonly string[]): string {
  const keys = paramColumns(paramKeys);
  const lines = [csvHeader(['id', ...keys.map(snakeCase), ...SUMMARY_METRIC_COLUMNS])];
  for (const r of records) {
    const bits = (x: number | undefined): number | undefined => (x === undefined ? undefined : natsToBits(x));
    lines.push(
      csvRow([
        r.id,
        ...keys.map((k) => r.params[k]),
        r.status,
        r.steps,
        r.finalValLoss,
        bits(r.finalValLoss),
        r.bestValLoss,
        bits(r.bestValLoss),
        r.charsPerSec === undefined ? undefined : Math.round(r.charsPerSec),
        Math.round(r.wallSec * 100) / 100,
        r.seed,
        r.error,
      ]),
    );
  }
  return lines.join('');
}

/** A record.json that cannot be read back: the message names what is wrong (the caller names the file). */
export class RecordError extends Error {
  override readonly name = 'RecordError';
}

const STATUSES: readonly TrialStatus[] = ['pending', 'running', 'ok', 'failed', 'stopped'];

/**
 * Reads a trial's record.json back, checking every field (it decides what --resume reruns and what
 * --status shows, and a file can be edited or damaged); throws RecordError saying what is wrong.
 */
export function parseTrialRecord(text: string, id: string): TrialRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new RecordError(`is not valid JSON (${(error as Error).message})`);
  }
  const r = raw as Record<string, unknown>;
  const fail = (field: string, rule: string): never => {
    throw new RecordError(`is not a trial record: "${field}" must be ${rule}, got ${JSON.stringify(r[field])}`);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new RecordError('is not a trial record: it must be a JSON object');
  if (r['id'] !== id) fail('id', `"${id}" (the trial's directory)`);
  if (!STATUSES.includes(r['status'] as TrialStatus)) fail('status', STATUSES.join(', '));
  for (const key of ['steps', 'totalSteps', 'chars', 'wallSec', 'seed'])
    if (!isCount(r[key])) fail(key, 'a non-negative number');
  for (const key of ['finalValLoss', 'bestValLoss', 'charsPerSec'])
    if (r[key] !== undefined && !Number.isFinite(r[key])) fail(key, 'a number');
  if (r['error'] !== undefined && typeof r['error'] !== 'string') fail('error', 'a string');
  const params = r['params'];
  if (
    params === null ||
    typeof params !== 'object' ||
    Array.isArray(params) ||
    !Object.values(params).every((v) => typeof v === 'string' || Number.isFinite(v))
  )
    fail('params', 'an object of settings');
  // A NaN rung value (never from a finite evaluation, but JSON would write it as null) stops the trial there.
  if (!Array.isArray(r['rungs']) || !r['rungs'].every((v) => v === null || typeof v === 'number'))
    fail('rungs', 'a list of numbers');
  const curve = r['curve'];
  if (
    !Array.isArray(curve) ||
    !curve.every(
      (p: Record<string, unknown>) => isCount(p?.['step']) && isCount(p?.['chars']) && Number.isFinite(p?.['valLoss']),
    )
  )
    fail('curve', 'a list of {step, chars, valLoss}');
  return raw as TrialRecord;
}

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}
