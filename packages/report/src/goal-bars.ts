// Horizontal bars against a goal, as HTML (the bench page's targets): each bar's length is its value
// divided by its own goal, on one scale where every goal sits at the same place (a dashed line), so
// targets of different units compare at a glance. HTML rather than SVG so long labels wrap with the
// page instead of being clipped at a fixed label width.

import { linearScale } from './chart-scales.js';
import { esc } from './html.js';

export interface GoalBar {
  readonly label: string;
  /** Measured value and the value to reach, in the same unit (goal > 0). */
  readonly value: number;
  readonly goal: number;
  /** Whether the goal is met (the caller's rule: some goals are ceilings, not floors). */
  readonly met: boolean;
  /** Shown beside the bar, e.g. "2.31× (target 2×)". */
  readonly valueText: string;
  /** Shown on hover. */
  readonly title?: string;
}

/** Met goals green, missed ones red. */
export function goalBars(bars: readonly GoalBar[], goalLabel = 'target'): string {
  const shown = bars.filter((b) => Number.isFinite(b.value) && b.goal > 0);
  if (shown.length === 0) return '';
  let largest = 2;
  for (const b of shown) largest = Math.max(largest, b.value / b.goal);
  const percent = linearScale(0, largest * 1.05, 0, 100);
  const goalAt = percent.map(1).toFixed(2);
  const rows = shown.map((b) => {
    const width = Math.max(0, Math.min(100, percent.map(b.value / b.goal))).toFixed(2);
    const title = b.title ? ` title="${esc(b.title)}"` : '';
    return `<div class="label">${esc(b.label)}</div><div class="track"${title}><div class="bar" style="width:${width}%;background:${b.met ? '#2e7d32' : '#c62828'}"></div><div class="goal" style="left:${goalAt}%"></div></div><div class="value">${esc(b.valueText)}</div>`;
  });
  return `<div class="bars" role="table" aria-label="measured against ${esc(goalLabel)}">${rows.join('')}<div></div><div class="track-legend" style="position:relative;height:14px;font-size:11px"><span style="position:absolute;left:${goalAt}%;transform:translateX(-50%)">${esc(goalLabel)}</span></div><div></div></div>`;
}
