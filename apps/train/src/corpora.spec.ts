// Corpora of any shape: several files, a directory, a glob (each file a document); the tail of
// their concatenation held out; byte-level models on text that is not UTF-8 and on binary data;
// checkpoints that remember every file; checkpoints from before any of this; the one-line errors.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '@charrnn/cli';
import { fakeIo } from '@charrnn/cli/testing';
import { decodeSafetensors, encodeSafetensors } from '@charrnn/safetensors';
import { decodeCheckpoint } from '@charrnn/train';
import { evalCommand } from './eval-command.js';
import { sampleCommand } from './sample-command.js';
import { trainCommand } from './train-command.js';

const DOC_A = 'Gregor Samsa woke one morning from uneasy dreams. '.repeat(8);
const DOC_B = 'He found himself transformed in his bed into a horrible vermin. '.repeat(6);

async function run(
  command: typeof trainCommand,
  argv: string[],
): Promise<{ code: number; out: string; err: string; bytes: Uint8Array }> {
  const io = fakeIo(argv);
  const code = await runCommand('charrnn-x', command, io);
  return { code, out: io.out(), err: io.err(), bytes: io.outBytes() };
}

const small = ['--hidden', '12', '--seq-length', '10', '--sample-every', '0', '--log-every', '5'];
const small2 = [...small, '--kernels', 'reference', '--eval-every', '5', '--steps', '10'];

/** A corpus directory: a.txt, sub/b.txt, and things a directory walk skips. */
function corpusDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'charrnn-corpora-'));
  mkdirSync(join(dir, 'docs', 'sub'), { recursive: true });
  mkdirSync(join(dir, 'docs', '.git'));
  writeFileSync(join(dir, 'docs', 'a.txt'), DOC_A);
  writeFileSync(join(dir, 'docs', 'sub', 'b.txt'), DOC_B);
  writeFileSync(join(dir, 'docs', '.hidden.txt'), 'ignored because hidden');
  writeFileSync(join(dir, 'docs', '.git', 'x.txt'), 'ignored too');
  return dir;
}

function dataRef(path: string): { source: string; files?: { path: string; bytes: number }[] } {
  return JSON.parse(decodeSafetensors(readFileSync(path)).metadata.data!);
}

describe('--data with several files, a directory or a glob', () => {
  it('trains on the same documents whichever way they are named, and remembers each file', async () => {
    const dir = corpusDir();
    const docs = join(dir, 'docs');
    const a = join(docs, 'a.txt');
    const b = join(docs, 'sub', 'b.txt');
    const ways = [[docs], [`${docs}/**/*.txt`], [a, b]];
    const results = [];
    for (const [i, data] of ways.entries()) {
      const save = join(dir, `m${i}.safetensors`);
      const train = await run(trainCommand, ['--data', ...data, ...small2, '--save', save]);
      expect(train.err).not.toMatch(/error/);
      expect(train.code).toBe(0);
      const ref = dataRef(save);
      expect(ref.source).toBe('files');
      expect(ref.files!.map((f) => f.path)).toEqual([a, b]);
      results.push(JSON.parse((await run(evalCommand, ['--checkpoint', save, '--data', b])).out).loss);
    }
    // Same documents in the same order: the same weights, so the same score to the last bit.
    expect(new Set(results).size).toBe(1);
  });

  it('holds out the tail of the concatenation (here: all of b.txt and the end of a.txt)', async () => {
    const dir = corpusDir();
    const total = DOC_A.length + DOC_B.length;
    const val = Math.floor(total * 0.5);
    const train = await run(trainCommand, ['--data', join(dir, 'docs'), ...small2, '--val-fraction', '0.5']);
    expect(train.out).toMatch(new RegExp(`train ${total - val} chars {2}val ${val} chars`));
  });

  it('resumes on the files it remembers and refuses, in one line, when one of them changed', async () => {
    const dir = corpusDir();
    const save = join(dir, 'm.safetensors');
    expect((await run(trainCommand, ['--data', join(dir, 'docs'), ...small2, '--save', save])).code).toBe(0);
    const resumed = await run(trainCommand, ['--resume', save, '--steps', '15', '--save', save]);
    expect(resumed.err).toBe('');
    expect(resumed.code).toBe(0);
    writeFileSync(join(dir, 'docs', 'sub', 'b.txt'), `${DOC_B}!`);
    const changed = await run(trainCommand, ['--resume', save, '--steps', '20', '--save', save]);
    expect(changed.code).toBe(2);
    expect(changed.err).toMatch(
      /^charrnn-x: error: a file of the run's training text ".*b.txt" has changed since the checkpoint was written \(\d+ bytes then, \d+ now; SHA-256 differs\)\nhint: /,
    );
  });

  it('eval scores each file from a zero state and pools the predictions', async () => {
    const dir = corpusDir();
    const save = join(dir, 'm.safetensors');
    await run(trainCommand, ['--data', join(dir, 'docs'), ...small2, '--save', save]);
    const score = async (...data: string[]) =>
      JSON.parse((await run(evalCommand, ['--checkpoint', save, '--data', ...data])).out);
    const a = await score(join(dir, 'docs', 'a.txt'));
    const b = await score(join(dir, 'docs', 'sub', 'b.txt'));
    const both = await score(join(dir, 'docs'));
    expect(both.count).toBe(a.count + b.count);
    const pooled = (a.loss * a.count + b.loss * b.count) / (a.count + b.count);
    expect(Math.abs(both.loss - pooled)).toBeLessThanOrEqual(1e-12 + 1e-10 * pooled);
  });
});

