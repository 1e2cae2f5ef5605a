// Every gradient of both tree cells against float64 centered differences (written here, apart
// from the gradcheck package), a planted-bug negative test, float32 against float64, batching,
// and a 100,000-deep tree through forward and backward.
import { describe, expect, it } from 'vitest';
import { Prng, referenceKernels, type FloatArray, type Kernels } from '@charrnn/tensor';
import { parseTree } from './parse-trees.js';
import { generateArithmeticTree } from './arithmetic-task.js';
import {
  TREE_CELL_NAMES,
  TreeModel,
  packTrees,
  type EncodedTree,
  type TreeCellName,
  type TreeBatch,
} from './tree-model.js';
import { TreeVocabulary } from './tree-vocabulary.js';
import type { TreeCell } from './tree-cell.js';
import { treeLstmCell } from './tree-lstm-cell.js';

const VOCAB = new TreeVocabulary([...'0123456789', '+', '-', '*'], [...'0123456789']);

function randomBatch(rng: Prng, B: number, maxOps = 4): TreeBatch {
  const trees: EncodedTree[] = [];
  for (let b = 0; b < B; b++) trees.push(VOCAB.encode(generateArithmeticTree(rng, { minOps: 0, maxOps })));
  return packTrees(trees);
}

function smallModel(cell: TreeCellName, seed = 1, dtype: 'f32' | 'f64' = 'f64'): TreeModel {
  const model = new TreeModel({ cell, vocabSize: 13, hiddenSize: 4, classes: 10, dtype });
  const rng = new Prng(seed);
  for (const p of model.params.list) rng.fillUniform(p.value, -1, 1); // far from linear, so errors show
  return model;
}

/** Worst |a − n| / max(|a|, |n|) over entries where |a − n| > atol, with n the centered difference (ε = 1e-5). */
function worstGradientError(model: TreeModel, batch: TreeBatch, atol = 1e-9): { worst: number; where: string } {
  model.lossAndGradients(batch);
  const analytic = model.params.list.map((p) => Float64Array.from(p.grad));
  let worst = 0;
  let where = '';
  model.params.list.forEach((p, k) => {
    const v = p.value as FloatArray;
    for (let i = 0; i < v.length; i++) {
      const saved = v[i]!;
      v[i] = saved + 1e-5;
      const plus = model.forward(batch);
      v[i] = saved - 1e-5;
      const minus = model.forward(batch);
      v[i] = saved;
      const n = (plus - minus) / 2e-5;
      const a = analytic[k]![i]!;
      const diff = Math.abs(a - n);
      if (diff <= atol) continue;
      const rel = diff / Math.max(Math.abs(a), Math.abs(n));
      if (rel > worst) {
        worst = rel;
        where = `${p.name}[${i}] analytic ${a} numeric ${n}`;
      }
    }
  });
  return { worst, where };
}

describe.each(TREE_CELL_NAMES)('%s', (cell) => {
  it('matches float64 centered differences on every parameter (batch of 3 trees of mixed shapes)', () => {
    const model = smallModel(cell);
    const batch = randomBatch(new Prng(5), 3);
    const { worst, where } = worstGradientError(model, batch);
    expect(worst, where).toBeLessThan(1e-6);
  });

  it('gives a batch the mean of its trees, loss and gradients', () => {
    const model = smallModel(cell, 2);
    const rng = new Prng(9);
    const trees = Array.from({ length: 3 }, () => VOCAB.encode(generateArithmeticTree(rng, { minOps: 0, maxOps: 5 })));
    const loss = model.lossAndGradients(packTrees(trees));
    const grads = model.params.list.map((p) => Float64Array.from(p.grad));
    const sum = model.params.list.map((p) => new Float64Array(p.grad.length));
    let lossSum = 0;
    for (const t of trees) {
      lossSum += model.lossAndGradients(packTrees([t]));
      model.params.list.forEach((p, k) => p.grad.forEach((g, i) => (sum[k]![i]! += g / 3)));
    }
    expect(Math.abs(loss - lossSum / 3)).toBeLessThanOrEqual(1e-12 + 1e-10 * Math.abs(loss));
    grads.forEach((g, k) =>
      g.forEach((x, i) => expect(Math.abs(x - sum[k]![i]!)).toBeLessThanOrEqual(1e-12 + 1e-10 * Math.abs(x))),
    );
  });

  it('runs in float32 within float32 tolerance of float64', () => {
    const m64 = smallModel(cell, 3, 'f64');
    const m32 = smallModel(cell, 3, 'f32');
    m32.params.list.forEach((p, k) => p.value.set(m64.params.list[k]!.value));
    const batch = randomBatch(new Prng(4), 4);
    const l64 = m64.lossAndGradients(batch);
    const l32 = m32.lossAndGradients(batch);
    expect(m32.params.list[0]!.value).toBeInstanceOf(Float32Array);
    expect(Math.abs(l32 - l64)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(l64));
    m64.params.list.forEach((p, k) =>
      p.grad.forEach((g, i) =>
        expect(Math.abs(m32.params.list[k]!.grad[i]! - g)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(g)),
      ),
    );
  });

  it('runs a 100,000-deep tree forward and backward without recursion', () => {
    // (+ 1 (+ 1 (+ 1 … 1))): a right spine, one node per level
    const depth = 100_000;
    const text = `${'(+ 1 '.repeat(depth)}1${')'.repeat(depth)}`;
    const tree = parseTree(text);
    const model = new TreeModel({ cell, vocabSize: 13, hiddenSize: 3, classes: 10, dtype: 'f64' });
    model.initialize(new Prng(1));
    const loss = model.lossAndGradients(packTrees([VOCAB.encode({ label: '1', tree })]));
    expect(Number.isFinite(loss)).toBe(true);
    for (const p of model.params.list) expect(p.grad.every(Number.isFinite)).toBe(true);
  });
});

