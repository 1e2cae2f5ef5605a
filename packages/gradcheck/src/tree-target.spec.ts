// The checker on the tree models: both cells pass at the house tolerance (ε = 1e-5, rtol 1e-6),
// and a Tree-LSTM with a planted backward bug fails on exactly the tensors the bug reaches.
import { describe, expect, it } from 'vitest';
import {
  TREE_CELL_NAMES,
  TreeModel,
  TreeVocabulary,
  generateArithmeticTree,
  packTrees,
  type TreeBatch,
  type TreeCell,
  type TreeCellName,
} from '@charrnn/model';
import { Prng } from '@charrnn/tensor';
import { checkGradients } from './check.js';
import { treeModelTarget } from './tree-target.js';

const VOCAB = new TreeVocabulary([...'0123456789', '+', '-', '*'], [...'0123456789']);

function batch(seed: number, B = 4): TreeBatch {
  const rng = new Prng(seed);
  return packTrees(
    Array.from({ length: B }, () => VOCAB.encode(generateArithmeticTree(rng, { minOps: 0, maxOps: 4 }))),
  );
}

function model(cell: TreeCellName, options: { cell?: TreeCell } = {}): TreeModel {
  const m = new TreeModel({ cell, vocabSize: 13, hiddenSize: 5, classes: 10, dtype: 'f64' }, undefined, options);
  m.initialize(new Prng(3));
  return m;
}

describe.each(TREE_CELL_NAMES)('%s', (cell) => {
  it('passes at ε = 1e-5 with rtol 1e-6 on every entry of every parameter', () => {
    const report = checkGradients(treeModelTarget(model(cell), batch(1)), { eps: 1e-5, rtol: 1e-6 });
    expect(report.failingTensors).toEqual([]);
    expect(report.pass).toBe(true);
    expect(report.checked).toBe(model(cell).params.count());
  });
});

it('fails a Tree-LSTM whose backward drops the cell-state path into the children (planted bug)', () => {
  const lstm = model('tree-lstm').cell;
  const broken: TreeCell = {
    ...lstm,
    backward(buf, r0, r1) {
      // the real backward, then the children's dc taken back out: as if c did not reach the parent's c
      const saved = Float64Array.from(buf.dc);
      lstm.backward(buf, r0, r1);
      for (let r = r0; r < r1; r++) {
        const l = buf.left[r]!;
        if (l < 0) continue;
        for (const child of [l, buf.right[r]!])
          for (let j = 0; j < buf.H; j++) buf.dc[child * buf.H + j] = saved[child * buf.H + j]!;
      }
    },
  };
  const report = checkGradients(treeModelTarget(model('tree-lstm', { cell: broken }), batch(1)), {
    eps: 1e-5,
    rtol: 1e-6,
  });
  expect(report.pass).toBe(false);
  // The classifier reads only the roots' h, computed in forward: the bug cannot reach it.
  expect(report.failingTensors).toEqual(['tree.weight_ih', 'tree.weight_hh', 'tree.bias']);
});

it('refuses a float32 model', () => {
  const m = new TreeModel({ cell: 'tree-rnn', vocabSize: 13, hiddenSize: 2, classes: 10, dtype: 'f32' });
  expect(() => treeModelTarget(m, batch(1))).toThrow(/model dtype must be f64/);
});
