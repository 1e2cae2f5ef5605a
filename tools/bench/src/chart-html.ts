// bench-results/latest.html: a small self-contained page (no scripts, no network) with each
// target's measured ratio against the ratio it must reach, and the results table beneath. Drawn
// with @charrnn/report's chart module, like the run and sweep reports. Pure: a report in, a string out.

import { esc, formatRate, goalBars, reportPage, type GoalBar } from '@charrnn/report';
import { fileStamp, type BenchReport } from './report-files.js';
import { RESULT_HEADER, resultRows } from './table.js';

/**
 * One bar per target that has a ratio: its length is ratio / goal on a scale where the goal sits at
 * the same place for every target (the dashed line), green when met, red when not.
 */
export function targetBars(report: Pick<BenchReport, 'targets'>): string {
  const bars: GoalBar[] = report.targets.flatMap((t) =>
    t.ratio !== undefined && t.goal !== undefined && t.goal > 0
      ? [
          {
            label: t.target,
            value: t.ratio,
            goal: t.goal,
            met: t.status === 'met',
            valueText: formatValue(t.ratio, t.goal),
            title: t.detail,
          },
        ]
      : [],
  );
  return goalBars(bars);
}

function formatValue(ratio: number, goal: number): string {
  // Fractions (the 70% of the matmul ceiling) read better as percentages.
  return goal < 1
    ? `${(100 * ratio).toFixed(0)}% (target ${(100 * goal).toFixed(0)}%)`
    : `${ratio.toFixed(2)}× (target ${goal}×)`;
}

/** The results table: eleven columns, so tighter padding (it fits 800 px); config and implementation left-aligned. */
const TABLE_CSS =
  '.results td,.results th{padding:3px 5px}.results td:nth-child(-n+2),.results th:nth-child(-n+2){text-align:left}';

export function benchHtml(report: BenchReport): string {
  const vocab = report.data.vocab;
  const table = [
    '<div style="overflow-x:auto"><table class="results">',
    `<tr>${RESULT_HEADER.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`,
    ...resultRows(report.measurements, vocab).map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`),
    '</table></div>',
  ].join('\n');
  const unjudged = report.targets.filter((t) => t.ratio === undefined);
  const partial = report.incomplete
    ? `<p class="notice">Partial run: ${esc(report.incomplete)}. latest.html was left as it was; this page is only bench-${fileStamp(report.startedAt)}.html.</p>`
    : '';
  const body = `<h1>charrnn bench</h1>
${partial}
<p>${esc(report.startedAt)} · ${esc(report.machine.cpu)}, ${report.machine.cores} cores, node ${esc(report.machine.node)} · data ${esc(report.data.source)} (${formatRate(report.data.chars)} chars, V=${vocab}) · ${report.settings.seconds} s per measurement</p>
<h2>Targets: measured ratio against the ratio to reach</h2>
${targetBars(report)}
${unjudged.length > 0 ? `<ul>${unjudged.map((t) => `<li>[${esc(t.status)}] ${esc(t.target)}: ${esc(t.detail)}</li>`).join('')}</ul>` : ''}
<h2>Results</h2>
${table}
${report.skipped.length > 0 ? `<h2>Skipped</h2><ul>${report.skipped.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>` : ''}`;
  return reportPage({ title: `charrnn bench ${report.startedAt}`, body, css: TABLE_CSS });
}
