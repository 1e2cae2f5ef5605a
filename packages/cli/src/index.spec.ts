// Pins the public API: adding or removing an export must be a deliberate change of this list.
import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented API', () => {
  expect(Object.keys(api).sort()).toEqual(['EXIT_FAILURE', 'EXIT_INTERRUPTED', 'EXIT_OK', 'EXIT_USAGE', 'RunError', 'UsageError', 'chooseKernels', 'collectCorpus', 'describeRule', 'formatHelp', 'isCorpusFile', 'loadEmbeddedCorpus', 'main', 'openAppendFile', 'parseFlags', 'processIo', 'readBytes', 'readCheckpoint', 'readText', 'reportError', 'runCommand', 'spawnNodeWorker', 'terminalInfo', 'writeFileAtomic']);
});
