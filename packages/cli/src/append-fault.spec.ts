// A full disk in the middle of a row: the write fails after part of the row reached the file.
// node:fs is mocked so writeSync writes half of what it is given once and then fails with ENOSPC,
// as write(2) does when the disk fills mid-row; the file must keep only whole rows. (By hand, a
// small tmpfs shows the same on a real disk: see docs/limits.md.)
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const fault = vi.hoisted(() => ({ armed: false }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  let halfWritten = false;
  function failingWrite(
    fd: number,
    buffer: Uint8Array,
    offset?: number,
    length?: number,
    position?: number | null,
  ): number {
    const start = offset ?? 0;
    const count = length ?? buffer.length - start;
    if (fault.armed) {
      if (!halfWritten) {
        halfWritten = true;
        return fs.writeSync(fd, buffer, start, Math.max(1, Math.floor(count / 2)), position);
      }
      halfWritten = false;
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    return fs.writeSync(fd, buffer, start, count, position);
  }
  const writeSync = failingWrite as unknown as typeof fs.writeSync;
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

const { openAppendFile, writeFileAtomic } = await import('./files.js');
const { WriteError } = await import('./errors.js');

describe('write faults', () => {
  beforeEach(() => {
    fault.armed = false;
  });

  it('an append that fails half way is cut back: the file keeps whole rows, the error names the file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'charrnn-fault-')), 'log.csv');
    const log = openAppendFile(path, '--log file');
    log.write('step,loss\n1,0.5\n');
    fault.armed = true;
    expect(() => log.write('2,0.25\n')).toThrow(WriteError);
    fault.armed = true;
    expect(() => log.write('3,0.125\n')).toThrow(/cannot write ".*log.csv": no space left on the device \(ENOSPC\)/);
    log.close();
    expect(readFileSync(path, 'utf8')).toBe('step,loss\n1,0.5\n');
  });

  it('an atomic write that fails keeps the old file whole and leaves no temporary behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'charrnn-fault-'));
    const path = join(dir, 'run.safetensors');
    writeFileAtomic(path, 'the last good checkpoint');
    fault.armed = true;
    let error: unknown;
    try {
      writeFileAtomic(path, 'a new checkpoint that does not fit');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WriteError);
    expect((error as InstanceType<typeof WriteError>).hint).toMatch(/--resume/);
    expect(readFileSync(path, 'utf8')).toBe('the last good checkpoint');
    expect(readdirSync(dir)).toEqual(['run.safetensors']);
  });
});
