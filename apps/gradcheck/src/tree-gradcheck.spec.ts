// charrnn-gradcheck --model tree-rnn|tree-lstm: passes at ε = 1e-5 with rtol 1e-6 at random and at
// checkpoint weights, on generated trees and on a tree file; fails (exit 1) when the tolerance
// cannot be met; refuses char-model flags.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOnFakeIo } from '@charrnn/cli/testing';
import { TreeModel } from '@charrnn/model';
import { Prng } from '@charrnn/tensor';
import { ARITHMETIC_VOCABULARY, encodeTreeCheckpoint } from '@charrnn/train';
import { gradcheckCommand } from './gradcheck-command.js';

const run = (argv: string[]) => runOnFakeIo(gradcheckCommand, 'charrnn-gradcheck', argv);

describe('charrnn-gradcheck --model tree-*', () => {
  it.each(['tree-rnn', 'tree-lstm'])('%s passes every entry at eps 1e-5, rtol 1e-6', async (model) => {
    const r = await run(['--model', model, '--hidden', '5', '--eps', '1e-5', '--rtol', '1e-6']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^gradcheck {2}${model} {2}V=13 H=5 C=10 {2}4 trees, \\d+ nodes {2}float64`));
    for (const name of ['tree.weight_ih', 'tree.weight_hh', 'tree.bias', 'classifier.weight', 'classifier.bias'])
      expect(r.out).toContain(name);
    expect(r.out).toMatch(
      /\nPASS {2}\d+ entries in 5 tensors agree \(\|a−n\| ≤ 1e-8 \+ 0\.000001·\|n\|, 3-point, eps 0\.00001\)\n$/,
    );
  });

  it('checks at a tree checkpoint’s weights and on a tree file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradcheck-tree-'));
    const model = new TreeModel({ cell: 'tree-lstm', vocabSize: 13, hiddenSize: 4, classes: 10, dtype: 'f32' });
    model.initialize(new Prng(4));
    writeFileSync(join(dir, 'm.safetensors'), encodeTreeCheckpoint({ model, vocab: ARITHMETIC_VOCABULARY }));
    writeFileSync(join(dir, 'trees.txt'), '4\t(+ (* 3 4) 2)\n1\t(- 3 (* 2 1))\n7\t7\n');
    const r = await run([
      '--model',
      'tree-lstm',
      '--checkpoint',
      join(dir, 'm.safetensors'),
      '--data',
      join(dir, 'trees.txt'),
      '--rtol',
      '1e-6',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('3 trees, 11 nodes  float64  weights from');
    const wrong = await run(['--model', 'tree-rnn', '--checkpoint', join(dir, 'm.safetensors')]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(
      /^charrnn-gradcheck: error: --model tree-rnn conflicts with the checkpoint's tree-lstm\n/,
    );
  });

  it('fails with exit 1 when the tolerance cannot be met', async () => {
    const r = await run(['--model', 'tree-rnn', '--hidden', '3', '--rtol', '0', '--atol', '0']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\nFAIL {2}\d+ of \d+ entries disagree, in /);
  });

  it('refuses char-model flags and a malformed tree file with one line (exit 2)', async () => {
    const layers = await run(['--model', 'tree-lstm', '--layers', '2']);
    expect(layers.code).toBe(2);
    expect(layers.err).toBe('charrnn-gradcheck: error: --layers does not apply to --model tree-lstm\n');
    const dir = mkdtempSync(join(tmpdir(), 'gradcheck-tree-'));
    writeFileSync(join(dir, 'bad.txt'), '4\t(+ 1\n');
    const bad = await run(['--model', 'tree-lstm', '--data', join(dir, 'bad.txt')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /^charrnn-gradcheck: error: --data .*bad\.txt:1:7: unbalanced "\(": the node opened at column 3 is never closed\n/,
    );
  });
});
