// What a run writes to bench-results/: the full record as JSON, and the measurements as CSV
// (one row per implementation × config, numbers unrounded). Pure: the command writes the files.

import { csvHeader, csvRow } from '@charrnn/report';
import { flopsPerCharOf } from './configs.js';
import { ratiosFor, type Measurement } from './measurement.js';
import type { MemoryCheck, TargetResult } from './targets.js';

export const CSV_COLUMNS = [
  'config',
  'cell',
  'hidden',
  'seq_length',
  'batch_size',
  'vocab',
  'implementation',
  'family',
  'kernels',
  'threads',
  'dtype',
  'chars_per_s',
  'ms_per_step',
  'steps',
  'seconds',
  'peak_mb',
  'flops_per_char',
  'gflops',
  'vs_numpy_seed',
  'vs_numpy_batched',
  'vs_torch',
] as const;

export function resultsCsv(measurements: readonly Measurement[], vocab: number): string {
  const rows = measurements.map((m) => {
    const r = ratiosFor(m, measurements);
    const flops = flopsPerCharOf(m, vocab);
    return csvRow([
      m.configId,
      m.cell,
      m.hidden,
      m.seqLength,
      m.batchSize,
      vocab,
      m.implementation,
      m.family,
      m.kernels,
      m.threads,
      m.dtype,
      m.charsPerSec,
      m.msPerStep,
      m.steps,
      m.seconds,
      m.peakMb,
      flops,
      (m.charsPerSec * flops) / 1e9,
      m.family === 'numpy-seed' ? undefined : r.numpySeed,
      m.family === 'numpy-batched' ? undefined : r.numpyBatched,
      m.family === 'torch' ? undefined : r.torch,
    ]);
  });
  return csvHeader(CSV_COLUMNS) + rows.join('');
}

export interface BenchReport {
  readonly version: 1;
  /** ISO time the run started. */
  readonly startedAt: string;
  readonly machine: { readonly node: string; readonly platform: string; readonly cpu: string; readonly cores: number };
  readonly data: { readonly source: string; readonly chars: number; readonly vocab: number };
  readonly settings: {
    readonly seconds: number;
    readonly kernels: readonly string[];
    readonly threads: readonly number[];
  };
  readonly ceiling: { readonly gflops: number; readonly source: string };
  readonly measurements: readonly Measurement[];
  readonly memory?: MemoryCheck;
  readonly targets: readonly TargetResult[];
  /** One line per thing that did not run, and why. */
  readonly skipped: readonly string[];
  /** One line per measurement that was meant to run and failed. */
  readonly failed?: readonly string[];
  /** Set when the run is partial (failed measurements, or stopped by Ctrl-C): why. */
  readonly incomplete?: string;
}

/**
 * The files a run writes, name → body: its own bench-<time>.{json,csv,html} always, and the
 * latest.* copies only when the run is complete — a failed or interrupted run must not replace the
 * last full picture.
 */
export function benchFiles(
  report: BenchReport,
  bodies: { readonly json: string; readonly csv: string; readonly html: string },
): [string, string][] {
  const stamp = fileStamp(report.startedAt);
  const own: [string, string][] = [
    [`bench-${stamp}.json`, bodies.json],
    [`bench-${stamp}.csv`, bodies.csv],
    [`bench-${stamp}.html`, bodies.html],
  ];
  if (report.incomplete !== undefined) return own;
  return [...own, ['latest.json', bodies.json], ['latest.csv', bodies.csv], ['latest.html', bodies.html]];
}

/** Why a run is partial, or undefined when everything planned ran. */
export function incompleteReason(interrupted: boolean, failed: readonly string[]): string | undefined {
  if (interrupted) return 'stopped by Ctrl-C before every measurement ran';
  if (failed.length > 0) return `${failed.length} measurement${failed.length === 1 ? '' : 's'} failed (${failed[0]})`;
  return undefined;
}

/** "2026-11-27T04:13:05.123Z" → "20261127-041305", for file names that sort by time. */
export function fileStamp(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(iso);
  if (!m) throw new RangeError(`fileStamp: time must be an ISO string, got ${JSON.stringify(iso)}`);
  return `${m[1]}${m[2]}${m[3]}-${m[4]}${m[5]}${m[6]}`;
}
