import { describe, expect, it } from 'vitest';
import { Prng } from '@charrnn/tensor';
import { arithmeticSplits, arithmeticValueMod10, generateArithmeticTree } from './arithmetic-task.js';
import { parseTree } from './parse-trees.js';
import { formatTree, validateTree } from './tree.js';

/** An independent evaluator: the s-expression's own text read by recursive descent, in BigInt, then mod 10. */
function evaluateText(text: string): number {
  const words = text.replace(/\(/g, ' ( ').replace(/\)/g, ' ) ').trim().split(/\s+/);
  let at = 0;
  const read = (): bigint => {
    const word = words[at++]!;
    if (word !== '(') return BigInt(word);
    const op = words[at++]!;
    const a = read();
    const b = read();
    at++; // ")"
    return op === '+' ? a + b : op === '-' ? a - b : a * b;
  };
  return Number(((read() % 10n) + 10n) % 10n);
}

describe('arithmetic task', () => {
  it('labels (+ (* 3 4) 2) with 4 and (- 1 (* 3 3)) with 2', () => {
    expect(arithmeticValueMod10(parseTree('(+ (* 3 4) 2)'))).toBe(4);
    expect(arithmeticValueMod10(parseTree('(- 1 (* 3 3))'))).toBe(2);
  });

  it('labels generated trees with their exact value mod 10 (big-integer evaluation)', () => {
    const rng = new Prng(11);
    for (let i = 0; i < 300; i++) {
      const t = generateArithmeticTree(rng, { minOps: 0, maxOps: 9 });
      validateTree('generated', t.tree);
      expect(Number(t.label)).toBe(evaluateText(formatTree(t.tree)));
    }
  });

  it('draws operator counts in [minOps, maxOps], all three operators and all ten digits', () => {
    const rng = new Prng(2);
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const { tree } = generateArithmeticTree(rng, { minOps: 2, maxOps: 5 });
      const ops = tree.tokens.filter((t) => '+-*'.includes(t)).length;
      expect(ops).toBeGreaterThanOrEqual(2);
      expect(ops).toBeLessThanOrEqual(5);
      for (const t of tree.tokens) seen.add(t);
    }
    expect([...seen].sort()).toEqual(['*', '+', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('splits: same seed same sets; held-out trees never in training; deep trees larger than any training tree', () => {
    const options = { train: 2000, heldOut: 300, deep: 100, minOps: 1, maxOps: 3 };
    const a = arithmeticSplits(new Prng(5), options);
    const b = arithmeticSplits(new Prng(5), options);
    expect(a.train.map((t) => formatTree(t.tree))).toEqual(b.train.map((t) => formatTree(t.tree)));
    const train = new Set(a.train.map((t) => formatTree(t.tree)));
    const held = a.heldOut.map((t) => formatTree(t.tree));
    expect(held).toHaveLength(300);
    expect(held.filter((t) => train.has(t))).toEqual([]);
    expect(new Set(held).size).toBe(300);
    for (const t of a.deep) expect(t.tree.tokens.filter((x) => '+-*'.includes(x)).length).toBeGreaterThan(3);
  });

  it('refuses a held-out set training has exhausted, and bad options', () => {
    // one operator: only 10·10·3 = 300 trees exist
    expect(() => arithmeticSplits(new Prng(1), { train: 5000, heldOut: 50, deep: 0, minOps: 1, maxOps: 1 })).toThrow(
      /heldOut must fit among the trees training has not taken/,
    );
    expect(() => generateArithmeticTree(new Prng(1), { minOps: 3, maxOps: 2 })).toThrow(
      /maxOps must be an integer in \[minOps, 1000\], got 2/,
    );
    expect(() => arithmeticValueMod10(parseTree('(/ 1 2)'))).toThrow(/one of \+ - \*, got "\/"/);
  });
});
