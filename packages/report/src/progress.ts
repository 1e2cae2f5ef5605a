// Console progress for a training run, driven only by its events. On a terminal: one bar line
// redrawn in place (\r + clear-line), throttled by the injected clock, with eval/sample/checkpoint
// lines printed above it. Elsewhere (pipes, CI): plain periodic lines without escape codes.
import {
  describe,
  requireBoolean,
  requireFunction,
  requireNonNegative,
  requirePositiveInteger,
  requireString,
} from './check.js';
import type { DoneEvent, EvalEvent, EventSink, StartEvent, StepEvent, TrainingEvent } from './events.js';
import { formatBpc, formatDuration, formatLoss, formatRate, groupDigits, renderBar } from './format.js';
import { formatSample } from './samples.js';

export interface ProgressSinkOptions {
  /** Receives terminal output: text, newlines and (TTY only) \r and ANSI escapes. */
  readonly write: (s: string) => void;
  /** Draw a live bar. The app passes false for pipes and CI, whatever the stream says. */
  readonly isTTY: boolean;
  /** Terminal width; the bar line is kept shorter so it never wraps. Default 80. */
  readonly columns?: number;
  /** Color the bar and the final line (TTY only; non-TTY output never has escapes). Default false. */
  readonly color?: boolean;
  /** Milliseconds clock, used for redraw throttling, the ETA and the non-TTY time interval. */
  readonly now: () => number;
  /** Non-TTY: print a step line each time the step count crosses a multiple of this. Default 100. */
  readonly intervalSteps?: number;
  /** Non-TTY: also print a step line when this many ms passed since the last one. Default 60000; Infinity turns it off. */
  readonly intervalMs?: number;
  /** TTY: minimum ms between bar redraws. Default 100 (at most ~10 redraws per second). */
  readonly redrawMs?: number;
  /** Prefix for every line, e.g. "[trial 3]" when a sweep shares one console. */
  readonly label?: string;
}

const CLEAR_LINE = '\r\x1b[2K';
const MAX_BAR_WIDTH = 30;
const MIN_BAR_WIDTH = 5;

