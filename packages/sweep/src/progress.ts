// Text for the sweep's console view: a few lines redrawn in place on a terminal (counts, best so
// far, running trials, ETA), and one plain line per finished trial elsewhere. Pure formatting; what
// came from outside (an error message from a queue worker) is printed with control characters escaped.

import { formatDuration, natsToBits, renderBar } from '@charrnn/report';
import type { TrialRecord } from './record.js';
import { printable } from './printable.js';
import { describeParams } from './report-html.js';
import type { SweepProgress } from './sweep.js';

/** The live view's lines (no trailing newline), each cut to `columns`. */
export function formatProgress(p: SweepProgress, columns = 80): string[] {
  const finished = p.counts.ok + p.counts.failed + p.counts.stopped;
  const head = `sweep ${renderBar(finished / Math.max(1, p.total), 20)} ${finished}/${p.total} done · ${p.counts.ok} ok · ${p.counts.running} running · ${p.counts.pending} pending · ${p.counts.failed} failed · ${p.counts.stopped} stopped · elapsed ${formatDuration(p.elapsedSec)} · eta ${formatDuration(p.etaSec)}`;
  const best = p.best
    ? `best ${p.best.id} ${p.metric} ${p.best.value.toFixed(4)}  ${describeParams(p.best.params)}`
    : 'best: no evaluation yet';
  const running = p.running.map(
    (r) =>
      `  ${r.id} ${renderBar(r.steps / Math.max(1, r.totalSteps), 10)} step ${r.steps}${r.totalSteps < 1e9 ? `/${r.totalSteps}` : ''}`,
  );
  return [head, best, ...running].map((raw) => {
    const line = printable(raw);
    return line.length > columns ? `${line.slice(0, Math.max(1, columns - 1))}…` : line;
  });
}

/** One line when a trial ends, for logs and non-terminal output. */
export function formatTrialEnd(r: TrialRecord, p: SweepProgress): string {
  const finished = p.counts.ok + p.counts.failed + p.counts.stopped;
  const bpc = r.bestValLoss === undefined ? '' : ` best val_bpc ${natsToBits(r.bestValLoss).toFixed(4)}`;
  const error = r.error ? ` error: ${r.error}` : '';
  return printable(
    `[${finished}/${p.total}] ${r.id} ${r.status} step ${r.steps}${bpc} ${r.wallSec.toFixed(1)}s  ${describeParams(r.params)}${error}  (eta ${formatDuration(p.etaSec)})`,
  );
}
