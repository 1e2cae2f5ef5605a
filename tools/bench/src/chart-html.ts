// bench-results/latest.html: a small self-contained page (inline SVG, no scripts, no network) with
// each target's measured ratio against the ratio it must reach, and the results table beneath.
// Pure: a report in, a string out.

import { formatRate } from '@charrnn/report';
import type { BenchReport } from './report-files.js';
import { RESULT_HEADER, resultRows } from './table.js';

const ROW = 30;
const LABEL = 430;
const BAR = 360;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * One bar per target that has a ratio: its length is ratio / goal on a scale where the goal sits at
 * the same place for every target (the dashed line), green when met, red when not.
 */
export function targetsSvg(report: Pick<BenchReport, 'targets'>): string {
  const rows = report.targets.filter((t) => t.ratio !== undefined && t.goal !== undefined && t.goal > 0);
  const scaleMax = Math.max(2, ...rows.map((t) => t.ratio! / t.goal!)) * 1.05;
  const x = (value: number): number => LABEL + (Math.min(value, scaleMax) / scaleMax) * BAR;
  const height = ROW * rows.length + 40;
  const parts = rows.map((t, i) => {
    const y = 20 + i * ROW;
    const width = x(t.ratio! / t.goal!) - LABEL;
    const colour = t.status === 'met' ? '#2e7d32' : '#c62828';
    return [
      `<text x="${LABEL - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(t.target)}</text>`,
      `<rect x="${LABEL}" y="${y + 3}" width="${width.toFixed(1)}" height="${ROW - 10}" fill="${colour}"><title>${escapeHtml(t.detail)}</title></rect>`,
      `<text x="${(LABEL + width + 6).toFixed(1)}" y="${y + 15}">${formatValue(t.ratio!, t.goal!)}</text>`,
    ].join('');
  });
  const goalX = x(1).toFixed(1);
  return [
    `<svg width="${LABEL + BAR + 140}" height="${height}" font-family="sans-serif" font-size="12">`,
    ...parts,
    `<line x1="${goalX}" y1="10" x2="${goalX}" y2="${height - 20}" stroke="#333" stroke-dasharray="4 3"/>`,
    `<text x="${goalX}" y="${height - 6}" text-anchor="middle">target</text>`,
    '</svg>',
  ].join('\n');
}

function formatValue(ratio: number, goal: number): string {
  // Fractions (the 70% of the matmul ceiling) read better as percentages.
  return goal < 1
    ? `${(100 * ratio).toFixed(0)}% (target ${(100 * goal).toFixed(0)}%)`
    : `${ratio.toFixed(2)}× (target ${goal}×)`;
}

export function benchHtml(report: BenchReport): string {
  const vocab = report.data.vocab;
  const table = [
    '<table>',
    `<tr>${RESULT_HEADER.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`,
    ...resultRows(report.measurements, vocab).map(
      (row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`,
    ),
    '</table>',
  ].join('\n');
  const unjudged = report.targets.filter((t) => t.ratio === undefined);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>charrnn bench ${escapeHtml(report.startedAt)}</title>
<style>body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td:nth-child(-n+2),th{text-align:left}</style>
</head><body>
<h1>charrnn bench</h1>
<p>${escapeHtml(report.startedAt)} · ${escapeHtml(report.machine.cpu)}, ${report.machine.cores} cores, node ${escapeHtml(report.machine.node)} · data ${escapeHtml(report.data.source)} (${formatRate(report.data.chars)} chars, V=${vocab}) · ${report.settings.seconds} s per measurement</p>
<h2>Targets: measured ratio against the ratio to reach</h2>
${targetsSvg(report)}
${unjudged.length > 0 ? `<ul>${unjudged.map((t) => `<li>[${escapeHtml(t.status)}] ${escapeHtml(t.target)}: ${escapeHtml(t.detail)}</li>`).join('')}</ul>` : ''}
<h2>Results</h2>
${table}
${report.skipped.length > 0 ? `<h2>Skipped</h2><ul>${report.skipped.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}
