// --data's file reading: one reused read buffer for a corpus of many files (a fresh 4 MiB buffer
// per file per pass made 20,000 tiny files take minutes), and every file-system failure inside a
// --data directory as one usage line naming the path.
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readCorpus, resolveCorpusFiles } from './corpus-files.js';
import { reportError, EXIT_USAGE } from './errors.js';

vi.mock('node:fs', async (original) => {
  const actual = await original<typeof import('node:fs')>();
  return { ...actual, readSync: vi.fn(actual.readSync) };
});

const dir = (): string => mkdtempSync(join(tmpdir(), 'charrnn-corpus-files-'));

describe('readCorpus', () => {
  it('reads every file of both passes into one buffer no larger than the largest file needs', async () => {
    const root = dir();
    for (let i = 0; i < 50; i++) writeFileSync(join(root, `f${String(i).padStart(2, '0')}.txt`), `doc ${i}\n`);
    const files = await resolveCorpusFiles([root]);
    const readSync = vi.mocked(fs.readSync);
    readSync.mockClear();
    const { corpus } = readCorpus(files, { unit: 'char' });
    expect(corpus.documentStarts.length).toBe(50);
    const buffers = new Set(readSync.mock.calls.map((call) => call[1]));
    expect(readSync.mock.calls.length).toBeGreaterThanOrEqual(2 * 50);
    expect(buffers.size).toBe(1);
    const [buffer] = [...buffers] as Uint8Array[];
    expect(buffer!.byteLength).toBeLessThanOrEqual(Math.max(...files.map((f) => f.bytes)) + 1);
  });
});

/** The line and exit code a command would print for what `call` throws. */
async function reported(call: () => Promise<unknown>): Promise<{ line: string; code: number }> {
  const lines: string[] = [];
  try {
    await call();
  } catch (error) {
    const code = reportError('charrnn-train', error, { write: (t) => lines.push(t) });
    return { line: lines.join(''), code };
  }
  throw new Error('expected an error');
}

describe('resolveCorpusFiles: file-system errors inside a --data directory', () => {
  it('a symbolic link loop is one usage line naming the link (exit 2), not a raw ELOOP', async () => {
    const root = dir();
    writeFileSync(join(root, 'a.txt'), 'hello');
    symlinkSync('loop-b', join(root, 'loop-a'));
    symlinkSync('loop-a', join(root, 'loop-b'));
    const { line, code } = await reported(() => resolveCorpusFiles([root]));
    expect(code).toBe(EXIT_USAGE);
    expect(line).toMatch(
      /^charrnn-train: error: cannot read --data file ".*loop-a": too many levels of symbolic links \(ELOOP\)\nhint: /,
    );
    expect(line.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable subdirectory is one usage line (EACCES), exit 2', async () => {
    const root = dir();
    mkdirSync(join(root, 'locked'));
    writeFileSync(join(root, 'locked', 'a.txt'), 'hello');
    chmodSync(join(root, 'locked'), 0o000);
    try {
      const { line, code } = await reported(() => resolveCorpusFiles([root]));
      expect(code).toBe(EXIT_USAGE);
      expect(line).toMatch(/cannot read --data directory ".*locked": permission denied \(EACCES\)/);
    } finally {
      chmodSync(join(root, 'locked'), 0o755);
    }
  });

  it('a single --data path with a link loop reads the same way', async () => {
    const root = dir();
    symlinkSync('self', join(root, 'self'));
    const { line, code } = await reported(() => resolveCorpusFiles([join(root, 'self')]));
    expect(code).toBe(EXIT_USAGE);
    expect(line).toMatch(/cannot read --data file ".*self": too many levels of symbolic links \(ELOOP\)/);
  });
});
