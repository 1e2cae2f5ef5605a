import { describe, expect, it } from 'vitest';
import { scatterChart } from './charts.js';
import { goalBars } from './goal-bars.js';

describe('goalBars', () => {
  it('draws each value against its own goal on one scale, labels as wrapping HTML, escaped', () => {
    const html = goalBars([
      { label: 'a <long> target name', value: 4, goal: 2, met: true, valueText: '4.00× (target 2×)', title: 'x' },
      { label: 'b', value: 0.35, goal: 0.7, met: false, valueText: '35% (target 70%)' },
    ]);
    expect(html).toContain('<div class="label">a &lt;long&gt; target name</div>');
    // Scale 0 … 2.1 (the largest ratio, 2, plus 5 %): the goal at 1/2.1, a at 2/2.1, b at 0.5/2.1.
    expect(html).toContain(`left:${((100 * 1) / 2.1).toFixed(2)}%`);
    expect(html).toContain(`width:${((100 * 2) / 2.1).toFixed(2)}%;background:#2e7d32`);
    expect(html).toContain(`width:${((100 * 0.5) / 2.1).toFixed(2)}%;background:#c62828`);
    expect(goalBars([])).toBe('');
  });
});

describe('scatterChart', () => {
  it('places category points in their bands and log points by decade', () => {
    const cat = scatterChart({
      points: [{ x: 1, y: 2, color: '#000', title: 'b' }],
      x: { kind: 'category', categories: ['rnn', 'lstm'] },
      xLabel: 'cell',
      yLabel: 'bpc',
    });
    expect(cat).toContain('>lstm</text>');
    const log = scatterChart({
      points: [
        { x: 1e-3, y: 2, color: '#000', title: 'a' },
        { x: 1e-1, y: 1, color: '#000', title: 'b' },
      ],
      x: { kind: 'log', min: 1e-4, max: 1 },
      xLabel: 'lr',
      yLabel: 'bpc',
    });
    const xs = [...log.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    // Two decades apart on a four-decade axis: half the plot width apart.
    const left = Number(/<line x1="([\d.]+)"/.exec(log)![1]);
    expect(Math.abs(xs[1]! - xs[0]! - (320 - 20 - left) / 2)).toBeLessThanOrEqual(0.1);
  });
});

describe('axis labels', () => {
  it('leave out a label that would overlap the one before, on a narrow log axis', () => {
    const svg = scatterChart({
      points: [{ x: 1e-3, y: 2, color: '#000', title: 'a' }],
      x: { kind: 'log', min: 3e-4, max: 0.05 },
      xLabel: 'lr',
      yLabel: 'bpc',
      width: 200,
    });
    const labels = [...svg.matchAll(/<text x="([\d.]+)" y="(\d+(?:\.\d+)?)" text-anchor="(\w+)">([^<]+)<\/text>/g)]
      .filter((m) => Number(m[2]) === 240 - 40 + 16)
      .map((m) => {
        const x = Number(m[1]);
        const width = m[4]!.length * 6.6;
        const span: [number, number] =
          m[3] === 'middle' ? [x - width / 2, x + width / 2] : m[3] === 'end' ? [x - width, x] : [x, x + width];
        return span;
      });
    expect(labels.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < labels.length; i++) expect(labels[i]![0]).toBeGreaterThanOrEqual(labels[i - 1]![1]);
  });
});
