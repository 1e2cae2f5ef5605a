import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { CSV_LOG_COLUMNS } from '@charrnn/report';
import { decodeCheckpoint } from '@charrnn/train';
import { createInProcessExecutor, type TrialExecutor } from './executor.js';
import { validateSpec, type SweepSpec } from './spec.js';
import { createMemoryStore } from './store.js';
import { SweepError, runSweep, sweepIdentity, type SweepOptions, type SweepProgress } from './sweep.js';
import { formatProgress } from './progress.js';
import type { TrialRecord } from './record.js';

const TEXT =
  'the quick brown fox jumps over the lazy dog. a stitch in time saves nine. all that glitters is not gold. '.repeat(6);

function fakeClock(): () => number {
  let now = 0;
  return () => (now += 1);
}

function tinySpec(extra: Record<string, unknown> = {}): SweepSpec {
  return validateSpec({
    name: 'tiny',
    budget: { steps: 30 },
    base: { seqLength: 8, evalEvery: 10, logEvery: 5, saveEvery: 10, dtype: 'f64', valFraction: 0.2 },
    space: { hidden: [6, 10], lr: [0.1, 0.05] },
    ...extra,
  });
}

function options(
  spec: SweepSpec,
  store = createMemoryStore(),
  executor: TrialExecutor = createInProcessExecutor({ text: TEXT, clock: fakeClock(), slots: 2 }),
): SweepOptions & { store: ReturnType<typeof createMemoryStore> } {
  return { spec, identity: sweepIdentity(spec, TEXT), executor, store, clock: fakeClock() };
}

function readCsv(text: string): Record<string, string>[] {
  return parse(text, { columns: true }) as Record<string, string>[];
}

