// Reading a tree checkpoint named by a flag: a usage error naming the flag and file when it
// cannot be used (not a tree checkpoint, bad shapes, non-finite weights).

import { readBytes, UsageError } from '@charrnn/cli';
import { CheckpointError, decodeTreeCheckpoint, type TreeCheckpoint } from '@charrnn/train';

export function readTreeCheckpoint(path: string, flag: string): TreeCheckpoint {
  const bytes = readBytes(path, `${flag} file`);
  try {
    return decodeTreeCheckpoint(bytes);
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    throw new UsageError(
      `${flag} file ${JSON.stringify(path)} cannot be used: ${error.message}`,
      'pass a checkpoint written by charrnn-tree train --save',
    );
  }
}
