// @charrnn/report: the training event types and the sinks that consume them (CSV log, console
// progress, sample printer). Browser-safe: writers and clocks are injected by the app.
export {
  natsToBits,
  type CheckpointEvent,
  type DoneEvent,
  type EvalEvent,
  type EventSink,
  type SampleEvent,
  type StartEvent,
  type StepEvent,
  type TrainingEvent,
} from './events.js';
export {
  CSV_LOG_COLUMNS,
  createCsvLogSink,
  csvHeader,
  csvRow,
  cutLogAtStep,
  type CsvLogColumn,
  type CsvLogSinkOptions,
} from './csv.js';
export { createProgressSink, type ProgressSinkOptions } from './progress.js';
export { createSamplePrinter, formatSample, type SamplePrinterOptions } from './samples.js';
export { combineSinks } from './combine.js';
export { formatDuration, formatRate, renderBar } from './format.js';
export {
  REPORT_CSS,
  esc,
  fmtTick,
  heatMap,
  legend,
  lineChart,
  seriesColor,
  type HeatMapOptions,
  type LineChartOptions,
  type Series,
} from './charts.js';
export {
  parseRunLog,
  renderRunReport,
  summarizeRun,
  type RunLog,
  type RunLogRow,
  type RunSummary,
} from './run-report.js';
