// The sweep coordinator: expands the spec into trials, hands them to an executor a few at a time,
// turns their events into files (log.csv rows, checkpoints, record.json, summary.csv, report.html)
// through a SweepStore, applies ASHA, and resumes an interrupted sweep from its directory.
// It alone writes files, so the output is the same whichever executor ran the trials.

import { createCsvLogSink, type EventSink, type TrainingEvent } from '@charrnn/report';
import { decodeCheckpoint } from '@charrnn/train';
import { AshaScheduler, ashaRungSteps } from './asha.js';
import { errorMessage, type TrialExecutor, type TrialOutcome, type TrialTask } from './executor.js';
import {
  RecordError,
  newRecord,
  parseTrialRecord,
  summaryCsv,
  trialScore,
  type TrialRecord,
  type TrialStatus,
} from './record.js';
import { renderReport } from './report-html.js';
import type { SweepSpec } from './spec.js';
import { trialPath, truncateLogRows, type LogWriter, type SweepStore } from './store.js';
import { checkTrialCount, expandTrials, type TrialSpec } from './trials.js';

/** The sweep cannot start or resume as asked (exit 2 in the app). */
export class SweepError extends Error {
  override readonly name = 'SweepError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface SweepProgress {
  readonly total: number;
  readonly counts: Readonly<Record<TrialStatus, number>>;
  readonly running: readonly { readonly id: string; readonly steps: number; readonly totalSteps: number }[];
  readonly best?: {
    readonly id: string;
    readonly value: number;
    readonly params: Readonly<Record<string, string | number>>;
  };
  readonly metric: string;
  readonly elapsedSec: number;
  /** Seconds left, NaN before there is a rate. */
  readonly etaSec: number;
}

export interface SweepOptions {
  readonly spec: SweepSpec;
  /** The sweep's identity (see sweepIdentity), stored as spec.json; --resume must match it. */
  readonly identity: string;
  readonly executor: TrialExecutor;
  readonly store: SweepStore;
  /** Milliseconds, monotonic. */
  readonly clock: () => number;
  readonly resume?: boolean;
  /** Refuse a spec with more trials than this (default DEFAULT_MAX_TRIALS). */
  readonly maxTrials?: number;
  /** Aborting it (Ctrl-C) stops the running trials cleanly and starts no new ones. */
  readonly signal?: AbortSignal;
  /** Called after every change worth showing (throttle the drawing in the caller). */
  readonly onProgress?: (progress: SweepProgress) => void;
  /** Called when a trial ends (finished, failed, stopped or interrupted). */
  readonly onTrialEnd?: (record: TrialRecord, progress: SweepProgress) => void;
}

export interface SweepResult {
  readonly records: readonly TrialRecord[];
  readonly interrupted: boolean;
  /** The best finished trial by the metric, if any. */
  readonly best?: TrialRecord;
}

/** Canonical JSON of the spec (without its data path) and a fingerprint of the training text. */
export function sweepIdentity(spec: SweepSpec, text: string): string {
  const { data: _path, ...rest } = spec;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `${JSON.stringify({ spec: rest, data: { chars: text.length, fnv1a: hash.toString(16).padStart(8, '0') } }, null, 2)}\n`;
}

/** The ASHA rung steps of one trial (empty without early stopping); workers on other machines derive the same. */
export function trialRungSteps(spec: SweepSpec, trial: TrialSpec): number[] {
  return spec.asha ? ashaRungSteps(trial.config.steps, spec.asha.eta, spec.asha.rungs, trial.config.evalEvery) : [];
}

