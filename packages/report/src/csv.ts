// CSV text for the training log (one row per logged step) and the general row/header helpers the
// sweep summary and gradcheck reports reuse. Rows go to an injected writer as soon as they exist,
// so a killed run loses at most the row being written; the file itself belongs to the app.
import { stringify } from 'csv-stringify/sync';
import { describe, requireBoolean, requireFunction } from './check.js';
import type { EventSink, StepEvent, TrainingEvent } from './events.js';

/** The training log's columns, in file order (extra constant columns, if any, come before them). */
export const CSV_LOG_COLUMNS = [
  'step',
  'chars',
  'loss',
  'smooth_loss',
  'val_loss',
  'val_bpc',
  'lr',
  'grad_norm',
  'clipped_frac',
  'chars_per_s',
  'elapsed_s',
] as const;

export type CsvLogColumn = (typeof CSV_LOG_COLUMNS)[number];

const STRINGIFY_OPTIONS = {
  // Booleans as words: csv-stringify's default ("1" / "") would read back as a number and a blank.
  cast: { boolean: (value: boolean) => (value ? 'true' : 'false') },
};

/**
 * One CSV record ending in "\n". Numbers use JavaScript's shortest round-trip form (lossless:
 * parseFloat gives back the same double); undefined and null become empty cells; fields with
 * commas, quotes or line breaks are quoted.
 */
export function csvRow(values: readonly unknown[]): string {
  if (!Array.isArray(values)) throw new TypeError(`csvRow: values must be an array, got ${describe(values)}`);
  // A row of one empty cell would stringify to "\n", which readers skip as a blank line.
  if (values.length === 1 && (values[0] === undefined || values[0] === null || values[0] === '')) return '""\n';
  return stringify([values as unknown[]], STRINGIFY_OPTIONS);
}

/** The header record for `columns`: non-empty, distinct names (snake_case by convention). */
export function csvHeader(columns: readonly string[]): string {
  if (!Array.isArray(columns)) throw new TypeError(`csvHeader: columns must be an array, got ${describe(columns)}`);
  if (columns.length === 0) throw new RangeError('csvHeader: columns must not be empty, got []');
  const seen = new Set<string>();
  for (const [i, name] of columns.entries()) {
    if (typeof name !== 'string')
      throw new TypeError(`csvHeader: columns[${i}] must be a string, got ${describe(name)}`);
    if (name === '') throw new RangeError(`csvHeader: columns[${i}] must be a non-empty name, got ""`);
    if (seen.has(name))
      throw new RangeError(`csvHeader: column names must be distinct, got ${JSON.stringify(name)} twice`);
    seen.add(name);
  }
  return csvRow(columns);
}

export interface CsvLogSinkOptions {
  /** Receives each chunk (the header, then one row per step event) as soon as it exists. */
  readonly write: (chunk: string) => void;
  /** Write the header when the sink is created. False when appending to an existing log on resume. Default true. */
  readonly writeHeader?: boolean;
  /** Constant columns written before the log columns on every row, e.g. { trial: 3 }. */
  readonly extraColumns?: Readonly<Record<string, string | number>>;
  /**
   * Append a `train_bpc` column after the log columns: the step event's recent mean training loss
   * in bits per character, the unit of val_bpc. Default false, so a log appended to on resume keeps
   * the columns its header has; charrnn-train turns it on for new logs and logs that have it.
   */
  readonly trainBpc?: boolean;
  /**
   * Append a tagging task's held-out metrics (TAGGING_LOG_COLUMNS) after the log columns, before
   * train_bpc. Default false: a language model's log keeps the columns it always had.
   */
  readonly tagging?: boolean;
}

/** The columns createCsvLogSink appends with `tagging: true`: accuracy, and the positive class's precision, recall, F1. */
export const TAGGING_LOG_COLUMNS = ['val_accuracy', 'val_precision', 'val_recall', 'val_f1'] as const;

