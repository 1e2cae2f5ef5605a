// Reading a checkpoint named by a flag, with errors that name the flag and the file.

import { UsageError } from './errors.js';
import { readBytes } from './files.js';
import { decodeCheckpoint, type Checkpoint } from '@charrnn/train';

export function readCheckpoint(path: string | undefined, flag: string): Checkpoint {
  if (!path) throw new UsageError(`${flag} FILE is required`, `pass the .safetensors file written by charrnn-train --save`);
  const bytes = readBytes(path, `${flag} file`);
  try {
    return decodeCheckpoint(bytes);
  } catch (error) {
    throw new UsageError(`${flag} file ${JSON.stringify(path)} cannot be used: ${(error as Error).message}`, 'was it written completely by charrnn-train --save (or another safetensors writer)?');
  }
}