describe('runSweep with the in-process executor', () => {
  it('runs every trial and writes the logs, configs, checkpoints, summary and report', async () => {
    const o = options(tinySpec());
    const result = await runSweep(o);
    const files = o.store.files;
    expect(result.records.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(result.interrupted).toBe(false);
    for (const id of ['t000', 't001', 't002', 't003']) {
      const log = readCsv(o.store.readText(`trials/${id}/log.csv`)!);
      expect(Object.keys(log[0]!)).toEqual([...CSV_LOG_COLUMNS]);
      expect(log.map((r) => Number(r['step']))).toEqual([5, 10, 15, 20, 25, 30]);
      const config = JSON.parse(o.store.readText(`trials/${id}/config.json`)!);
      expect(config.config.steps).toBe(30);
      expect(decodeCheckpoint(files.get(`trials/${id}/best.safetensors`) as Uint8Array).config?.hidden).toBe(
        config.params.hidden,
      );
      expect(decodeCheckpoint(files.get(`trials/${id}/last.safetensors`) as Uint8Array).training?.step).toBe(30);
    }
    const summary = readCsv(o.store.readText('summary.csv')!);
    expect(Object.keys(summary[0]!)).toEqual([
      'id',
      'hidden',
      'lr',
      'status',
      'steps',
      'final_val_loss',
      'final_val_bpc',
      'best_val_loss',
      'best_val_bpc',
      'chars_per_s',
      'wall_s',
      'seed',
      'error',
    ]);
    expect(summary.map((r) => [r['id'], r['hidden'], r['lr'], r['status'], r['steps']])).toEqual([
      ['t000', '6', '0.1', 'ok', '30'],
      ['t001', '6', '0.05', 'ok', '30'],
      ['t002', '10', '0.1', 'ok', '30'],
      ['t003', '10', '0.05', 'ok', '30'],
    ]);
    for (const row of summary) {
      const bpc = Number(row['best_val_bpc']);
      const expected = Number(row['best_val_loss']) / Math.LN2;
      expect(Math.abs(bpc - expected)).toBeLessThanOrEqual(1e-12 + 1e-10 * expected);
      expect(Number(row['final_val_bpc'])).toBeGreaterThanOrEqual(bpc);
    }
    const html = o.store.readText('report.html')!;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<polyline');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(result.best).toBeDefined();
  });

  it('gives the same numbers twice, whether trials run one at a time or interleaved', async () => {
    const a = await runSweep(options(tinySpec()));
    const b = await runSweep(
      options(tinySpec(), createMemoryStore(), createInProcessExecutor({ text: TEXT, clock: fakeClock(), slots: 1 })),
    );
    const losses = (r: readonly TrialRecord[]) =>
      r.map((t) => [t.bestValLoss, t.finalValLoss, t.curve.map((p) => p.valLoss)]);
    expect(losses(b.records)).toEqual(losses(a.records));
  });

  it('records a throwing trial as failed and goes on with the others', async () => {
    const inner = createInProcessExecutor({ text: TEXT, clock: fakeClock() });
    const flaky: TrialExecutor = {
      ...inner,
      run: (task, cb) => (task.id === 't001' ? Promise.reject(new Error('worker crashed')) : inner.run(task, cb)),
    };
    const o = options(tinySpec(), createMemoryStore(), flaky);
    const result = await runSweep(o);
    expect(result.records.map((r) => r.status)).toEqual(['ok', 'failed', 'ok', 'ok']);
    const summary = readCsv(o.store.readText('summary.csv')!);
    expect(summary[1]!['error']).toBe('worker crashed');
  });

  it("records a diverged trial (NaN loss) as failed with the trainer's message", async () => {
    const spec = validateSpec({
      budget: { steps: 20 },
      base: { seqLength: 8, evalEvery: 10, clipMode: 'none', optimizer: 'sgd' },
      space: { lr: [0.1, 1e300] },
    });
    const o = options(spec);
    const result = await runSweep(o);
    expect(result.records.map((r) => r.status)).toEqual(['ok', 'failed']);
    expect(result.records[1]!.error).toMatch(/became (NaN|Infinity|-Infinity)/);
  });

  it('a trial whose data is too short fails with the data error', async () => {
    const spec = validateSpec({ budget: { steps: 5 }, base: { evalEvery: 5 }, space: { seqLength: [8, 5000] } });
    const result = await runSweep(options(spec));
    expect(result.records.map((r) => r.status)).toEqual(['ok', 'failed']);
    expect(result.records[1]!.error).toMatch(/at least/);
  });

  it('stops bad trials early with ASHA', async () => {
    const spec = validateSpec({
      budget: { steps: 40 },
      asha: { eta: 3, rungs: 1 },
      base: { seqLength: 8, evalEvery: 10, dtype: 'f64', valFraction: 0.2 },
      space: { lr: [0.0001, 0.00001, 0.1, 0.2] },
    });
    const o = options(spec, createMemoryStore(), createInProcessExecutor({ text: TEXT, clock: fakeClock(), slots: 1 }));
    const result = await runSweep(o);
    // Rung at step 20; one slot, so trials reach it in id order. Each continues only when it ranks
    // in the top ceil(n/3) of the n trials that reached the rung so far.
    const values = result.records.map((r) => r.rungs[0]!);
    result.records.forEach((r, i) => {
      const better = values.slice(0, i).filter((v) => v < values[i]!).length;
      const expected = better < Math.ceil((i + 1) / 3) ? 'ok' : 'stopped';
      expect(r.status, r.id).toBe(expected);
      expect(r.steps).toBe(expected === 'ok' ? 40 : 20);
    });
    const stopped = result.records.findIndex((r) => r.status === 'stopped');
    expect(stopped).toBeGreaterThan(0);
    expect(readCsv(o.store.readText('summary.csv')!)[stopped]!['status']).toBe('stopped');
  });
});

describe('runSweep resume', () => {
  it('refuses a directory that already holds a sweep, or a different spec', async () => {
    const o = options(tinySpec({ budget: { steps: 10 } }));
    await runSweep(o);
    await expect(runSweep({ ...o })).rejects.toThrow(SweepError);
    const other = tinySpec({ budget: { steps: 12 } });
    await expect(runSweep({ ...o, spec: other, identity: sweepIdentity(other, TEXT), resume: true })).rejects.toThrow(
      /differs/,
    );
    await expect(runSweep({ ...options(tinySpec()), resume: true })).rejects.toThrow(/no sweep to resume/);
  });

  it('after an interrupt, skips finished trials and continues the unfinished from their checkpoint, bit for bit', async () => {
    const straight = await runSweep(options(tinySpec()));

    const controller = new AbortController();
    const o = options(
      tinySpec(),
      createMemoryStore(),
      createInProcessExecutor({ text: TEXT, clock: fakeClock(), slots: 1 }),
    );
    let steps = 0;
    const partial = await runSweep({
      ...o,
      signal: controller.signal,
      onProgress: (p) => {
        // Interrupt while the second trial is part-way through.
        if (p.running[0]?.id === 't001' && p.running[0].steps >= 10 && steps++ === 0) controller.abort();
      },
    });
    expect(partial.interrupted).toBe(true);
    expect(partial.records.map((r) => r.status)).toEqual(['ok', 'running', 'pending', 'pending']);
    expect(readCsv(o.store.readText('summary.csv')!).map((r) => r['status'])).toEqual([
      'ok',
      'running',
      'pending',
      'pending',
    ]);
    const firstLog = o.store.readText('trials/t000/log.csv');

    const resumed = await runSweep({ ...o, resume: true });
    expect(resumed.records.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(o.store.readText('trials/t000/log.csv')).toBe(firstLog); // not rerun
    const log = readCsv(o.store.readText('trials/t001/log.csv')!);
    expect(log.map((r) => Number(r['step']))).toEqual([5, 10, 15, 20, 25, 30]);
    const pick = (r: readonly TrialRecord[]) =>
      r.map((t) => [t.bestValLoss, t.finalValLoss, t.curve.map((p) => p.valLoss), t.steps]);
    expect(pick(resumed.records)).toEqual(pick(straight.records));
  });

  it('a trial waiting for its executor (a queue with no free worker) is pending, not running at step 0', async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const inner = createInProcessExecutor({ text: TEXT, clock: fakeClock(), slots: 2 });
    const gated: TrialExecutor = {
      slots: 2,
      run: async (task, callbacks) => {
        await gate;
        return inner.run(task, callbacks);
      },
      close: inner.close,
    };
    const o = options(tinySpec(), createMemoryStore(), gated);
    const seen: SweepProgress[] = [];
    const running = runSweep({ ...o, onProgress: (p) => seen.push(p) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Handed to the executor, nothing started: the view and the records say pending.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)!.running).toEqual([]);
    expect(seen.at(-1)!.counts).toMatchObject({ pending: 4, running: 0 });
    expect(formatProgress(seen.at(-1)!, 200)[0]).toMatch(/0 running · 4 pending/);
    for (const id of ['t000', 't001'])
      expect(JSON.parse(o.store.readText(`trials/${id}/record.json`)!).status).toBe('pending');
    open();
    const result = await running;
    expect(result.records.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(seen.some((p) => p.running.length > 0 && p.counts.running === p.running.length)).toBe(true);
  });

  it('a damaged record.json stops --resume with the file named, instead of rerunning or skipping its trial', async () => {
    const o = options(tinySpec());
    await runSweep(o);
    for (const [text, problem] of [
      ['{"id":"t001",', /^trials\/t001\/record\.json is not valid JSON/],
      [
        '{"id":"t001","status":"done"}',
        /^trials\/t001\/record\.json is not a trial record: "status" must be pending, running, ok, failed, stopped, got "done"/,
      ],
      ['[]', /it must be a JSON object/],
    ] as const) {
      o.store.writeAtomic('trials/t001/record.json', text);
      const error = await runSweep({ ...o, resume: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SweepError);
      expect((error as SweepError).message).toMatch(problem);
      expect((error as SweepError).hint).toBe('restore it, or delete it to run trial t001 again from its start');
    }
  });
});
