// Pins the public API: adding or removing an export must be a deliberate change of this list.
import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented API', () => {
  expect(Object.keys(api).sort()).toEqual(['EXIT_FAILURE', 'EXIT_INTERRUPTED', 'EXIT_OK', 'EXIT_USAGE', 'MAX_INPUT_BYTES', 'RunError', 'STOP_SIGNALS', 'UsageError', 'WriteError', 'acquireLock', 'appVersion', 'asksForVersion', 'checkOutputDirectory', 'checkOutputFile', 'checkWritableDirectory', 'chooseKernels', 'collectCorpus', 'decodeText', 'describeRule', 'exitCodeForSignal', 'fakeIo', 'formatBytes', 'formatHelp', 'isCorpusFile', 'isProcessAlive', 'loadEmbeddedCorpus', 'main', 'makeDirectories', 'nearestFlag', 'openAppendFile', 'openInput', 'parseFlags', 'processIo', 'readAt', 'readBytes', 'readCheckpoint', 'readText', 'removeStaleTemporaries', 'reportError', 'runCommand', 'spawnNodeWorker', 'temporaryPath', 'terminalInfo', 'writeFileAtomic']);
});
