// Plain-text rendering of a run: the results table (one row per measurement, with GFLOP/s and
// ratios against the peers on the same config) and the list of targets. Pure: strings in, string out.

import { formatRate } from '@charrnn/report';
import { describeRow, flopsPerCharOf } from './configs.js';
import { ratiosFor, type Measurement } from './measurement.js';
import type { TargetResult } from './targets.js';

export type Align = 'l' | 'r';

/** Columns padded to their widest cell, a dashed rule under the header, two spaces between columns. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')}\n`;
}

/** Milliseconds with about three significant digits. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1) return ms.toFixed(3);
  if (ms < 100) return ms.toFixed(2);
  return ms.toFixed(1);
}

export function formatRatio(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? '—' : `${ratio.toFixed(2)}×`;
}

export const RESULT_HEADER = [
  'config',
  'implementation',
  'threads',
  'dtype',
  'chars/s',
  'ms/step',
  'peak MB',
  'GFLOP/s',
  '× numpy seed',
  '× numpy batched',
  '× torch',
] as const;
const RESULT_ALIGN: readonly Align[] = ['l', 'l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'];

export function resultRows(measurements: readonly Measurement[], vocab: number): string[][] {
  return measurements.map((m) => {
    const r = ratiosFor(m, measurements);
    // A row compared with itself says nothing; leave its own family's column blank.
    return [
      describeRow(m),
      m.implementation,
      String(m.threads),
      m.dtype,
      formatRate(m.charsPerSec),
      formatMs(m.msPerStep),
      m.peakMb.toFixed(1),
      ((m.charsPerSec * flopsPerCharOf(m, vocab)) / 1e9).toFixed(2),
      formatRatio(m.family === 'numpy-seed' ? undefined : r.numpySeed),
      formatRatio(m.family === 'numpy-batched' ? undefined : r.numpyBatched),
      formatRatio(m.family === 'torch' ? undefined : r.torch),
    ];
  });
}

export function formatResultsTable(measurements: readonly Measurement[], vocab: number): string {
  return renderTable(RESULT_HEADER, resultRows(measurements, vocab), RESULT_ALIGN);
}

const MARK: Record<TargetResult['status'], string> = {
  met: '[met]',
  'not met': '[NOT met]',
  'not measured': '[not measured]',
};

export function formatTargets(results: readonly TargetResult[]): string {
  const width = Math.max(...results.map((r) => MARK[r.status].length));
  return `${results.map((r) => `${MARK[r.status].padEnd(width)}  ${r.target}: ${r.detail}`).join('\n')}\n`;
}
