// The generated tree task that ships with charrnn: arithmetic expression trees over the digits
// 0–9 with + − * → the value mod 10, e.g. `4<TAB>(+ (* 3 4) 2)` (3·4 + 2 = 14). Mod 10 commutes
// with + − *, so a subtree's value mod 10 is all its parent needs: a model that learns the three
// 10×10 tables can solve trees of any size. Seeded, so a task is its options.

import type { Prng } from '@charrnn/tensor';
import { formatTree, type BinaryTree, type LabelledTree } from './tree.js';

export const ARITHMETIC_OPERATORS = ['+', '-', '*'] as const;

export interface ArithmeticTreeOptions {
  /** Operators per tree, drawn uniformly from [minOps, maxOps]. */
  readonly minOps: number;
  readonly maxOps: number;
}

/** The largest maxOps the generator accepts (it builds a tree by recursion on its size). */
export const MAX_GENERATED_OPS = 1000;

/** One random expression: a uniform operator count, a random shape (the left size uniform), digits and operators uniform. */
export function generateArithmeticTree(rng: Prng, options: ArithmeticTreeOptions): LabelledTree {
  const { minOps, maxOps } = validateOps('generateArithmeticTree', options);
  const tokens: string[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const build = (ops: number): number => {
    if (ops === 0) {
      tokens.push(String(rng.int(10)));
      left.push(-1);
      right.push(-1);
      return tokens.length - 1;
    }
    const leftOps = rng.int(ops);
    const l = build(leftOps);
    const r = build(ops - 1 - leftOps);
    tokens.push(ARITHMETIC_OPERATORS[rng.int(3)]!);
    left.push(l);
    right.push(r);
    return tokens.length - 1;
  };
  build(minOps + rng.int(maxOps - minOps + 1));
  const tree: BinaryTree = { tokens, left: Int32Array.from(left), right: Int32Array.from(right) };
  return { label: String(arithmeticValueMod10(tree)), tree };
}

/**
 * The value of an expression tree mod 10, in [0, 10). Leaves must be digits and inner nodes + − *;
 * computed node by node mod 10 (exact: mod commutes with the three operators).
 */
export function arithmeticValueMod10(tree: BinaryTree): number {
  const value = new Int32Array(tree.tokens.length);
  for (let n = 0; n < value.length; n++) {
    const token = tree.tokens[n]!;
    const l = tree.left[n]!;
    if (l < 0) {
      if (!/^[0-9]$/.test(token))
        throw new RangeError(`arithmeticValueMod10: a leaf must be a digit 0–9, got ${JSON.stringify(token)}`);
      value[n] = Number(token);
      continue;
    }
    const a = value[l]!;
    const b = value[tree.right[n]!]!;
    if (token === '+') value[n] = (a + b) % 10;
    else if (token === '-') value[n] = (a - b + 10) % 10;
    else if (token === '*') value[n] = (a * b) % 10;
    else throw new RangeError(`arithmeticValueMod10: an operator must be one of + - *, got ${JSON.stringify(token)}`);
  }
  return value[value.length - 1]!;
}

export interface ArithmeticSplitOptions extends ArithmeticTreeOptions {
  readonly train: number;
  readonly heldOut: number;
  /** Trees with more operators than training ever saw, for a generalisation check (0: none). */
  readonly deep: number;
  /** Operator counts of the deep set (default maxOps + 1 … 2·maxOps). */
  readonly deepMinOps?: number;
  readonly deepMaxOps?: number;
}

export interface ArithmeticSplits {
  readonly train: LabelledTree[];
  /** Same size distribution as training, but no tree (as text) that training holds. */
  readonly heldOut: LabelledTree[];
  /** Larger trees than any in training (their sizes alone make them unseen). */
  readonly deep: LabelledTree[];
}

/**
 * Training, held-out and deep sets from one seed, each from its own forked stream. Held-out trees
 * are drawn from the training distribution and rejected when training holds the same text, so the
 * held-out set measures generalisation, not memory (it leans to larger trees: small ones are more
 * often taken).
 */
export function arithmeticSplits(rng: Prng, options: ArithmeticSplitOptions): ArithmeticSplits {
  const where = 'arithmeticSplits';
  validateOps(where, options);
  for (const key of ['train', 'heldOut', 'deep'] as const) {
    const n = options[key];
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`${where}: ${key} must be a non-negative integer, got ${n}`);
  }
  const trainRng = rng.fork();
  const heldOutRng = rng.fork();
  const deepRng = rng.fork();
  const train = Array.from({ length: options.train }, () => generateArithmeticTree(trainRng, options));
  const seen = new Set(train.map((t) => formatTree(t.tree)));
  const heldOut: LabelledTree[] = [];
  // Bounded: a distribution that training has exhausted fails instead of looping forever.
  for (let tries = 0; heldOut.length < options.heldOut; tries++) {
    if (tries >= 100 * options.heldOut + 1000)
      throw new RangeError(
        `${where}: heldOut must fit among the trees training has not taken, got ${options.heldOut} with only ${heldOut.length} found; raise maxOps or lower train`,
      );
    const t = generateArithmeticTree(heldOutRng, options);
    const text = formatTree(t.tree);
    if (seen.has(text)) continue;
    seen.add(text);
    heldOut.push(t);
  }
  const deepMinOps = options.deepMinOps ?? options.maxOps + 1;
  const deepMaxOps = options.deepMaxOps ?? 2 * options.maxOps;
  const deepOptions = validateOps(where, { minOps: deepMinOps, maxOps: deepMaxOps });
  const deep = Array.from({ length: options.deep }, () => generateArithmeticTree(deepRng, deepOptions));
  return { train, heldOut, deep };
}

function validateOps(where: string, options: ArithmeticTreeOptions): ArithmeticTreeOptions {
  const { minOps, maxOps } = options;
  if (!Number.isInteger(minOps) || minOps < 0)
    throw new RangeError(`${where}: minOps must be a non-negative integer, got ${minOps}`);
  if (!Number.isInteger(maxOps) || maxOps < minOps || maxOps > MAX_GENERATED_OPS)
    throw new RangeError(`${where}: maxOps must be an integer in [minOps, ${MAX_GENERATED_OPS}], got ${maxOps}`);
  return options;
}