/** A sink printing a run's progress to a console; see ProgressSinkOptions for the two modes. */
export function createProgressSink(options: ProgressSinkOptions): EventSink {
  const fn = 'createProgressSink';
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${fn}: options must be an object, got ${describe(options)}`);
  }
  const {
    write,
    isTTY,
    columns = 80,
    color = false,
    now,
    intervalSteps = 100,
    intervalMs = 60_000,
    redrawMs = 100,
    label = '',
  } = options;
  requireFunction(fn, 'write', write);
  requireBoolean(fn, 'isTTY', isTTY);
  requirePositiveInteger(fn, 'columns', columns);
  requireBoolean(fn, 'color', color);
  requireFunction(fn, 'now', now);
  requirePositiveInteger(fn, 'intervalSteps', intervalSteps);
  requireNonNegative(fn, 'intervalMs', intervalMs);
  requireNonNegative(fn, 'redrawMs', redrawMs);
  requireString(fn, 'label', label);

  const prefix = label === '' ? '' : `${label} `;
  const paint = (code: string, s: string): string => (isTTY && color ? `\x1b[${code}m${s}\x1b[0m` : s);

  // Where this session started, for the ETA: measured with the injected clock rather than taken
  // from elapsedSec, so it counts evals and sampling too and does not depend on how a resumed
  // run reports elapsed time.
  let startStep: number | undefined;
  let startMs: number | undefined;
  let totalSteps: number | undefined;
  /** Clock time at which a --max-seconds budget ends the run, if there is one. */
  let deadlineMs: number | undefined;
  let last: StepEvent | undefined;
  let valBpc: number | undefined;
  let barShown = false;
  let lastDrawMs: number | undefined;
  let lastLineStep = 0;
  let lastLineMs: number | undefined;
  let barWidth = MAX_BAR_WIDTH;

  function etaSeconds(t: number, e: StepEvent): number {
    if (startMs === undefined || startStep === undefined || e.step <= startStep) return Number.NaN;
    const secPerStep = (t - startMs) / 1000 / (e.step - startStep);
    const bySteps = secPerStep * Math.max(0, (totalSteps ?? e.totalSteps) - e.step);
    return deadlineMs === undefined ? bySteps : Math.min(bySteps, Math.max(0, (deadlineMs - t) / 1000));
  }

  function barLine(t: number, e: StepEvent): string {
    const total = totalSteps ?? e.totalSteps;
    const parts = [`${e.step}/${total}`, `loss ${formatLoss(e.smoothLoss)}`];
    if (valBpc !== undefined) parts.push(`val_bpc ${formatBpc(valBpc)}`);
    // tqdm's "elapsed<remaining" keeps the line short enough for a bar in 80 columns.
    parts.push(
      `${formatDuration(e.elapsedSec)}<${formatDuration(etaSeconds(t, e))}`,
      `${formatRate(e.charsPerSec)} chars/s`,
    );
    const text = parts.join('  ');
    // Stay below the terminal width: a wrapped line cannot be redrawn in place with \r. The bar
    // only ever shrinks, so it does not jitter as the text around it changes length.
    const room = columns - 1 - prefix.length - text.length - 3;
    barWidth = Math.min(barWidth, room);
    if (barWidth < MIN_BAR_WIDTH) return (prefix + text).slice(0, Math.max(0, columns - 1));
    const bar = renderBar(total > 0 ? e.step / total : 1, barWidth);
    return `${prefix}|${paint('32', bar)}| ${text}`;
  }

  function stepLine(t: number, e: StepEvent): string {
    const parts = [
      `step ${e.step}/${totalSteps ?? e.totalSteps}`,
      `loss ${formatLoss(e.loss)}`,
      `smooth ${formatLoss(e.smoothLoss)}`,
    ];
    if (valBpc !== undefined) parts.push(`val_bpc ${formatBpc(valBpc)}`);
    parts.push(
      `${formatRate(e.charsPerSec)} chars/s`,
      `elapsed ${formatDuration(e.elapsedSec)}`,
      `eta ${formatDuration(etaSeconds(t, e))}`,
    );
    return prefix + parts.join('  ');
  }

  function drawBar(t: number): void {
    if (last === undefined) return;
    write(CLEAR_LINE + barLine(t, last));
    barShown = true;
    lastDrawMs = t;
  }

  /** A message on its own line(s); on a TTY the bar is cleared first and redrawn below it. */
  function printAbove(text: string): void {
    if (!isTTY) {
      write(`${text}\n`);
      return;
    }
    const t = now();
    // One write, so a terminal never shows the bar half-erased.
    const bar = last === undefined ? '' : barLine(t, last);
    write(`${CLEAR_LINE}${text}\n${bar}`);
    barShown = bar !== '';
    if (barShown) lastDrawMs = t;
  }

  function onStart(e: StartEvent): void {
    startStep = e.step;
    startMs = now();
    totalSteps = e.totalSteps;
    deadlineMs = e.maxSeconds ? startMs + e.maxSeconds * 1000 : undefined;
    lastLineStep = e.step;
    lastLineMs = startMs;
    const steps =
      (e.step > 0 ? `steps ${e.step}/${e.totalSteps} (resumed)` : `steps ${e.totalSteps}`) +
      (e.maxSeconds ? `  at most ${formatDuration(e.maxSeconds)}` : '');
    printAbove(
      `${prefix}start  params ${groupDigits(e.paramCount)}  vocab ${e.vocabSize}  ` +
        `train ${formatRate(e.trainChars)} chars  val ${formatRate(e.valChars)} chars  kernels ${e.kernels}  ${steps}`,
    );
  }

  function onStep(e: StepEvent): void {
    const t = now();
    if (startMs === undefined) {
      // No start event: measure the ETA from here on.
      startMs = t;
      startStep = e.step;
      lastLineMs = t;
    }
    totalSteps = e.totalSteps;
    if (e.valBpc !== undefined) valBpc = e.valBpc;
    last = e;
    const final = e.step >= e.totalSteps;
    if (isTTY) {
      if (lastDrawMs === undefined || t - lastDrawMs >= redrawMs || final) drawBar(t);
      return;
    }
    const crossed = Math.floor(e.step / intervalSteps) > Math.floor(lastLineStep / intervalSteps);
    const stale = lastLineMs !== undefined && t - lastLineMs >= intervalMs;
    if (crossed || stale || final) {
      write(`${stepLine(t, e)}\n`);
      lastLineStep = e.step;
      lastLineMs = t;
    }
  }

  function onDone(e: DoneEvent): void {
    const total = totalSteps === undefined ? '' : `/${totalSteps}`;
    const parts = [`done (${e.reason})`, `step ${e.step}${total}`, `final loss ${formatLoss(e.finalLoss)}`];
    if (e.bestValLoss !== undefined) {
      parts.push(`best val_loss ${formatLoss(e.bestValLoss)} (${formatBpc(e.bestValLoss / Math.LN2)} bpc)`);
    }
    parts.push(`time ${formatDuration(e.elapsedSec)}`);
    let summary = parts.join('  ');
    if (e.message !== undefined) summary += `: ${e.message}`;
    const code = e.reason === 'completed' ? '32' : e.reason === 'diverged' ? '31' : '33';
    const line = prefix + paint(code, summary);
    if (isTTY && last !== undefined) {
      // Leave the final bar on screen, committed with a newline, and the summary under it.
      write(`${CLEAR_LINE}${barLine(now(), last)}\n${line}\n`);
    } else {
      write(`${line}\n`);
    }
    barShown = false;
  }

  return {
    handle(event: TrainingEvent): void {
      switch (event.type) {
        case 'start':
          onStart(event);
          break;
        case 'step':
          onStep(event);
          break;
        case 'eval':
          valBpc = event.valBpc;
          printAbove(
            `${prefix}eval  step ${event.step}  val_loss ${formatLoss(event.valLoss)}  val_bpc ${formatBpc(event.valBpc)}  ` +
              taggingMetrics(event) +
              `(${formatRate(event.count)} chars)`,
          );
          break;
        case 'sample':
          printAbove(formatSample(event));
          break;
        case 'checkpoint':
          printAbove(
            `${prefix}checkpoint  step ${event.step} (${event.reason})${event.path === undefined ? '' : `  ${event.path}`}`,
          );
          break;
        case 'done':
          onDone(event);
          break;
      }
    },
    close(): void {
      // A run that ended without a done event must not leave the shell prompt on the bar's line.
      if (barShown) write('\n');
      barShown = false;
    },
  };
}

/** A tagging task's metrics for the eval line ("" for next-symbol runs): accuracy, and P/R/F1 of the positive class. */
function taggingMetrics(event: EvalEvent): string {
  if (event.valAccuracy === undefined) return '';
  const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
  const boundary =
    event.valF1 !== undefined
      ? `precision ${pct(event.valPrecision!)}  recall ${pct(event.valRecall!)}  F1 ${pct(event.valF1)}  `
      : '';
  return `accuracy ${pct(event.valAccuracy)}  ${boundary}`;
}
