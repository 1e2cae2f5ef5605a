// Console progress for a training run, driven only by its events. On a terminal: one bar line
// redrawn in place (\r + clear-line), throttled by the injected clock, with eval/sample/checkpoint
// lines printed above it. Elsewhere (pipes, CI): plain periodic lines without escape codes.
// Three parts: a formatter (event → text), an ETA clock, and one renderer per mode (the bar, or
// plain lines), each deciding when to write.
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
  const settings = checkOptions(options);
  const text = new ProgressText(settings.label === '' ? '' : `${settings.label} `);
  const eta = new EtaClock();
  const renderer: Renderer = settings.isTTY
    ? new BarRenderer(settings, text, eta)
    : new LineRenderer(settings, text, eta);
  return {
    handle(event: TrainingEvent): void {
      switch (event.type) {
        case 'start':
          eta.start(event, settings.now());
          text.totalSteps = event.totalSteps;
          renderer.start(event.step);
          renderer.above(text.start(event));
          break;
        case 'step': {
          const t = settings.now();
          eta.observe(event, t);
          text.observe(event);
          renderer.step(event, t);
          break;
        }
        case 'eval':
          text.valBpc = event.valBpc;
          renderer.above(
            `${text.prefix}eval  step ${event.step}  val_loss ${formatLoss(event.valLoss)}  val_bpc ${formatBpc(event.valBpc)}  ` +
              taggingMetrics(event) +
              `(${formatRate(event.count)} chars)`,
          );
          break;
        case 'sample':
          renderer.above(formatSample(event));
          break;
        case 'checkpoint':
          renderer.above(
            `${text.prefix}checkpoint  step ${event.step} (${event.reason})${event.path === undefined ? '' : `  ${event.path}`}`,
          );
          break;
        case 'done':
          renderer.done(event);
          break;
      }
    },
    close(): void {
      renderer.close();
    },
  };
}

type Settings = Required<ProgressSinkOptions>;

