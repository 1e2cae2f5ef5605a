// @charrnn/corpus: UTF-8 bytes → text → code points → vocabulary ids → train/val split → windows.
export { decodeUtf8, findUtf8Error, type Utf8Error } from './utf8.js';
export { formatChar, isSingleChar, toCodePoints } from './chars.js';
export { Vocabulary } from './vocabulary.js';
export { TEXT_UNITS, createUnitDecoder, type TextUnit, type UnitDecoder } from './unit-decoder.js';
export {
  CorpusEncoder,
  DocumentError,
  MAX_SYMBOLS,
  SymbolScan,
  encodeDocuments,
  type DocumentSource,
  type EncodedCorpus,
  type IdArray,
  type UnknownUnits,
} from './corpus-encoder.js';
export { MAX_CORPUS_BYTES, formatBytes, notUtf8, tooManySymbols, type TextRefusal } from './text-limits.js';
export { splitTrainVal, type TrainValSplit } from './split.js';
export { WindowStream, windowsPerPass, type WindowStreamOptions, type WindowStreamState } from './window-stream.js';
export {
  ADDITION,
  TASK_NAMES,
  additionProblems,
  isTaskName,
  taskFor,
  type ExampleSource,
  type TaggedText,
  type TaggingTask,
  type TaggingTaskName,
  type TaskName,
} from './tasks.js';