it('--help lists --data FILE|DIR|GLOB and --unit char|byte', async () => {
  const help = (await run(trainCommand, ['--help'])).out;
  expect(help).toMatch(/--data FILE\|DIR\|GLOB …/);
  expect(help).toMatch(/--unit char\|byte +what a symbol is/);
});

describe('one-line errors for corpora', () => {
  it.each([
    [
      'an empty directory',
      (d: string) => {
        mkdirSync(join(d, 'empty'));
        return [join(d, 'empty')];
      },
      /--data directory ".*empty" has no regular files\nhint: /,
    ],
    [
      'a glob matching nothing',
      (d: string) => [join(d, '*.nothing')],
      /--data pattern ".*\*\.nothing" matches no files\nhint: /,
    ],
    [
      'more than 65,536 distinct characters',
      (d: string) => {
        const many = Array.from({ length: 65_537 }, (_, i) => String.fromCodePoint(0x10000 + i)).join('');
        writeFileSync(join(d, 'many.txt'), many);
        return [join(d, 'many.txt')];
      },
      /--data has 65537 distinct characters, more than the 65536 charrnn's 16-bit ids can name\nhint: train on its bytes instead with --unit byte/,
    ],
    ['a stray argument without --data', () => ['--steps', '1', 'stray.txt'], /unexpected argument "stray.txt"/],
  ])('%s', async (_, make, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'charrnn-corpora-'));
    const args = make(dir);
    const argv = args[0] === '--steps' ? args : ['--data', ...args];
    const result = await run(trainCommand, [...argv, ...small2]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err.trim().split('\n').length).toBeLessThanOrEqual(2);
  });
});

