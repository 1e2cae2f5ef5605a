// charrnn-sample behind a real pipe whose reader leaves early (`charrnn-sample --length 1e12 |
// head -c 1000000`): the closed stdout (EPIPE) ends sampling at once, with exit 0 and no stack
// trace. The command is bundled from source and run as its own process, so the pipe is real.

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '@charrnn/cli';
import { fakeIo } from '@charrnn/cli/testing';
import { trainCommand } from './train-command.js';

const here = dirname(fileURLToPath(import.meta.url));
let dir = '';
let checkpoint = '';
let bundle = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'charrnn-sample-pipe-'));
  writeFileSync(join(dir, 'data.txt'), 'the quick brown fox jumps over the lazy dog.\n'.repeat(20));
  checkpoint = join(dir, 'run.safetensors');
  const argv = ['--data', join(dir, 'data.txt'), '--hidden', '8', '--seq-length', '8', '--steps', '5'];
  const io = fakeIo([
    ...argv,
    '--eval-every',
    '0',
    '--sample-every',
    '0',
    '--kernels',
    'reference',
    '--save',
    checkpoint,
  ]);
  expect(await runCommand('charrnn-train', trainCommand, io)).toBe(0);
  bundle = join(dir, 'sample.mjs');
  await build({
    entryPoints: [join(here, 'sample.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@charrnn/source'],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    outfile: bundle,
    logLevel: 'warning',
  });
}, 60_000);

describe('charrnn-sample | a reader that closes early', () => {
  it('stops at once when the pipe closes: exit 0, nothing on stderr', async () => {
    const child = spawn(
      process.execPath,
      [bundle, '--checkpoint', checkpoint, '--length', '1e12', '--kernels', 'reference'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // Read about what `head -c 100000` reads, then close our end of the pipe.
    let read = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read >= 100_000) child.stdout.destroy();
    });
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
    expect(read).toBeGreaterThanOrEqual(100_000);
    expect(exit.signal).toBeNull(); // not the test's SIGKILL after 20 s: it ended on its own
    expect([0, 141]).toContain(exit.code);
    expect(Buffer.concat(stderr).toString()).toBe('');
  }, 40_000);
});