export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const { spec, executor } = options;
  // A failed write (disk full, permissions) stops the sweep like Ctrl-C: running trials stop after
  // their step and stay resumable, and runSweep then throws that first error. Writes never throw
  // into an executor's callbacks, where an error would escape as an uncaught exception.
  const stopping = new AbortController();
  const outer = options.signal;
  if (outer?.aborted) stopping.abort();
  outer?.addEventListener('abort', () => stopping.abort(), { once: true });
  const signal = stopping.signal;
  let writeFailure: unknown = null;
  const store = guardStore(options.store, (error) => {
    writeFailure ??= error;
    stopping.abort();
  });
  checkTrialCount(spec, options.maxTrials);
  const trials = expandTrials(spec);
  checkSweepDirectory(store, options);
  options.store.writeAtomic('spec.json', options.identity); // unguarded: nothing has run yet, fail at once

  const records = trials.map((t) => (options.resume ? loadRecord(store, t) : null) ?? newRecord(t));
  const scheduler = spec.asha ? new AshaScheduler(spec.asha.eta) : null;
  for (const r of records) r.rungs.forEach((v, k) => scheduler?.restore(k, r.id, v));
  /** Trials whose training has started in this run (a queued trial may wait for a worker first). */
  const started = new Set<string>();
  const progress = progressOf(records, spec, options.clock, started);
  const paramKeys = spec.space.map((p) => p.key);
  const writeOutputs = (): void => {
    store.writeAtomic('summary.csv', summaryCsv(records, paramKeys));
    store.writeAtomic('report.html', renderReport({ spec, records, title: spec.name ?? 'charrnn sweep' }));
  };
  writeOutputs();

  const runOne = (trial: TrialSpec, record: TrialRecord): Promise<void> =>
    runTrialSession({ ...options, signal, store, scheduler, progress, started }, trial, record);
  const queue = records.filter((r) => r.status === 'pending' || r.status === 'running');
  const runNext = async (): Promise<void> => {
    let stale = false;
    for (let record = queue.shift(); record && !signal.aborted; record = queue.shift()) {
      const running = runOne(trials[records.indexOf(record)]!, record);
      // The summary and report after the previous trial are written once this one is on its way:
      // a worker does not wait for them.
      if (stale) writeOutputs();
      await running;
      stale = true;
      options.onTrialEnd?.(record, progress());
    }
    if (stale) writeOutputs();
  };

  await Promise.all(Array.from({ length: Math.max(1, executor.slots) }, () => runNext()));
  writeOutputs();
  if (writeFailure !== null) throw writeFailure;
  const best = bestRecord(records, spec);
  return { records, interrupted: signal.aborted, ...(best ? { best } : {}) };
}

/** A new sweep needs a directory without one; --resume needs the same sweep there. */
function checkSweepDirectory(store: SweepStore, options: SweepOptions): void {
  const stored = store.readText('spec.json');
  if (options.resume) {
    if (stored === null)
      throw new SweepError(
        'there is no sweep to resume here (spec.json is missing)',
        'run without --resume to start it',
      );
    if (stored !== options.identity)
      throw new SweepError(
        'the spec or the training text differs from the sweep being resumed (spec.json)',
        'resume with the same spec and data, or start a new sweep in another --out directory',
      );
  } else if (stored !== null) {
    throw new SweepError(
      'the output directory already holds a sweep (spec.json)',
      'add --resume to continue it, or choose another --out directory',
    );
  }
}

/**
 * The live view's numbers. A trial counts as running once its training has started in this run;
 * until then (waiting for a queue worker, or for a slot) it is pending, whatever its record says.
 */
function progressOf(
  records: readonly TrialRecord[],
  spec: SweepSpec,
  clock: () => number,
  started: ReadonlySet<string>,
): () => SweepProgress {
  const since = clock();
  const fraction = (r: TrialRecord): number => {
    if (r.status === 'ok' || r.status === 'failed' || r.status === 'stopped') return 1;
    if (spec.budget.kind === 'seconds') return Math.min(1, r.wallSec / spec.budget.value);
    return r.totalSteps > 0 ? Math.min(1, r.steps / r.totalSteps) : 0;
  };
  const doneAtStart = records.reduce((s, r) => s + fraction(r), 0);
  const isRunning = (r: TrialRecord): boolean => r.status === 'running' && started.has(r.id);
  return () => {
    const counts: Record<TrialStatus, number> = { pending: 0, running: 0, ok: 0, failed: 0, stopped: 0 };
    for (const r of records) counts[r.status === 'running' && !isRunning(r) ? 'pending' : r.status]++;
    const best = bestRecord(records, spec);
    const done = records.reduce((s, r) => s + fraction(r), 0);
    const elapsedSec = (clock() - since) / 1000;
    const rate = (done - doneAtStart) / elapsedSec;
    return {
      total: records.length,
      counts,
      metric: spec.metric,
      elapsedSec,
      etaSec: rate > 0 ? (records.length - done) / rate : Number.NaN,
      running: records.filter(isRunning).map((r) => ({ id: r.id, steps: r.steps, totalSteps: r.totalSteps })),
      ...(best ? { best: { id: best.id, value: trialScore(best, spec.metric)!, params: best.params } } : {}),
    };
  };
}