/** The optional column createCsvLogSink appends with `trainBpc: true`. */
const TRAIN_BPC_COLUMN = 'train_bpc';

/**
 * A sink writing the training log as CSV: the header (unless appending), then one row per step
 * event. Other events are ignored. val_loss / val_bpc cells are empty on steps without an evaluation.
 */
export function createCsvLogSink(options: CsvLogSinkOptions): EventSink {
  const fn = 'createCsvLogSink';
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${fn}: options must be an object, got ${describe(options)}`);
  }
  const { write, writeHeader = true, extraColumns = {}, trainBpc = false, tagging = false } = options;
  requireFunction(fn, 'write', write);
  requireBoolean(fn, 'writeHeader', writeHeader);
  requireBoolean(fn, 'trainBpc', trainBpc);
  requireBoolean(fn, 'tagging', tagging);
  const extra = checkExtraColumns(fn, extraColumns);
  const extraNames = extra.map(([name]) => name);
  const extraValues = extra.map(([, value]) => value);
  const optional = [...(tagging ? TAGGING_LOG_COLUMNS : []), ...(trainBpc ? [TRAIN_BPC_COLUMN] : [])];

  if (writeHeader) write(csvHeader([...extraNames, ...CSV_LOG_COLUMNS, ...optional]));

  return {
    handle(event: TrainingEvent): void {
      if (event.type !== 'step') return;
      const cells = [...extraValues, ...stepCells(event)];
      if (tagging) cells.push(event.valAccuracy, event.valPrecision, event.valRecall, event.valF1);
      if (trainBpc) cells.push(event.trainLoss === undefined ? undefined : event.trainLoss / Math.LN2);
      write(csvRow(cells));
    },
  };
}

function stepCells(e: StepEvent): unknown[] {
  // Same order as CSV_LOG_COLUMNS.
  return [
    e.step,
    e.chars,
    e.loss,
    e.smoothLoss,
    e.valLoss,
    e.valBpc,
    e.lr,
    e.gradNorm,
    e.clippedFrac,
    e.charsPerSec,
    e.elapsedSec,
  ];
}

function checkExtraColumns(fn: string, extraColumns: unknown): [string, string | number][] {
  if (extraColumns === null || typeof extraColumns !== 'object' || Array.isArray(extraColumns)) {
    throw new TypeError(`${fn}: extraColumns must be an object of column → value, got ${describe(extraColumns)}`);
  }
  const entries = Object.entries(extraColumns as Record<string, unknown>);
  const logColumns: readonly string[] = CSV_LOG_COLUMNS;
  for (const [name, value] of entries) {
    if (name === '') throw new RangeError(`${fn}: extraColumns names must be non-empty, got ""`);
    if (logColumns.includes(name)) {
      throw new RangeError(`${fn}: extraColumns must not repeat a log column, got ${JSON.stringify(name)}`);
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new RangeError(`${fn}: extraColumns.${name} must be finite, got ${value}`);
    } else if (typeof value !== 'string') {
      throw new TypeError(`${fn}: extraColumns.${name} must be a string or a number, got ${describe(value)}`);
    }
  }
  return entries as [string, string | number][];
}

/**
 * A training log cut back to a checkpoint: the header and the complete rows whose `step` is at most
 * `step`. A row a kill left half written (no final newline) is dropped too, so a resumed run
 * appends after whole rows only. Used by charrnn-train --resume and by sweep trials alike.
 */
export function cutLogAtStep(text: string, step: number): string {
  const lines = text.split('\n');
  lines.pop(); // "" after the last newline, or an unterminated partial row
  const header = lines[0];
  if (header === undefined || header === '') return '';
  const column = Math.max(0, header.split(',').indexOf('step'));
  const rows = lines.slice(1).filter((line) => {
    const cell = line.split(',')[column];
    return line !== '' && cell !== undefined && cell !== '' && Number(cell) <= step;
  });
  return `${[header, ...rows].join('\n')}\n`;
}
