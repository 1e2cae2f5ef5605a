// Where a sweep's files go. The coordinator writes only through this interface, so the same
// coordinator runs against the file system (the app), memory (tests, a browser) or anything else.
// Paths are relative to the sweep directory: spec.json, summary.csv, report.html, trials/<id>/….

import { cutLogAtStep } from '@charrnn/report';

export interface LogWriter {
  write(chunk: string): void;
  close(): void;
}

export interface SweepStore {
  /** Reads a text file, or null when it does not exist. */
  readText(path: string): string | null;
  readBytes(path: string): Uint8Array | null;
  /** Replaces a file atomically (never half written, even on a kill). */
  writeAtomic(path: string, data: string | Uint8Array): void;
  /** Opens a file for appending rows; `truncate` starts it empty. */
  openLog(path: string, truncate: boolean): LogWriter;
}

/** Trial file paths. */
export const trialPath = (
  id: string,
  file: 'log.csv' | 'config.json' | 'record.json' | 'best.safetensors' | 'last.safetensors',
): string => `trials/${id}/${file}`;

/** An in-memory store: a Map from path to contents. */
export function createMemoryStore(
  files: Map<string, string | Uint8Array> = new Map(),
): SweepStore & { readonly files: Map<string, string | Uint8Array> } {
  return {
    files,
    readText(path) {
      const v = files.get(path);
      return v === undefined ? null : typeof v === 'string' ? v : new TextDecoder().decode(v);
    },
    readBytes(path) {
      const v = files.get(path);
      return v === undefined ? null : typeof v === 'string' ? new TextEncoder().encode(v) : v;
    },
    writeAtomic(path, data) {
      files.set(path, typeof data === 'string' ? data : data.slice());
    },
    openLog(path, truncate) {
      if (truncate || !files.has(path)) files.set(path, '');
      return {
        write(chunk) {
          files.set(path, String(files.get(path) ?? '') + chunk);
        },
        close() {},
      };
    },
  };
}

/** Keeps the header and the whole rows whose step is <= step: a log cut back to a checkpoint (the trainer's own rule). */
export function truncateLogRows(text: string, step: number): string {
  return cutLogAtStep(text, step);
}