it('fails the same comparison when a backward is wrong (planted bug: the right child forget gate gets no gradient)', () => {
  const broken: TreeCell = {
    ...treeLstmCell,
    backward(buf, r0, r1) {
      treeLstmCell.backward(buf, r0, r1);
      for (let r = r0; r < r1; r++) buf.dz.fill(0, r * 5 * buf.H + 2 * buf.H, r * 5 * buf.H + 3 * buf.H);
    },
  };
  const model = new TreeModel(
    { cell: 'tree-lstm', vocabSize: 13, hiddenSize: 4, classes: 10, dtype: 'f64' },
    undefined,
    {
      cell: broken,
    },
  );
  model.params.list.forEach((p, k) => p.value.set(smallModel('tree-lstm').params.list[k]!.value));
  const { worst } = worstGradientError(model, randomBatch(new Prng(5), 3));
  expect(worst).toBeGreaterThan(1e-2);
});

it('ignores unlabelled trees (label −1) in the loss and the gradient', () => {
  const model = smallModel('tree-rnn');
  const rng = new Prng(8);
  const a = VOCAB.encode(generateArithmeticTree(rng, { minOps: 1, maxOps: 3 }));
  const b = { ...VOCAB.encode(generateArithmeticTree(rng, { minOps: 1, maxOps: 3 })), label: -1 };
  const both = model.lossAndGradients(packTrees([a, b]));
  const grad = Float64Array.from(model.params.list[1]!.grad);
  const alone = model.lossAndGradients(packTrees([a]));
  expect(both).toBe(alone);
  expect(Array.from(model.params.list[1]!.grad)).toEqual(Array.from(grad));
});

it('refuses malformed batches with one-line errors', () => {
  const model = smallModel('tree-rnn');
  const ok = randomBatch(new Prng(1), 1);
  expect(() => model.forward({ ...ok, tokens: ok.tokens.map(() => 13) })).toThrow(
    /token ids must be in \[0, 13\), got 13/,
  );
  expect(() => model.forward({ ...ok, labels: Int32Array.of(10) })).toThrow(
    /labels must be in \[0, 10\) or −1, got 10/,
  );
  expect(() => model.forward({ ...ok, roots: new Int32Array(0), labels: new Int32Array(0) })).toThrow(
    /at least one tree/,
  );
  expect(
    () => new TreeModel({ cell: 'tree-gru' as TreeCellName, vocabSize: 3, hiddenSize: 2, classes: 2, dtype: 'f64' }),
  ).toThrow(/cell must be one of tree-rnn, tree-lstm, got "tree-gru"/);
});

it('grows its buffers geometrically with the node count only (a wasm backend never frees them)', () => {
  // Regression: buffers sized by the widest level too were re-made at twice the rows whenever a batch
  // of no more nodes had a wider level, so batches of 100, 150, 200 … lone leaves doubled them each
  // time (a 1 GB request on the arithmetic task's deep set).
  let allocated = 0;
  const counting: Kernels = {
    ...referenceKernels,
    alloc(dtype, length) {
      allocated += length;
      return referenceKernels.alloc(dtype, length);
    },
  };
  const model = new TreeModel({ cell: 'tree-lstm', vocabSize: 13, hiddenSize: 4, classes: 10, dtype: 'f64' }, counting);
  model.initialize(new Prng(1));
  const leaf = (label: number): EncodedTree => ({
    tokens: Int32Array.of(3),
    left: Int32Array.of(-1),
    right: Int32Array.of(-1),
    label,
  });
  // a chain of 100 operators first (201 nodes, 101 leaves), then ever wider batches of lone leaves
  const chain = VOCAB.encode({ label: '1', tree: parseTree(`${'(+ 1 '.repeat(100)}1${')'.repeat(100)}`) });
  const params = allocated;
  model.lossAndGradients(packTrees([chain]));
  const first = allocated - params;
  for (let n = 110; n <= 200; n += 10)
    model.lossAndGradients(packTrees(Array.from({ length: n }, (_, i) => leaf(i % 10))));
  expect(allocated - params).toBe(first);
  // beyond the capacity: at least doubled, once
  model.lossAndGradients(packTrees(Array.from({ length: 250 }, (_, i) => leaf(i % 10))));
  expect(allocated - params).toBe(3 * first);
});