describe('--unit byte', () => {
  it('trains on bytes that are not UTF-8, resumes, samples raw bytes and scores the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charrnn-bytes-'));
    // Latin-1 text with binary noise: invalid UTF-8 from the first byte on.
    const latin1 = Buffer.from('Grüße aus Köln, schöne Grüße. '.repeat(20), 'latin1');
    const noise = Uint8Array.from({ length: 300 }, (_, i) => 0x80 + ((i * 151 + 7) % 64));
    const data = join(dir, 'mixed.bin');
    writeFileSync(data, Buffer.concat([latin1, noise]));
    const refused = await run(trainCommand, ['--data', data, ...small2]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/is not valid UTF-8: .*\nhint: .*--unit byte/);

    const save = join(dir, 'bytes.safetensors');
    const train = await run(trainCommand, ['--data', data, '--unit', 'byte', ...small2, '--save', save]);
    expect(train.err).not.toMatch(/error/);
    expect(train.code).toBe(0);
    const checkpoint = decodeCheckpoint(readFileSync(save));
    expect(checkpoint.config?.unit).toBe('byte');
    expect(checkpoint.vocab.size).toBeLessThanOrEqual(256);
    expect(checkpoint.vocab.codePoints.every((cp) => cp < 256)).toBe(true);

    const resumed = await run(trainCommand, ['--resume', save, '--steps', '12']);
    expect(resumed.code).toBe(0);
    const conflict = await run(trainCommand, ['--resume', save, '--unit', 'char', '--steps', '14']);
    expect(conflict.err).toMatch(/--unit char conflicts with the resumed run's byte/);

    // The prime is taken as UTF-8 bytes; "ü" is 0xC3 0xBC, and 0xC3 is not in this corpus.
    const badPrime = await run(sampleCommand, ['--checkpoint', save, '--prime', 'ü', '--length', '5']);
    expect(badPrime.code).toBe(2);
    expect(badPrime.err).toMatch(/--prime has 1 character\(s\) outside the model's vocabulary: "Ã" \(U\+00C3\)/);
    const primeFile = join(dir, 'prime.bin');
    writeFileSync(primeFile, Buffer.from('Grü', 'latin1'));
    const sample = await run(sampleCommand, ['--checkpoint', save, '--prime-file', primeFile, '--length', '200']);
    expect(sample.code).toBe(0);
    // Raw bytes out: the prime's Latin-1 bytes, then 200 bytes of the model's, then a newline.
    expect(sample.bytes.length).toBe(3 + 200 + 1);
    expect(Array.from(sample.bytes.subarray(0, 3))).toEqual([0x47, 0x72, 0xfc]);
    const known = new Set(checkpoint.vocab.codePoints);
    expect(Array.from(sample.bytes.subarray(3, 203)).every((b) => known.has(b))).toBe(true);

    const scored = JSON.parse((await run(evalCommand, ['--checkpoint', save, '--data', data])).out);
    expect(scored.count).toBe(latin1.length + noise.length - 1);
    expect(scored.bpc).toBeGreaterThan(0);
    expect(scored.bpc).toBeLessThan(8.1);
  });
});

describe('checkpoints from before corpora and units', () => {
  it('resume and sample as character models, on the one file they name', async () => {
    const dir = corpusDir();
    const data = join(dir, 'docs', 'a.txt');
    const save = join(dir, 'm.safetensors');
    await run(trainCommand, ['--data', data, ...small2, '--save', save]);
    // Written by the version before: no "unit" in the stored config, a single-file data reference.
    const { metadata, tensors } = decodeSafetensors(readFileSync(save));
    const config = JSON.parse(metadata.config!);
    delete config.unit;
    const old = join(dir, 'old.safetensors');
    writeFileSync(old, encodeSafetensors(tensors, { ...metadata, config: JSON.stringify(config) }));
    expect(JSON.parse(metadata.data!)).toEqual({
      source: 'file',
      path: data,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      bytes: DOC_A.length,
    });
    const resumed = await run(trainCommand, ['--resume', old, '--steps', '15', '--save', old]);
    expect(resumed.err).toBe('');
    expect(resumed.code).toBe(0);
    expect(decodeCheckpoint(readFileSync(old)).config?.unit).toBe('char');
    const sample = await run(sampleCommand, ['--checkpoint', old, '--prime', 'Gregor', '--length', '20']);
    expect(sample.code).toBe(0);
    expect(sample.out.startsWith('Gregor')).toBe(true);
  });

  it('--resume of a checkpoint that names no text never falls back to the embedded corpus', async () => {
    const dir = corpusDir();
    const save = join(dir, 'm.safetensors');
    await run(trainCommand, ['--data', join(dir, 'docs', 'a.txt'), ...small2, '--save', save]);
    const { metadata, tensors } = decodeSafetensors(readFileSync(save));
    const { data: _forgotten, ...rest } = metadata;
    const nameless = join(dir, 'nameless.safetensors');
    writeFileSync(nameless, encodeSafetensors(tensors, rest));
    const resumed = await run(trainCommand, ['--resume', nameless, '--steps', '15']);
    expect(resumed.code).toBe(2);
    expect(resumed.err).toBe(
      "charrnn-x: error: the --resume checkpoint does not say which text it trained on, so the run's text cannot be found\nhint: pass --data FILE with the text to resume on\n",
    );
    expect(resumed.out).toBe('');
    const given = await run(trainCommand, [
      '--resume',
      nameless,
      '--steps',
      '15',
      '--data',
      join(dir, 'docs', 'a.txt'),
    ]);
    expect(given.code).toBe(0);
  });
});
