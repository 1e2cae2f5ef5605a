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
