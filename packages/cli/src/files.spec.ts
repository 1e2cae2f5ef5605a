import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { openAppendFile, readBytes, readText, writeFileAtomic } from './files.js';
import {
  EXIT_FAILURE,
  EXIT_USAGE,
  RunError,
  UsageError,
  WriteError,
  exitCodeForSignal,
  reportError,
} from './errors.js';
import { EMBEDDED_CORPUS_PATH, loadEmbeddedCorpus, readEmbeddedCorpus } from './embedded-corpus.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'charrnn-cli-'));

describe('files', () => {
  it('writes atomically: the new content replaces the old and no temporary file is left', () => {
    const d = dir();
    const path = join(d, 'a.bin');
    writeFileAtomic(path, 'old');
    writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(readdirSync(d)).toEqual(['a.bin']);
  });

  it('a write into a directory that is gone fails as a run error (exit 1) naming the file', () => {
    expect(() => writeFileAtomic(join(dir(), 'nope', 'a.bin'), 'x')).toThrow(WriteError);
    expect(() => writeFileAtomic(join(dir(), 'nope', 'a.bin'), 'x')).toThrow(
      /cannot write ".*a.bin": its directory does not exist \(ENOENT\)/,
    );
  });

  it('reads regular files only: a device or a FIFO is one line, never an endless read', () => {
    expect(() => readText('/dev/zero', '--data file')).toThrow(
      /--data file "\/dev\/zero" is a character device, not a regular file/,
    );
    const d = dir();
    execFileSync('mkfifo', [join(d, 'pipe')]);
    expect(() => readText(join(d, 'pipe'), '--data file')).toThrow(/is a named pipe \(FIFO\), not a regular file/);
  });

  it('refuses a file larger than the cap before reading it', () => {
    const d = dir();
    writeFileSync(join(d, 'big.txt'), 'x'.repeat(2048));
    expect(() => readBytes(join(d, 'big.txt'), '--data file', 1024)).toThrow(
      /is 2.0 KiB, more than the 1.0 KiB charrnn can hold/,
    );
    expect(readBytes(join(d, 'big.txt'), '--data file', 4096).length).toBe(2048);
  });

  it('a full disk under an append (/dev/full) is a WriteError naming the file', () => {
    const log = openAppendFile('/dev/full', 'log');
    expect(() => log.write('1,2\n')).toThrow(/cannot write "\/dev\/full": no space left on the device \(ENOSPC\)/);
    log.close();
  });

  it('reads UTF-8 text and names the file and byte of invalid input', () => {
    const d = dir();
    writeFileSync(join(d, 'ok.txt'), 'héllo');
    expect(readText(join(d, 'ok.txt'), '--data file')).toBe('héllo');
    writeFileSync(join(d, 'bad.txt'), Buffer.from([0x61, 0xff]));
    expect(() => readText(join(d, 'bad.txt'), '--data file')).toThrow(
      /--data file ".*bad.txt" is not valid UTF-8: .*byte 1/,
    );
    expect(() => readText(join(d, 'missing.txt'), '--data file')).toThrow(/--data file ".*missing.txt" does not exist/);
    mkdirSync(join(d, 'sub'));
    expect(() => readText(join(d, 'sub'), '--data file')).toThrow(/is a directory/);
  });

  it('appends row by row and knows whether the file existed', () => {
    const path = join(dir(), 'log.csv');
    const first = openAppendFile(path, 'log');
    expect(first.existed).toBe(false);
    first.write('a\n');
    first.close();
    const second = openAppendFile(path, 'log');
    expect(second.existed).toBe(true);
    second.write('b\n');
    second.close();
    expect(readFileSync(path, 'utf8')).toBe('a\nb\n');
  });
});

describe('reportError', () => {
  it('prints one line (and a hint) and maps errors to exit codes', () => {
    const lines: string[] = [];
    const out = { write: (t: string) => void lines.push(t) };
    expect(reportError('tool', new UsageError('bad flag', 'try this'), out)).toBe(EXIT_USAGE);
    expect(reportError('tool', new RunError('diverged'), out)).toBe(EXIT_FAILURE);
    expect(reportError('tool', new RangeError('x must be y, got z'), out)).toBe(EXIT_USAGE);
    expect(lines).toEqual([
      'tool: error: bad flag\n',
      'hint: try this\n',
      'tool: error: diverged\n',
      'tool: error: x must be y, got z\n',
    ]);
    expect(reportError('tool', new WriteError('run.csv', 'ENOSPC'), out)).toBe(EXIT_FAILURE);
  });

  it('a run stopped by a signal exits 128 + its number', () => {
    expect([exitCodeForSignal('SIGINT'), exitCodeForSignal('SIGTERM'), exitCodeForSignal('SIGHUP')]).toEqual([
      130, 143, 129,
    ]);
  });
});

describe('embedded corpus', () => {
  it("is the shipped public-domain text, The Devil's Dictionary, whole", () => {
    const text = loadEmbeddedCorpus();
    expect(text.length).toBe(383_158);
    expect(text.startsWith('            The Internet Wiretap 1st Online Edition of\n')).toBe(true);
    expect(text).toContain('ABASEMENT, n.  A decent and customary mental attitude');
    expect(text.trimEnd().endsWith('the domestic cow sheds its horn every two years.')).toBe(true);
  });

  it('is read from the path the build bakes in', () => {
    const root = dir();
    mkdirSync(join(root, dirname(EMBEDDED_CORPUS_PATH)), { recursive: true });
    writeFileSync(join(root, EMBEDDED_CORPUS_PATH), 'ZEAL, n.');
    expect(readEmbeddedCorpus(root)).toBe('ZEAL, n.');
  });
});
