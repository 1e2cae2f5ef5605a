export {
  EXIT_FAILURE,
  EXIT_INTERRUPTED,
  EXIT_OK,
  EXIT_USAGE,
  RunError,
  UsageError,
  WriteError,
  exitCodeForSignal,
  reportError,
} from './errors.js';
export {
  describeRule,
  formatHelp,
  nearestFlag,
  parseFlags,
  type FlagKind,
  type FlagSpec,
  type FlagSpecFor,
  type FlagTable,
  type FlagTableFor,
  type FlagValue,
  type FlagValues,
  type ParsedFlags,
} from './flags.js';
export {
  MAX_INPUT_BYTES,
  decodeText,
  formatBytes,
  openAppendFile,
  openInput,
  readAt,
  readBytes,
  readText,
  temporaryPath,
  writeFileAtomic,
  type AppendFile,
} from './files.js';
export {
  checkOutputDirectory,
  checkOutputFile,
  checkWritableDirectory,
  lockOutputFiles,
  makeDirectories,
  removeStaleTemporaries,
  sameFile,
  type OutputFileOptions,
} from './outputs.js';
export { acquireLock, isProcessAlive, type Lock } from './lock.js';
export { openTrainingLog, type TrainingLog } from './training-log.js';
export { terminalInfo, type TerminalInfo } from './terminal.js';
export { STOP_SIGNALS, main, processIo, runCommand, type Command, type CommandIo } from './main.js';
export {
  EMBEDDED_CORPUS_LABEL,
  EMBEDDED_CORPUS_PATH,
  loadEmbeddedCorpus,
  readEmbeddedCorpus,
} from './embedded-corpus.js';
export { chooseKernels, type ChooseKernelsOptions } from './kernels.js';
export { spawnNodeWorker } from './node-worker.js';
export { readCheckpoint } from './checkpoint-file.js';
export {
  MAX_CORPUS_BYTES,
  dataReference,
  readCorpus,
  resolveCorpusFiles,
  type CorpusFile,
  type LoadedCorpus,
  type ReadCorpusOptions,
} from './corpus-files.js';
export { appVersion, asksForVersion } from './version.js';