interface SessionContext extends SweepOptions {
  readonly signal: AbortSignal;
  /** The guarded store (writes never throw). */
  readonly store: SweepStore;
  readonly scheduler: AshaScheduler | null;
  readonly progress: () => SweepProgress;
  readonly started: Set<string>;
}

/** Runs one trial on the executor (fresh or resumed), writing its log, checkpoints and record as it goes. */
async function runTrialSession(context: SessionContext, trial: TrialSpec, record: TrialRecord): Promise<void> {
  const { spec, store, clock, scheduler } = context;
  const rungSteps = trialRungSteps(spec, trial);
  const { log, resumeBytes, startChars, writeHeader } = openTrial(store, trial, record, rungSteps);
  // A tagging trial's log also has the task's metrics (accuracy, precision, recall, F1).
  const tagging = trial.config.task !== 'next-symbol';
  const csv: EventSink = createCsvLogSink({ write: (s) => log.write(s), writeHeader, tagging });
  const persist = (): void => store.writeAtomic(trialPath(trial.id, 'record.json'), `${JSON.stringify(record)}\n`);
  delete record.error;
  let sessionStart = clock();
  const wallBefore = record.wallSec;
  const task: TrialTask = {
    id: trial.id,
    config: trial.config,
    metric: spec.metric,
    rungSteps,
    ...(resumeBytes ? { resume: resumeBytes } : {}),
  };
  const onEvent = (event: TrainingEvent): void => {
    // The trial's clock starts when training does: a queued trial may first wait for a worker.
    if (event.type === 'start') {
      sessionStart = clock();
      record.status = 'running';
      context.started.add(trial.id);
      persist();
    }
    void csv.handle(event);
    record.wallSec = wallBefore + (clock() - sessionStart) / 1000;
    if (recordEvent(record, event, startChars) && (event.type !== 'step' || event.valLoss !== undefined))
      context.onProgress?.(context.progress());
  };
  let outcome: TrialOutcome;
  try {
    const run = context.executor.run(task, {
      signal: context.signal,
      onEvent,
      onCheckpoint: (kind, _step, bytes) => {
        store.writeAtomic(trialPath(trial.id, kind === 'best' ? 'best.safetensors' : 'last.safetensors'), bytes);
        if (kind === 'last') persist();
      },
      onRung: (rung, _step, value) => {
        record.rungs[rung] = value;
        const decision = scheduler ? scheduler.report(rung, trial.id, value) : 'continue';
        persist();
        return decision === 'continue';
      },
    });
    // The trial is on its way (its events come later, never during this synchronous part): now its
    // config and its record, which a resumed sweep reads.
    writeConfig(store, trial);
    persist();
    context.onProgress?.(context.progress());
    outcome = await run;
  } catch (error) {
    outcome = { status: 'error', message: errorMessage(error) };
  }
  log.close();
  context.started.delete(trial.id);
  record.wallSec = wallBefore + (clock() - sessionStart) / 1000;
  record.status = statusAfter(outcome, record.status);
  if (record.status === 'failed') record.error = outcome.message ?? outcome.status;
  persist();
}

/** Folds a training event into the record; false for events the record does not keep. */
function recordEvent(record: TrialRecord, event: TrainingEvent, startChars: number): boolean {
  if (event.type === 'start') record.totalSteps = event.totalSteps;
  else if (event.type === 'step') {
    record.steps = event.step;
    record.chars = event.chars;
  } else if (event.type === 'eval') {
    record.curve.push({ step: event.step, chars: event.chars, valLoss: event.valLoss });
    record.finalValLoss = event.valLoss;
    if (record.bestValLoss === undefined || event.valLoss < record.bestValLoss) record.bestValLoss = event.valLoss;
  } else if (event.type === 'done') {
    record.steps = event.step;
    record.chars = event.chars;
    if (event.bestValLoss !== undefined) record.bestValLoss = event.bestValLoss;
    if (event.elapsedSec > 0) record.charsPerSec = (event.chars - startChars) / event.elapsedSec;
  } else return false;
  return true;
}

