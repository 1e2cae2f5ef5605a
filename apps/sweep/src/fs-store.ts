// The sweep directory on disk: a SweepStore whose whole-file writes are atomic (temporary file,
// fsync, rename), so a kill at any moment leaves summary.csv, records and checkpoints valid.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeDirectories, openAppendFile, writeFileAtomic } from '@charrnn/cli';
import type { SweepStore } from '@charrnn/sweep';

export function createFileStore(root: string): SweepStore {
  const made = new Set<string>();
  const ensureDir = (path: string): void => {
    const dir = dirname(path);
    if (made.has(dir)) return;
    makeDirectories(dir, 'sweep directory');
    made.add(dir);
  };
  return {
    readText(path) {
      const full = join(root, path);
      return existsSync(full) ? readFileSync(full, 'utf8') : null;
    },
    readBytes(path) {
      const full = join(root, path);
      return existsSync(full) ? new Uint8Array(readFileSync(full)) : null;
    },
    writeAtomic(path, data) {
      const full = join(root, path);
      ensureDir(full);
      writeFileAtomic(full, data);
    },
    openLog(path, truncate) {
      const full = join(root, path);
      ensureDir(full);
      if (truncate) writeFileAtomic(full, '');
      return openAppendFile(full, 'trial log');
    },
  };
}
