// --max-cpu-seconds: the budget counts CPU time from the session's start, the trainer stops at the
// first step that reaches it (with a line saying so), and a stopped run resumes exactly.

import { describe, expect, it } from 'vitest';
import { CpuBudget } from './cpu-budget.js';
import { collect, smallTrainer } from './test-helpers.js';
import { decodeCheckpoint } from './checkpoint.js';
import type { TrainingEvent } from '@charrnn/report';

/** A CPU clock that advances by `perRead` seconds at each read, from `start`. */
function fakeCpuClock(perRead: number, start = 100): { clock: () => number; reads: () => number } {
  let now = start;
  let reads = 0;
  return {
    clock: () => {
      reads++;
      now += perRead;
      return now;
    },
    reads: () => reads,
  };
}

describe('CpuBudget', () => {
  it('counts from its own start, not from the process start', () => {
    const cpu = fakeCpuClock(1, 500);
    const budget = new CpuBudget(3, cpu.clock);
    expect(budget.used()).toBe(1);
    expect(budget.exhausted()).toBe(false); // 2 s used
    expect(budget.exhausted()).toBe(true); // 3 s used
  });

  it("keeps the final evaluation's cost in hand: stops that much earlier, and says so", () => {
    const cpu = fakeCpuClock(1, 500); // each read adds 1 s
    const budget = new CpuBudget(10, cpu.clock);
    budget.reserveForFinalEvaluation(3);
    expect(budget.exhausted()).toBe(false); // 1 used + 3 kept < 10
    budget.reserveForFinalEvaluation(5); // the latest cost replaces the last
    expect(budget.exhausted()).toBe(false); // 2 + 5
    expect(budget.exhausted()).toBe(false); // 3 + 5
    expect(budget.exhausted()).toBe(false); // 4 + 5
    expect(budget.exhausted()).toBe(true); // 5 + 5
    expect(budget.stopMessage(7, 100)).toBe(
      'stopped at the CPU-time limit: 10 CPU-s (max-cpu-seconds; 6.0 used, 5.0 kept for the final evaluation), step 7 of 100',
    );
    expect(() => budget.reserveForFinalEvaluation(-1)).toThrow(
      'CpuBudget.reserveForFinalEvaluation: seconds must be a finite number >= 0, got -1',
    );
  });

  it('never reads the clock without a limit', () => {
    const cpu = fakeCpuClock(1);
    const budget = new CpuBudget(0, cpu.clock);
    expect(budget.exhausted()).toBe(false);
    expect(budget.used()).toBe(0);
    expect(cpu.reads()).toBe(0);
  });

  it('refuses a limit it cannot measure, and a bad limit', () => {
    expect(() => new CpuBudget(10, undefined)).toThrow(
      /CpuBudget: a CPU clock must be given when maxCpuSeconds > 0 .*got none for 10 s/,
    );
    expect(() => new CpuBudget(-1, () => 0)).toThrow(RangeError);
    expect(() => new CpuBudget(Number.NaN, () => 0)).toThrow('limitSeconds must be a finite number >= 0, got NaN');
    expect(() => new CpuBudget(0, undefined)).not.toThrow();
  });
});

