export { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, RunError, UsageError, reportError } from './errors.js';
export { describeRule, formatHelp, parseFlags, type FlagKind, type FlagSpec, type ParsedFlags } from './flags.js';
export { openAppendFile, readBytes, readText, writeFileAtomic, type AppendFile } from './files.js';
export { terminalInfo, type TerminalInfo } from './terminal.js';
export { main, processIo, runCommand, type Command, type CommandIo } from './main.js';
export { collectCorpus, isCorpusFile, loadEmbeddedCorpus } from './embedded-corpus.js';
export { chooseKernels, type ChooseKernelsOptions } from './kernels.js';
export { spawnNodeWorker } from './node-worker.js';
export { readCheckpoint } from './checkpoint-file.js';
