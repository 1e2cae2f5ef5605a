// Reading a checkpoint named by a flag, through a file handle: the length prefix, then the header
// (checked against the file's size), then only the tensors a checkpoint uses, so a huge or lying
// file costs its header, not its size in memory. Errors name the flag and the file.

import { closeSync, fstatSync } from 'node:fs';
import { readSafetensorsLayout, safetensorsHeaderLength, SafetensorsError } from '@charrnn/safetensors';
import { CheckpointError, decodeCheckpointFrom, type Checkpoint } from '@charrnn/train';
import { UsageError } from './errors.js';
import { openInput, readAt } from './files.js';

export function readCheckpoint(path: string | undefined, flag: string): Checkpoint {
  if (!path)
    throw new UsageError(`${flag} FILE is required`, `pass the .safetensors file written by charrnn-train --save`);
  const what = `${flag} file`;
  const fd = openInput(path, what);
  try {
    const size = fstatSync(fd).size;
    const headerLength = safetensorsHeaderLength(readAt(fd, 0, Math.min(8, size), path, what), size);
    const layout = readSafetensorsLayout(readAt(fd, 0, 8 + headerLength, path, what), size);
    return decodeCheckpointFrom({
      layout,
      read: (entry) => readAt(fd, entry.begin, entry.end - entry.begin, path, what),
    });
  } catch (caught) {
    const error =
      caught instanceof SafetensorsError
        ? new CheckpointError(`not a valid safetensors file: ${caught.message}`)
        : caught;
    if (!(error instanceof CheckpointError)) throw error;
    throw new UsageError(
      `${flag} file ${JSON.stringify(path)} cannot be used: ${error.message}`,
      'was it written completely by charrnn-train --save (or another safetensors writer)?',
    );
  } finally {
    closeSync(fd);
  }
}
