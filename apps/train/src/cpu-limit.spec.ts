// --max-cpu-seconds end to end: the real CPU clock of this process ends a run that --steps alone
// would not, the last line says why, and the checkpoint resumes the run.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOnFakeIo } from '@charrnn/cli/testing';
import { trainCommand } from './train-command.js';

const TEXT = 'One morning, when Gregor Samsa woke from troubled dreams, he found himself transformed. '.repeat(20);

const train = (argv: string[]) => runOnFakeIo(trainCommand, 'charrnn-train', argv);

describe('charrnn-train --max-cpu-seconds', () => {
  it('stops at the CPU-time limit, says so in its last line, and resumes from the checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charrnn-cpu-'));
    writeFileSync(join(dir, 'data.txt'), TEXT);
    const save = join(dir, 'm.safetensors');
    const common = ['--data', join(dir, 'data.txt'), '--hidden', '32', '--seq-length', '16', '--sample-every', '0'];
    // A million steps would take hours; 0.3 CPU-seconds is a few dozen.
    const first = await train([...common, '--steps', '1000000', '--max-cpu-seconds', '0.3', '--save', save]);
    expect(first.code).toBe(0);
    const last = first.out.trimEnd().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^done \(completed\) {2}step (\d+)\/1000000 .*: stopped at the CPU-time limit: 0\.3 CPU-s/);
    const stoppedAt = Number(/step (\d+)\//.exec(last)?.[1]);
    expect(stoppedAt).toBeGreaterThan(0);
    expect(stoppedAt).toBeLessThan(1_000_000);
    const resumed = await train(['--resume', save, '--steps', String(stoppedAt + 5)]);
    expect(resumed.code).toBe(0);
    expect(resumed.out.trimEnd().split('\n').at(-1)).toMatch(
      new RegExp(`^done \\(completed\\) {2}step ${stoppedAt + 5}/${stoppedAt + 5} `),
    );
  });

  it('refuses a negative budget as a usage error', async () => {
    const refused = await train(['--steps', '1', '--max-cpu-seconds', '-1']);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^charrnn-train: error: --max-cpu-seconds must be/);
  });
});
