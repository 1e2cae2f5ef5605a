// The live chart: training loss, its recent mean and validation loss, all in bits per
// character, against characters seen (uPlot: small, fast, canvas, with a keyboard-free legend).
// Points arrive every few steps; the chart redraws at most a few times a second.

import { formatTick } from '@charrnn/report';
import uPlot from 'uplot';

const REDRAW_MS = 500;

export class LossChart {
  private readonly plot: uPlot;
  private readonly chars: number[] = [];
  private readonly loss: (number | null)[] = [];
  private readonly recent: (number | null)[] = [];
  private readonly val: (number | null)[] = [];
  private redrawTimer: ReturnType<typeof setTimeout> | null = null;
  /** The trainer reports validation just before the step event of the same step: held until then. */
  private pendingVal: { chars: number; bits: number } | null = null;

  constructor(container: HTMLElement) {
    const opts: uPlot.Options = {
      width: Math.max(320, container.clientWidth),
      height: 300,
      // The y axis follows the recent-mean and validation curves (from a uniform guess down), so a
      // far spike of the raw batch-1 loss does not squash the rest of the curve.
      scales: { x: { time: false }, y: { range: (u, _min, max) => [0, upperBound(u.data, max)] } },
      axes: [
        {
          label: 'characters seen',
          stroke: '#1a1a1a',
          grid: { stroke: '#e3e3e3' },
          values: (_u, ticks) => ticks.map(formatTick),
        },
        { label: 'bits per character', stroke: '#1a1a1a', grid: { stroke: '#e3e3e3' }, size: 55 },
      ],
      series: [
        { label: 'characters', value: legendValue(formatTick) },
        { label: 'training loss', stroke: '#5b8fd0', width: 1, value: legendValue(bits) },
        { label: 'recent mean', stroke: '#0b3d91', width: 2.5, value: legendValue(bits) },
        {
          label: 'validation',
          stroke: '#c0392b',
          width: 2,
          spanGaps: true,
          points: { show: true, size: 6, fill: '#c0392b' },
          value: legendValue(bits),
        },
      ],
      legend: { live: true },
    };
    this.plot = new uPlot(opts, [[], [], [], []], container);
    new ResizeObserver(() => this.plot.setSize({ width: Math.max(320, container.clientWidth), height: 300 })).observe(
      container,
    );
  }

  addStep(chars: number, lossBits: number, recentBits: number): void {
    const val = this.pendingVal?.chars === chars ? this.pendingVal.bits : null;
    this.pendingVal = null;
    this.push(chars, lossBits, recentBits, val);
  }

  addValidation(chars: number, valBits: number): void {
    this.pendingVal = { chars, bits: valBits };
  }

  clear(): void {
    this.chars.length = 0;
    this.loss.length = 0;
    this.recent.length = 0;
    this.val.length = 0;
    this.pendingVal = null;
    this.redraw();
  }

  private push(chars: number, loss: number | null, recent: number | null, val: number | null): void {
    this.chars.push(chars);
    this.loss.push(loss);
    this.recent.push(recent);
    this.val.push(val);
    this.redrawTimer ??= setTimeout(() => this.redraw(), REDRAW_MS);
  }

  /** Draws what has arrived now (the end of a run must not wait for the next scheduled redraw). */
  redraw(): void {
    if (this.redrawTimer !== null) clearTimeout(this.redrawTimer);
    this.redrawTimer = null;
    this.plot.setData([this.chars, this.loss, this.recent, this.val] as uPlot.AlignedData);
  }
}

/**
 * The top of the y axis: above the recent-mean and validation curves, and above the raw losses'
 * spikes too (a spike cut off at the top looked like a drawing fault) unless one reaches more than
 * 60% above those curves, where it would squash everything else.
 */
function upperBound(data: uPlot.AlignedData, max: number): number {
  const steady = Math.max(top(data[2]), top(data[3]));
  if (steady <= 0) return Math.max(max, 1);
  return Math.max(steady, Math.min(top(data[1]), steady * 1.6)) * 1.05;
}

function top(series: uPlot.AlignedData[number] | undefined): number {
  let highest = 0;
  for (const v of series ?? []) if (v != null && v > highest) highest = v;
  return highest;
}

/** The legend shows the value under the cursor, or the latest one when the cursor is elsewhere. */
function legendValue(
  format: (v: number) => string,
): (u: uPlot, v: number | null, seriesIdx: number, idx: number | null) => string {
  return (u, v, seriesIdx, idx) => {
    if (idx == null) {
      const values = u.data[seriesIdx] ?? [];
      for (let i = values.length - 1; i >= 0; i--) if (values[i] != null) return format(values[i] as number);
      return '–';
    }
    return v == null ? '–' : format(v);
  };
}

function bits(v: number): string {
  return v.toFixed(3);
}
