import { describe, expect, it } from 'vitest';
import type { StartEvent, StepEvent, TrainingEvent } from './events.js';
import { createProgressSink, type ProgressSinkOptions } from './progress.js';

const ESC = '\x1b';

function start(step = 0): StartEvent {
  return {
    type: 'start',
    step,
    totalSteps: 1000,
    paramCount: 1234567,
    vocabSize: 65,
    trainChars: 1_003_854,
    valChars: 111_540,
    kernels: 'reference',
  };
}

function step(n: number, extra: Partial<StepEvent> = {}): StepEvent {
  return {
    type: 'step',
    step: n,
    totalSteps: 1000,
    chars: n * 100,
    loss: 2.3456,
    smoothLoss: 2.4012,
    trainLoss: 3 * Math.LN2,
    lr: 0.1,
    gradNorm: 1,
    clippedFrac: 0,
    charsPerSec: 12345,
    elapsedSec: n * 0.1,
    ...extra,
  };
}

/** A sink with a fake clock: `at(ms, event)` moves the clock, then handles the event. */
function harness(options: Partial<ProgressSinkOptions> & { isTTY: boolean }) {
  let clock = 0;
  const writes: string[] = [];
  const sink = createProgressSink({ write: (s) => writes.push(s), now: () => clock, ...options });
  return {
    writes,
    sink,
    at(ms: number, event: TrainingEvent): void {
      clock = ms;
      void sink.handle(event);
    },
  };
}

