// --status's table without Redis: what each trial shows from its record and its job's state.
import { describe, expect, it } from 'vitest';
import type { TrialRecord } from '@charrnn/sweep';
import { statusRows } from './queue-status.js';

const record = (id: string, status: TrialRecord['status'], steps: number): TrialRecord => ({
  id,
  params: { hidden: 8 },
  seed: 1,
  status,
  steps,
  totalSteps: 300,
  chars: steps * 8,
  wallSec: 1,
  curve: [],
  rungs: [],
});

describe('charrnn-sweep --status rows', () => {
  it('a trial waiting for a worker is pending with no worker — never running at step 0', () => {
    const records = new Map([
      ['t000', record('t000', 'pending', 0)],
      ['t001', record('t001', 'running', 200)],
      ['t002', record('t002', 'running', 100)],
      ['t003', record('t003', 'ok', 300)],
    ]);
    const live = new Map([
      ['t000', { state: 'waiting', worker: '-', step: '-' }],
      // handed back at step 200: the hash still names the worker that had it
      ['t001', { state: 'waiting', worker: 'w1', step: '200/300' }],
      ['t002', { state: 'active', worker: 'w2', step: '150/300' }],
      ['t003', { state: 'completed', worker: 'w1', step: '300/300' }],
    ]);
    expect(statusRows(['t000', 't001', 't002', 't003', 't004'], records, live)).toEqual([
      ['id', 'record', 'queue', 'worker', 'step', 'best_val_bpc'],
      ['t000', 'pending', 'waiting', '-', '-', '-'],
      ['t001', 'pending', 'waiting', '-', '200/300', '-'],
      ['t002', 'running', 'active', 'w2', '150/300', '-'],
      ['t003', 'ok', 'completed', 'w1', '300/300', '-'],
      ['t004', 'pending', '-', '-', '-', '-'],
    ]);
  });

  it('a local sweep shows a record that has not started as pending, without 0/N steps', () => {
    expect(statusRows(['t000'], new Map([['t000', record('t000', 'pending', 0)]]), new Map())[1]).toEqual([
      't000',
      'pending',
      '-',
      '-',
      '-',
      '-',
    ]);
  });

  it('escapes control characters in what Redis holds', () => {
    const live = new Map([['t000', { state: 'active', worker: 'evil\u001b]0;x\u0007', step: '1/300' }]]);
    expect(statusRows(['t000'], new Map(), live)[1]![3]).toBe('evil\\x1b]0;x\\x07');
  });
});
