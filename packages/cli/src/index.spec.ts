// Pins the public API: adding or removing an export must be a deliberate change of this list.
import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented API', () => {
  expect(Object.keys(api).sort()).toEqual(['EXIT_FAILURE', 'EXIT_INTERRUPTED', 'EXIT_OK', 'EXIT_USAGE', 'RunError', 'UsageError', 'appVersion', 'asksForVersion', 'chooseKernels', 'collectCorpus', 'describeRule', 'fakeIo', 'formatHelp', 'isCorpusFile', 'loadEmbeddedCorpus', 'main', 'nearestFlag', 'openAppendFile', 'parseFlags', 'processIo', 'readBytes', 'readCheckpoint', 'readText', 'reportError', 'runCommand', 'spawnNodeWorker', 'terminalInfo', 'writeFileAtomic']);
});