describe('Trainer with maxCpuSeconds', () => {
  const done = (events: TrainingEvent[]) => events.find((e) => e.type === 'done');

  it('stops at the first step whose CPU time reaches the budget, completed, with a line saying why', async () => {
    // One read at the session start, then one per step: step k has used k × 0.5 s.
    const cpu = fakeCpuClock(0.5);
    const trainer = smallTrainer({ steps: 1000, maxCpuSeconds: 2 }, { cpuClock: cpu.clock });
    const events = await collect(trainer);
    expect(trainer.currentStep).toBe(4);
    const end = done(events);
    expect(end).toMatchObject({ type: 'done', reason: 'completed', step: 4 });
    expect(end?.type === 'done' && end.message).toBe(
      'stopped at the CPU-time limit: 2 CPU-s (max-cpu-seconds; 2.5 used), step 4 of 1000',
    );
  });

  it('evaluates the weights it stops with, so --save-best can keep them', async () => {
    const cpu = fakeCpuClock(0.5);
    const trainer = smallTrainer(
      { steps: 1000, maxCpuSeconds: 2, evalEvery: 100 },
      { cpuClock: cpu.clock, checkpointBest: true },
    );
    const events = await collect(trainer);
    expect(events.filter((e) => e.type === 'eval').map((e) => e.step)).toEqual([4]);
    expect(
      events.filter((e) => e.type === 'checkpoint').map((e) => [e.step, e.type === 'checkpoint' && e.reason]),
    ).toEqual([[4, 'best']]);
  });

  it.each([
    // Steps 1–4 (4 s), eval (9), 5–8 (13), eval (18), 9–12 (22), eval (27): 27 + 5 kept reaches 30,
    // so the run ends at step 12, whose weights were just scored.
    { limit: 30, evals: [4, 8, 12], used: 27 },
    // With 36: step 15 has used 30 (+5 kept < 36); step 16 reaches 36 with its 5 kept and is
    // evaluated as the last step: 36 in all.
    { limit: 36, evals: [4, 8, 12, 16], used: 36 },
  ])(
    "keeps the latest evaluation's CPU cost in hand: the whole session fits $limit CPU-s",
    async ({ limit, evals, used }) => {
      // A CPU clock that only steps (1 s each) and evaluations (5 s each) move.
      let evaluationSeconds = 0;
      const trainer = smallTrainer(
        { steps: 1000, maxCpuSeconds: limit, evalEvery: 4 },
        { cpuClock: () => trainer.currentStep + evaluationSeconds },
      );
      const inner = trainer as unknown as { evaluate(): unknown };
      const evaluate = inner.evaluate.bind(trainer);
      inner.evaluate = () => {
        evaluationSeconds += 5;
        return evaluate();
      };
      const events = await collect(trainer);
      expect(events.filter((e) => e.type === 'eval').map((e) => e.step)).toEqual(evals);
      expect(trainer.currentStep + evaluationSeconds).toBe(used);
    },
  );

  it('runs to --steps when the budget is not reached, with no message', async () => {
    const cpu = fakeCpuClock(0.001);
    const events = await collect(smallTrainer({ steps: 20, maxCpuSeconds: 60 }, { cpuClock: cpu.clock }));
    const end = done(events);
    expect(end).toMatchObject({ reason: 'completed', step: 20 });
    expect(end?.type === 'done' && end.message).toBeUndefined();
  });

  it('refuses to start without a CPU clock', () => {
    expect(() => smallTrainer({ steps: 10, maxCpuSeconds: 5 })).toThrow(/cpuClock/);
  });

  it('a run stopped by the budget resumes to the same weights as one uninterrupted run', async () => {
    const whole = smallTrainer({ steps: 12 });
    await collect(whole);
    let saved: Uint8Array | undefined;
    const first = smallTrainer(
      { steps: 12, maxCpuSeconds: 1 },
      { cpuClock: fakeCpuClock(0.25).clock, checkpointPeriodic: true },
    );
    await collect(first, (bytes) => {
      saved = bytes;
    });
    expect(first.currentStep).toBe(4);
    const checkpoint = decodeCheckpoint(saved!);
    // The budget is per session, as --max-seconds: the resumed session gets a fresh one.
    const resumed = smallTrainer(
      { steps: 12, maxCpuSeconds: 1 },
      { cpuClock: fakeCpuClock(0.01).clock, resume: checkpoint },
    );
    await collect(resumed);
    expect(resumed.currentStep).toBe(12);
    for (const param of whole.model.params.list)
      expect(Array.from(resumed.model.params.get(param.name).value)).toEqual(Array.from(param.value));
  });
});
