// @charrnn/report: the training event types and the sinks that consume them (CSV log, console
// progress, sample printer), and the charts and pages of every report (run, sweep, bench).
// Browser-safe: writers and clocks are injected by the app; pages are strings.
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
  TAGGING_LOG_COLUMNS,
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
  categoryScale,
  extent,
  formatTick,
  labelWidth,
  linearScale,
  linearTicks,
  logScale,
  logTicks,
  niceStep,
  paddedRange,
  robustTop,
  type Scale,
  type Tick,
} from './chart-scales.js';
export { decimateForDrawing, type Point } from './chart-decimate.js';
export {
  emptyChart,
  heatMap,
  legend,
  lineChart,
  scatterChart,
  seriesColor,
  type HeatMapOptions,
  type LineChartOptions,
  type ScatterAxis,
  type ScatterChartOptions,
  type ScatterPoint,
  type Series,
} from './charts.js';
export { goalBars, type GoalBar } from './goal-bars.js';
export { REPORT_CSS, esc, reportPage, type PageOptions } from './html.js';
export {
  createRunLogReader,
  recentTrainingBpc,
  renderRunReport,
  spansDecades,
  summarizeRun,
  trainingWindow,
  type RunLog,
  type RunLogReader,
  type RunLogRow,
  type RunSummary,
} from './run-report.js';
