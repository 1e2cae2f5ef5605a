// The --log file of a training command (charrnn-train, charrnn-tree): how a resumed, forced or new
// run opens it, in one place so every training command treats its log the same way.

import { readFileSync } from 'node:fs';
import { cutLogAtStep } from '@charrnn/report';
import { type AppendFile, openAppendFile, writeFileAtomic } from './files.js';

/** An opened training log and the text kept in it from before (empty when it starts empty). */
export interface TrainingLog {
  readonly file: AppendFile;
  readonly kept: string;
}

/**
 * Opens a training log for appending rows. A resumed run (resumeStep set) first cuts it back to the
 * checkpoint's step: rows after it were logged by the session that was killed, and the resumed run
 * logs them again. Otherwise force empties it. Call checkOutputFile (and acquireLock) before.
 */
export function openTrainingLog(path: string, resumeStep: number | undefined, force: boolean): TrainingLog {
  let kept = '';
  if (resumeStep !== undefined) {
    let existing = '';
    try {
      existing = readFileSync(path, 'utf8');
    } catch {
      existing = '';
    }
    kept = cutLogAtStep(existing, resumeStep);
    if (kept !== existing) writeFileAtomic(path, kept);
  } else if (force) {
    writeFileAtomic(path, '');
  }
  return { file: openAppendFile(path, '--log file'), kept };
}