/** The record's status after an outcome; an interrupted trial stays as it was (pending if it never started). */
function statusAfter(outcome: TrialOutcome, before: TrialStatus): TrialStatus {
  if (outcome.status === 'completed') return 'ok';
  if (outcome.status === 'stopped') return 'stopped';
  if (outcome.status === 'interrupted') return before;
  return 'failed';
}

/** A trial's directory and config.json are made when it starts, not all at once up front. */
function writeConfig(store: SweepStore, trial: TrialSpec): void {
  if (store.readText(trialPath(trial.id, 'config.json')) === null)
    store.writeAtomic(
      trialPath(trial.id, 'config.json'),
      `${JSON.stringify({ id: trial.id, params: trial.params, config: trial.config }, null, 2)}\n`,
    );
}

/** The store with every write caught: a failure is reported once through `failed`, later writes are skipped. */
function guardStore(store: SweepStore, failed: (error: unknown) => void): SweepStore {
  let broken = false;
  const guard = (write: () => void): void => {
    if (broken) return;
    try {
      write();
    } catch (error) {
      broken = true;
      failed(error);
    }
  };
  return {
    readText: (path) => store.readText(path),
    readBytes: (path) => store.readBytes(path),
    writeAtomic: (path, data) => guard(() => store.writeAtomic(path, data)),
    openLog(path, truncate) {
      let log: LogWriter | null = null;
      guard(() => {
        log = store.openLog(path, truncate);
      });
      return {
        write: (chunk) => guard(() => log?.write(chunk)),
        close: () => {
          try {
            (log as LogWriter | null)?.close();
          } catch {
            // closing a log that failed
          }
        },
      };
    },
  };
}

function bestRecord(records: readonly TrialRecord[], spec: SweepSpec): TrialRecord | undefined {
  let best: TrialRecord | undefined;
  for (const r of records) {
    const score = r.status === 'failed' ? undefined : trialScore(r, spec.metric);
    if (score !== undefined && (best === undefined || score < trialScore(best, spec.metric)!)) best = r;
  }
  return best;
}

function loadRecord(store: SweepStore, trial: TrialSpec): TrialRecord | null {
  const path = trialPath(trial.id, 'record.json');
  const text = store.readText(path);
  if (text === null) return null;
  try {
    return parseTrialRecord(text, trial.id);
  } catch (error) {
    if (!(error instanceof RecordError)) throw error;
    // Records are written atomically: one that does not parse was edited or damaged, and guessing
    // (rerunning the trial, or skipping it) could throw away a finished trial's results.
    throw new SweepError(
      `${path} ${error.message}`,
      `restore it, or delete it to run trial ${trial.id} again from its start`,
    );
  }
}

/** Opens the trial's log, cut back to its last checkpoint when it resumes; resets a fresh start. */
function openTrial(
  store: SweepStore,
  trial: TrialSpec,
  record: TrialRecord,
  rungSteps: readonly number[],
): { log: LogWriter; resumeBytes?: Uint8Array; startChars: number; writeHeader: boolean } {
  const logPath = trialPath(trial.id, 'log.csv');
  const bytes = record.status === 'running' ? store.readBytes(trialPath(trial.id, 'last.safetensors')) : null;
  const at = bytes ? checkpointPosition(bytes) : null;
  if (bytes && at) {
    const kept = truncateLogRows(store.readText(logPath) ?? '', at.step);
    store.writeAtomic(logPath, kept);
    record.curve = record.curve.filter((p) => p.step <= at.step);
    record.rungs = record.rungs.slice(0, rungSteps.filter((s) => s <= at.step).length);
    record.steps = at.step;
    record.chars = at.chars;
    const losses = record.curve.map((p) => p.valLoss);
    record.finalValLoss = losses.at(-1);
    record.bestValLoss = losses.length > 0 ? Math.min(...losses) : undefined;
    return { log: store.openLog(logPath, false), resumeBytes: bytes, startChars: at.chars, writeHeader: kept === '' };
  }
  Object.assign(record, { steps: 0, chars: 0, curve: [], rungs: [] });
  delete record.finalValLoss;
  delete record.bestValLoss;
  return { log: store.openLog(logPath, true), startChars: 0, writeHeader: true };
}

function checkpointPosition(bytes: Uint8Array): { step: number; chars: number } | null {
  try {
    const training = decodeCheckpoint(bytes).training;
    return training ? { step: training.step, chars: training.chars } : null;
  } catch {
    return null;
  }
}