describe('createProgressSink on a TTY', () => {
  it('redraws the bar in place, at most once per redrawMs', () => {
    const h = harness({ isTTY: true, columns: 100 });
    h.at(0, start());
    expect(h.writes).toHaveLength(1);
    expect(h.writes[0]).toMatch(
      /start {2}params 1,234,567 {2}vocab 65 {2}train 1\.0M chars {2}val 111\.5k chars {2}kernels reference {2}steps 1000\n$/,
    );

    h.writes.length = 0;
    h.at(10, step(1)); // first step: drawn
    h.at(50, step(2)); // 40 ms later: throttled
    h.at(90, step(3)); // throttled
    h.at(110, step(4)); // 100 ms after the last draw: drawn
    expect(h.writes).toHaveLength(2);
    for (const w of h.writes) {
      expect(w.startsWith(`\r${ESC}[2K`)).toBe(true);
      expect(w).not.toContain('\n');
    }
    expect(h.writes[1]).toMatch(/\| 4\/1000 {2}train_bpc 3\.000 {2}0s<\d+s {2}12\.3k chars\/s$/);
  });

  it('computes the ETA from the injected clock since the start event', () => {
    const h = harness({ isTTY: true, columns: 120 });
    h.at(0, start());
    h.at(10_000, step(100)); // 0.1 s per step, 900 steps to go
    expect(h.writes.at(-1)).toMatch(/10s<1m30s {2}12\.3k chars\/s$/);
  });

  it('prints eval lines above the bar and redraws the bar below', () => {
    const h = harness({ isTTY: true, columns: 120 });
    h.at(0, start());
    h.at(10, step(100));
    h.writes.length = 0;
    h.at(20, { type: 'eval', step: 100, chars: 10_000, valLoss: 2.0857, valBpc: 3.0091, count: 5000 });
    expect(h.writes).toHaveLength(1);
    const parts = h.writes[0]!.split(/\r\x1b\[2K|\n/);
    expect(parts).toHaveLength(3);
    const [cleared, evalLine, bar] = parts;
    expect(cleared).toBe('');
    expect(evalLine).toBe('eval  step 100  val_loss 2.0857  val_bpc 3.009  (5.0k chars)');
    expect(bar).toContain('100/1000  train_bpc 3.000  val_bpc 3.009');
  });

  it('prints samples as blocks above the bar', () => {
    const h = harness({ isTTY: true, columns: 120 });
    h.at(0, step(1));
    h.writes.length = 0;
    h.at(5, { type: 'sample', step: 1, prime: 'T', text: 'he cat' });
    expect(h.writes[0]).toMatch(/^\r\x1b\[2K---- sample at step 1, prime "T" ----\n he cat \n----\n\|/);
  });

  it('keeps the bar line shorter than the terminal, dropping the bar when there is no room', () => {
    for (const columns of [40, 60, 80, 200]) {
      const h = harness({ isTTY: true, columns, label: '[trial 3]' });
      h.at(0, start());
      h.at(1000, step(500, { valBpc: 3.5 }));
      const line = h.writes.at(-1)!.replace(`\r${ESC}[2K`, '');
      expect(line.length).toBeLessThan(columns);
      expect(line.startsWith('[trial 3] ')).toBe(true);
      if (columns >= 100) expect(line).toContain('|');
    }
  });

  it('never widens the bar again once the text grew, so it does not jitter', () => {
    const h = harness({ isTTY: true, columns: 80, redrawMs: 0 });
    const barOf = (w: string): string => w.split('|')[1]!;
    h.at(0, step(1));
    const wide = barOf(h.writes.at(-1)!).length;
    h.at(1, step(2, { valBpc: 3.5 }));
    const narrow = barOf(h.writes.at(-1)!).length;
    h.at(2, step(3));
    expect(narrow).toBeLessThan(wide);
    expect(barOf(h.writes.at(-1)!).length).toBe(narrow);
  });

  it('colors only when asked', () => {
    const plain = harness({ isTTY: true, columns: 120 });
    plain.at(0, step(1));
    expect(plain.writes[0]!.replace(`\r${ESC}[2K`, '')).not.toContain(ESC);
    const colored = harness({ isTTY: true, columns: 120, color: true });
    colored.at(0, step(1));
    expect(colored.writes[0]).toContain(`${ESC}[32m`);
  });

  it('always draws the final step, and on done commits the bar then prints the summary', () => {
    const h = harness({ isTTY: true, columns: 120 });
    h.at(0, start());
    h.at(10, step(999));
    h.at(20, step(1000)); // inside the throttle window, but final
    expect(h.writes.at(-1)).toContain('1000/1000');
    h.at(30, {
      type: 'done',
      step: 1000,
      chars: 100_000,
      reason: 'completed',
      finalLoss: 1.23456,
      bestValLoss: 1.5,
      elapsedSec: 83,
    });
    expect(h.writes.at(-1)).toMatch(
      /^\r\x1b\[2K.*1000\/1000.*\ndone \(completed\) {2}step 1000\/1000 {2}final loss 1\.2346 {2}best val_loss 1\.5000 \(2\.164 bpc\) {2}time 1m23s\n$/,
    );
    const before = h.writes.length;
    void h.sink.close?.();
    expect(h.writes).toHaveLength(before); // nothing left dangling
  });

  it('ends the bar line on close when the run stopped without a done event', () => {
    const h = harness({ isTTY: true });
    h.at(0, step(1));
    void h.sink.close?.();
    expect(h.writes.at(-1)).toBe('\n');
  });
});

describe('the training loss on screen', () => {
  it("is the step event's recent mean in bits per character, the unit of val_bpc, never the seed's smoothed loss", () => {
    for (const isTTY of [true, false]) {
      const h = harness({ isTTY, columns: 120, intervalSteps: 1 });
      // The seed's smoothed loss still sits near ln 65 = 4.17 nats (6.02 bits) while the recent mean is 1.5 bits.
      h.at(0, step(100, { trainLoss: 1.5 * Math.LN2, smoothLoss: Math.log(65), valBpc: 1.6 }));
      const line = h.writes.at(-1)!;
      expect(line).toContain('train_bpc 1.500  val_bpc 1.600');
      expect(line).not.toMatch(/4\.17|6\.02|smooth/);
    }
  });

  it("falls back to the step's own loss (in bits) from a producer without trainLoss", () => {
    const h = harness({ isTTY: false, intervalSteps: 1 });
    h.at(0, step(1, { trainLoss: undefined as never, loss: 2 * Math.LN2 }));
    expect(h.writes.at(-1)).toContain('train_bpc 2.000');
  });
});

describe('createProgressSink off a TTY', () => {
  it('prints plain lines each time the step crosses the interval, and the final step', () => {
    const h = harness({ isTTY: false, intervalSteps: 100 });
    h.at(0, start());
    for (let n = 10; n <= 1000; n += 10) h.at(n * 100, step(n, n === 200 ? { valBpc: 3.0123 } : {}));
    const stepLines = h.writes.filter((w) => w.startsWith('step '));
    expect(stepLines.map((w) => w.split(' ')[1])).toEqual([
      '100/1000',
      '200/1000',
      '300/1000',
      '400/1000',
      '500/1000',
      '600/1000',
      '700/1000',
      '800/1000',
      '900/1000',
      '1000/1000',
    ]);
    expect(stepLines[0]).toBe('step 100/1000  train_bpc 3.000  12.3k chars/s  elapsed 10s  eta 1m30s\n');
    expect(stepLines[1]).toContain('train_bpc 3.000  val_bpc 3.012  12.3k chars/s');
    for (const w of h.writes) {
      expect(w).not.toContain(ESC);
      expect(w).not.toContain('\r');
      expect(w.endsWith('\n')).toBe(true);
    }
  });

  it('also prints when intervalMs passed without crossing a step multiple', () => {
    const h = harness({ isTTY: false, intervalSteps: 1000, intervalMs: 5000 });
    h.at(0, start());
    h.at(1000, step(10));
    h.at(6000, step(20));
    h.at(7000, step(30));
    expect(h.writes.filter((w) => w.startsWith('step ')).map((w) => w.split(' ')[1])).toEqual(['20/1000']);
  });

  it('prints eval, checkpoint, sample and done lines without escape codes, even with color', () => {
    const h = harness({ isTTY: false, color: true, label: '[t1]' });
    h.at(0, start(500));
    h.at(1, { type: 'eval', step: 600, chars: 60_000, valLoss: 2, valBpc: 2.885, count: 1000 });
    h.at(2, { type: 'checkpoint', step: 600, reason: 'best', path: 'out/best.safetensors' });
    h.at(3, { type: 'sample', step: 600, prime: 'a', text: 'bc' });
    h.at(4, {
      type: 'done',
      step: 612,
      chars: 61_200,
      reason: 'diverged',
      message: 'loss became NaN at step 612',
      finalLoss: Number.NaN,
      elapsedSec: 5,
    });
    expect(h.writes).toEqual([
      '[t1] start  params 1,234,567  vocab 65  train 1.0M chars  val 111.5k chars  kernels reference  steps 500/1000 (resumed)\n',
      '[t1] eval  step 600  val_loss 2.0000  val_bpc 2.885  (1.0k chars)\n',
      '[t1] checkpoint  step 600 (best)  out/best.safetensors\n',
      '---- sample at step 600, prime "a" ----\n bc \n----\n',
      '[t1] done (diverged)  step 612/1000  final loss NaN  time 5s: loss became NaN at step 612\n',
    ]);
  });
});

describe('createProgressSink options', () => {
  it('rejects bad options', () => {
    const base = { write: () => {}, now: () => 0, isTTY: true };
    expect(() => createProgressSink({ ...base, now: undefined as never })).toThrow(
      new TypeError('createProgressSink: now must be a function, got undefined'),
    );
    expect(() => createProgressSink({ ...base, columns: 0 })).toThrow(
      new RangeError('createProgressSink: columns must be a positive integer, got 0'),
    );
    expect(() => createProgressSink({ ...base, intervalSteps: 1.5 })).toThrow(RangeError);
    expect(() => createProgressSink({ ...base, isTTY: 'yes' as never })).toThrow(TypeError);
  });
});

describe('progress ETA with a time budget', () => {
  it('is the smaller of the step-based estimate and the time left', () => {
    let out = '';
    let t = 0;
    const sink = createProgressSink({ write: (s) => (out += s), isTTY: false, now: () => t, intervalSteps: 10 });
    sink.handle({
      type: 'start',
      step: 0,
      totalSteps: 1_000_000,
      paramCount: 1,
      vocabSize: 2,
      trainChars: 10,
      valChars: 0,
      kernels: 'reference',
      maxSeconds: 60,
    });
    t = 10_000;
    sink.handle({
      type: 'step',
      step: 10,
      totalSteps: 1_000_000,
      chars: 10,
      loss: 1,
      smoothLoss: 1,
      lr: 0.1,
      gradNorm: 1,
      clippedFrac: 0,
      charsPerSec: 1,
      elapsedSec: 10,
    });
    expect(out).toContain('at most 1m00s');
    expect(out).toMatch(/eta 50s/);
  });
});

describe('progress sink with a tagging task', () => {
  it('prints accuracy and the boundary precision, recall and F1 on eval lines', () => {
    let out = '';
    const sink = createProgressSink({ write: (s) => (out += s), isTTY: false, columns: 80, now: () => 0 });
    sink.handle({
      type: 'eval',
      step: 5,
      chars: 10,
      valLoss: 0.2,
      valBpc: 0.3,
      count: 100,
      valAccuracy: 0.95,
      valPrecision: 0.5,
      valRecall: 0.25,
      valF1: 1 / 3,
    });
    expect(out).toContain('accuracy 95.00%  precision 50.00%  recall 25.00%  F1 33.33%  (100 chars)');
  });
});
