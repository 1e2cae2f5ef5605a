// @charrnn/sweep: hyperparameter sweeps over the one training pipeline — spec validation, grid and
// random expansion, ASHA early stopping, the executor seam, the coordinator, summary and report.
// Browser-safe: files, threads and clocks come in through SweepStore, TrialExecutor and options.
export {
  SpecError,
  parseSpecText,
  validateSpec,
  type BudgetKind,
  type ParamSpec,
  type ParamValue,
  type SpaceParam,
  type SweepMetric,
  type SweepSpec,
} from './spec.js';
export {
  DEFAULT_MAX_TRIALS,
  SweepLimitError,
  checkTrialCount,
  expandTrials,
  sample,
  type TrialSpec,
} from './trials.js';
export { AshaScheduler, ashaRungSteps, type AshaDecision } from './asha.js';
export {
  createInProcessExecutor,
  runTrial,
  type TrialCallbacks,
  type TrialEnvironment,
  type TrialExecutor,
  type TrialOutcome,
  type TrialTask,
} from './executor.js';
export { createTrialDataCache, type TrialDataCache } from './trial-data.js';
export {
  RecordError,
  SUMMARY_METRIC_COLUMNS,
  newRecord,
  parseTrialRecord,
  summaryCsv,
  trialScore,
  type CurvePoint,
  type TrialRecord,
  type TrialStatus,
} from './record.js';
export { createMemoryStore, trialPath, truncateLogRows, type LogWriter, type SweepStore } from './store.js';
export {
  SweepError,
  runSweep,
  sweepIdentity,
  trialRungSteps,
  type SweepOptions,
  type SweepProgress,
  type SweepResult,
} from './sweep.js';
export { describeParams, renderReport, type ReportInput } from './report-html.js';
export { formatProgress, formatTrialEnd } from './progress.js';
export { printable } from './printable.js';
