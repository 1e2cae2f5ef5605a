import { describe, expect, it } from 'vitest';
import { parseSpecText } from './spec.js';
import type { TrialRecord } from './record.js';
import { renderReport } from './report-html.js';

const spec = parseSpecText('method: grid\nbudget: { steps: 100 }\nspace:\n  hidden: [8, 16]\n');

function record(id: string, hidden: number, bpcs: number[]): TrialRecord {
  return {
    id,
    params: { hidden },
    seed: 1,
    status: 'ok',
    steps: 100,
    totalSteps: 100,
    chars: 100,
    wallSec: 1,
    rungs: [],
    curve: bpcs.map((bpc, i) => ({ step: (i + 1) * 10, chars: (i + 1) * 100, valLoss: bpc * Math.LN2 })),
    bestValLoss: Math.min(...bpcs) * Math.LN2,
    finalValLoss: bpcs[bpcs.length - 1]! * Math.LN2,
  } as TrialRecord;
}

describe('renderReport', () => {
  it('is one self-contained page: no scripts, no external resources', () => {
    const html = renderReport({
      title: 'test',
      spec,
      records: [record('t000', 8, [4, 3.5, 3]), record('t001', 16, [4, 3, 2.5])],
    });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html).toContain('<b>t001</b>');
    expect(html).not.toContain('drawn at the top edge');
  });

  it("escapes what came from outside: a queue worker's error message, the title", () => {
    const failed = {
      ...record('t001', 16, [4]),
      status: 'failed',
      error: 'refused by w1: <script>alert(1)</script> & "quotes"',
    } as TrialRecord;
    const html = renderReport({
      title: '<img src=x onerror=alert(1)>',
      spec,
      records: [record('t000', 8, [4]), failed],
    });
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('refused by w1: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('keeps the curves readable when one evaluation diverges', () => {
    const spike = record(
      't001',
      16,
      [4, 3, 2.5, 2.4, 2.3, 2.2, 2.1, 2.0, 1.9, 1.8, 1.7, 1.6, 1.5, 1.4, 1.3, 1.2, 1.1, 1.0, 0.9, 40],
    );
    const html = renderReport({ title: 'test', spec, records: [record('t000', 8, [4, 3.5, 3]), spike] });
    expect(html).toContain('drawn at the top edge');
    expect(html).not.toMatch(/>40</);
  });
});

describe('renderReport: legend, character axis, grid heat map', () => {
  const grid2 = parseSpecText(
    'method: grid\nbudget: { chars: 1000 }\nspace:\n  hidden: [8, 16]\n  lr: [0.001, 0.01]\n',
  );
  const trial = (id: string, hidden: number, lr: number, bpcs: number[]): TrialRecord => ({
    ...record(id, hidden, bpcs),
    params: { hidden, lr },
  });
  const records = [
    trial('t000', 8, 0.001, [4, 3]),
    trial('t001', 8, 0.01, [4, 2.5]),
    trial('t002', 16, 0.001, [4, 2.8]),
    trial('t003', 16, 0.01, [4, 2.2]),
  ];

  it('names every curve in a legend and draws against characters when the budget is characters', () => {
    const html = renderReport({ title: 't', spec: grid2, records });
    expect(html.match(/<span class="key">/g)!.length).toBe(4);
    expect(html).toContain('t003 hidden=16 lr=0.01');
    expect(html).toContain('against characters trained');
    expect(html).toMatch(/>characters<\/text>/);
  });

  it('adds a heat map for a grid over two settings, and none for one setting', () => {
    const html = renderReport({ title: 't', spec: grid2, records });
    expect(html).toContain('<h2>Grid</h2>');
    expect(html).toContain('>2.200<');
    expect(html).toContain('hsl(215 70% 30%)'); // the best pair is the darkest
    expect(renderReport({ title: 't', spec, records: [record('t000', 8, [4, 3])] })).not.toContain('<h2>Grid</h2>');
  });
});