function checkOptions(options: ProgressSinkOptions): Settings {
  const fn = 'createProgressSink';
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${fn}: options must be an object, got ${describe(options)}`);
  }
  const settings: Settings = {
    write: options.write,
    isTTY: options.isTTY,
    now: options.now,
    columns: options.columns ?? 80,
    color: options.color ?? false,
    intervalSteps: options.intervalSteps ?? 100,
    intervalMs: options.intervalMs ?? 60_000,
    redrawMs: options.redrawMs ?? 100,
    label: options.label ?? '',
  };
  requireFunction(fn, 'write', settings.write);
  requireBoolean(fn, 'isTTY', settings.isTTY);
  requirePositiveInteger(fn, 'columns', settings.columns);
  requireBoolean(fn, 'color', settings.color);
  requireFunction(fn, 'now', settings.now);
  requirePositiveInteger(fn, 'intervalSteps', settings.intervalSteps);
  requireNonNegative(fn, 'intervalMs', settings.intervalMs);
  requireNonNegative(fn, 'redrawMs', settings.redrawMs);
  requireString(fn, 'label', settings.label);
  return settings;
}

/**
 * The ETA, from where this session started: measured with the injected clock rather than taken
 * from elapsedSec, so it counts evals and sampling too and does not depend on how a resumed run
 * reports elapsed time. With a --max-seconds budget it is the smaller of the two estimates.
 */
class EtaClock {
  private startStep: number | undefined;
  private startMs: number | undefined;
  private deadlineMs: number | undefined;

  start(e: StartEvent, t: number): void {
    this.startStep = e.step;
    this.startMs = t;
    this.deadlineMs = e.maxSeconds ? t + e.maxSeconds * 1000 : undefined;
  }

  /** Without a start event, the ETA is measured from the first step seen. */
  observe(e: StepEvent, t: number): void {
    if (this.startMs !== undefined) return;
    this.startMs = t;
    this.startStep = e.step;
  }

  seconds(t: number, e: StepEvent): number {
    const { startMs, startStep, deadlineMs } = this;
    if (startMs === undefined || startStep === undefined || e.step <= startStep) return Number.NaN;
    const secPerStep = (t - startMs) / 1000 / (e.step - startStep);
    const bySteps = secPerStep * Math.max(0, e.totalSteps - e.step);
    return deadlineMs === undefined ? bySteps : Math.min(bySteps, Math.max(0, (deadlineMs - t) / 1000));
  }
}

/**
 * The formatter: events to text, no clock and no terminal. The training loss is shown as the
 * recent mean in bits per character, the unit of val_bpc beside it (the step event's trainLoss;
 * this step's loss from producers that predate it).
 */
class ProgressText {
  totalSteps: number | undefined;
  valBpc: number | undefined;

  constructor(readonly prefix: string) {}

  observe(e: StepEvent): void {
    this.totalSteps = e.totalSteps;
    if (e.valBpc !== undefined) this.valBpc = e.valBpc;
  }

  start(e: StartEvent): string {
    const steps =
      (e.step > 0 ? `steps ${e.step}/${e.totalSteps} (resumed)` : `steps ${e.totalSteps}`) +
      (e.maxSeconds ? `  at most ${formatDuration(e.maxSeconds)}` : '');
    return (
      `${this.prefix}start  params ${groupDigits(e.paramCount)}  vocab ${e.vocabSize}  ` +
      `train ${formatRate(e.trainChars)} chars  val ${formatRate(e.valChars)} chars  kernels ${e.kernels}  ${steps}`
    );
  }

  /** The losses both modes show: train_bpc, and val_bpc once there is one. */
  losses(e: StepEvent): string[] {
    const parts = [`train_bpc ${formatBpc((e.trainLoss ?? e.loss) / Math.LN2)}`];
    if (this.valBpc !== undefined) parts.push(`val_bpc ${formatBpc(this.valBpc)}`);
    return parts;
  }

  /** The bar's text, without the bar: tqdm's "elapsed<remaining" keeps it short enough for 80 columns. */
  barText(e: StepEvent, etaSeconds: number): string {
    return [
      `${e.step}/${e.totalSteps}`,
      ...this.losses(e),
      `${formatDuration(e.elapsedSec)}<${formatDuration(etaSeconds)}`,
      `${formatRate(e.charsPerSec)} chars/s`,
    ].join('  ');
  }

  stepLine(e: StepEvent, etaSeconds: number): string {
    return (
      this.prefix +
      [
        `step ${e.step}/${e.totalSteps}`,
        ...this.losses(e),
        `${formatRate(e.charsPerSec)} chars/s`,
        `elapsed ${formatDuration(e.elapsedSec)}`,
        `eta ${formatDuration(etaSeconds)}`,
      ].join('  ')
    );
  }

  done(e: DoneEvent): string {
    const total = this.totalSteps === undefined ? '' : `/${this.totalSteps}`;
    const parts = [`done (${e.reason})`, `step ${e.step}${total}`, `final loss ${formatLoss(e.finalLoss)}`];
    if (e.bestValLoss !== undefined) {
      parts.push(`best val_loss ${formatLoss(e.bestValLoss)} (${formatBpc(e.bestValLoss / Math.LN2)} bpc)`);
    }
    parts.push(`time ${formatDuration(e.elapsedSec)}`);
    const summary = parts.join('  ');
    return e.message === undefined ? summary : `${summary}: ${e.message}`;
  }
}

/** How one mode puts the text on the console, and when. */
interface Renderer {
  start(step: number): void;
  step(e: StepEvent, t: number): void;
  /** A message on its own line(s). */
  above(text: string): void;
  done(e: DoneEvent): void;
  close(): void;
}

/** Pipes and CI: a plain step line each intervalSteps steps or intervalMs, and at the last step. */
class LineRenderer implements Renderer {
  private lastLineStep = 0;
  private lastLineMs: number | undefined;

  constructor(
    private readonly settings: Settings,
    private readonly text: ProgressText,
    private readonly eta: EtaClock,
  ) {}

  start(step: number): void {
    this.lastLineStep = step;
    this.lastLineMs = this.settings.now();
  }

  step(e: StepEvent, t: number): void {
    const { intervalSteps, intervalMs, write } = this.settings;
    this.lastLineMs ??= t;
    const crossed = Math.floor(e.step / intervalSteps) > Math.floor(this.lastLineStep / intervalSteps);
    const stale = t - this.lastLineMs >= intervalMs;
    if (!crossed && !stale && e.step < e.totalSteps) return;
    write(`${this.text.stepLine(e, this.eta.seconds(t, e))}\n`);
    this.lastLineStep = e.step;
    this.lastLineMs = t;
  }

  above(text: string): void {
    this.settings.write(`${text}\n`);
  }

  done(e: DoneEvent): void {
    this.settings.write(`${this.text.prefix}${this.text.done(e)}\n`);
  }

  close(): void {}
}

/** A terminal: one bar line redrawn in place at most every redrawMs, messages printed above it. */
class BarRenderer implements Renderer {
  private last: StepEvent | undefined;
  private shown = false;
  private lastDrawMs: number | undefined;
  /** Only ever shrinks, so the bar does not jitter as the text around it changes length. */
  private width = MAX_BAR_WIDTH;

  constructor(
    private readonly settings: Settings,
    private readonly text: ProgressText,
    private readonly eta: EtaClock,
  ) {}

  start(): void {}

  step(e: StepEvent, t: number): void {
    this.last = e;
    const due = this.lastDrawMs === undefined || t - this.lastDrawMs >= this.settings.redrawMs;
    if (due || e.step >= e.totalSteps) this.draw(t, '');
  }

  above(text: string): void {
    // One write, so a terminal never shows the bar half-erased.
    this.draw(this.settings.now(), `${text}\n`);
  }

  done(e: DoneEvent): void {
    const code = e.reason === 'completed' ? '32' : e.reason === 'diverged' ? '31' : '33';
    const line = this.text.prefix + this.paint(code, this.text.done(e));
    // Leave the final bar on screen, committed with a newline, and the summary under it.
    const bar = this.last === undefined ? '' : `${this.barLine(this.settings.now(), this.last)}\n`;
    this.settings.write(`${CLEAR_LINE}${bar}${line}\n`);
    this.shown = false;
  }

  close(): void {
    // A run that ended without a done event must not leave the shell prompt on the bar's line.
    if (this.shown) this.settings.write('\n');
    this.shown = false;
  }

  private draw(t: number, message: string): void {
    const bar = this.last === undefined ? '' : this.barLine(t, this.last);
    this.settings.write(`${CLEAR_LINE}${message}${bar}`);
    this.shown = bar !== '';
    if (this.shown) this.lastDrawMs = t;
  }

  private barLine(t: number, e: StepEvent): string {
    const { columns } = this.settings;
    const prefix = this.text.prefix;
    const text = this.text.barText(e, this.eta.seconds(t, e));
    // Stay below the terminal width: a wrapped line cannot be redrawn in place with \r.
    this.width = Math.min(this.width, columns - 1 - prefix.length - text.length - 3);
    if (this.width < MIN_BAR_WIDTH) return (prefix + text).slice(0, Math.max(0, columns - 1));
    const bar = renderBar(e.totalSteps > 0 ? e.step / e.totalSteps : 1, this.width);
    return `${prefix}|${this.paint('32', bar)}| ${text}`;
  }

  private paint(code: string, s: string): string {
    return this.settings.color ? `\x1b[${code}m${s}\x1b[0m` : s;
  }
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
