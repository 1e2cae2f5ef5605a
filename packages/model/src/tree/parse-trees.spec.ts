// The tree reader: round trips, binarization, and one-line errors that name line and column.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '@charrnn/tensor';
import { generateArithmeticTree } from './arithmetic-task.js';
import { TreeSyntaxError, parseTree, parseTreeFile, parseTreeLine } from './parse-trees.js';
import { formatTree, treeDepth, validateTree } from './tree.js';

describe('parseTree', () => {
  it('reads operators, leaves and nesting into children-first arrays', () => {
    const t = parseTree('(+ (* 3 4) 2)');
    expect(t.tokens).toEqual(['3', '4', '*', '2', '+']);
    expect(Array.from(t.left)).toEqual([-1, -1, 0, -1, 2]);
    expect(Array.from(t.right)).toEqual([-1, -1, 1, -1, 3]);
    expect(formatTree(t)).toBe('(+ (* 3 4) 2)');
    expect(treeDepth(t)).toBe(3);
    validateTree('test', t);
  });

  it('reads a lone atom as a one-node tree, and any spacing', () => {
    expect(parseTree('7').tokens).toEqual(['7']);
    expect(formatTree(parseTree('  (and\t(or p q)   r ) '))).toBe('(and (or p q) r)');
  });

  it('binarizes a node with k > 2 children to the left', () => {
    expect(formatTree(parseTree('(+ 1 2 3 4)'))).toBe('(+ (+ (+ 1 2) 3) 4)');
    validateTree('test', parseTree('(- (* 1 2 3) 4 5)'));
  });

  it('gives back what formatTree wrote, for generated trees (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 12 }), (seed, ops) => {
        const { tree } = generateArithmeticTree(new Prng(seed), { minOps: ops, maxOps: ops });
        const back = parseTree(formatTree(tree));
        expect(back.tokens).toEqual(tree.tokens);
        expect(Array.from(back.left)).toEqual(Array.from(tree.left));
        expect(Array.from(back.right)).toEqual(Array.from(tree.right));
      }),
    );
  });

  it.each([
    ['(+ 1 2))', 8, 'unbalanced ")": no node is open'],
    [')', 1, 'unbalanced ")": no node is open'],
    ['(+ (* 3 4) 2', 13, 'unbalanced "(": the node opened at column 1 is never closed'],
    ['(+ 1 (- 2 3)', 13, 'the node opened at column 1 is never closed'],
    ['()', 2, 'empty node "()"'],
    ['(+ 1)', 5, 'node (+ …) must have at least 2 children, got 1'],
    ['((+ 1 2) 3)', 2, 'a node must start with an operator atom, got "("'],
    ['(+ 1 2) 3', 9, 'unexpected text after the end of the tree'],
    ['   ', 1, 'no tree on this line'],
  ])('%j: column %i, %s', (text, column, reason) => {
    let error: unknown;
    try {
      parseTree(text, 4);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TreeSyntaxError);
    expect((error as TreeSyntaxError).line).toBe(4);
    expect((error as TreeSyntaxError).column).toBe(column);
    expect((error as Error).message).toContain(reason);
    expect((error as Error).message).toMatch(/^line 4, column \d+: /);
    expect((error as Error).message).not.toContain('\n');
  });

  it('bounds nodes and nesting by the limits, with an error at the place it was crossed', () => {
    expect(() => parseTree('(+ (+ (+ 1 2) 3) 4)', 1, 1, { maxNodes: 100, maxDepth: 2 })).toThrow(
      'line 1, column 7: tree is nested deeper than the limit of 2 levels',
    );
    expect(() => parseTree('(+ (+ 1 2) 3)', 1, 1, { maxNodes: 4, maxDepth: 100 })).toThrow(
      /more than the limit of 4 nodes/,
    );
  });

  it('parses a 100,000-deep tree, and refuses an unbalanced one, without stack overflow', () => {
    const depth = 100_000;
    const tree = parseTree(`${'(* 2 '.repeat(depth)}3${')'.repeat(depth)}`);
    expect(tree.tokens.length).toBe(2 * depth + 1);
    expect(treeDepth(tree)).toBe(depth + 1);
    expect(formatTree(tree).length).toBe(6 * depth + 1);
    expect(() => parseTree(`${'(* 2 '.repeat(depth)}3${')'.repeat(depth - 1)}`)).toThrow(
      `column ${6 * depth + 1}: unbalanced "(": the node opened at column 1 is never closed`,
    );
  });
});

describe('parseTreeFile', () => {
  it('reads label<TAB>tree lines, with or without a final newline, and CRLF', () => {
    const trees = parseTreeFile('4\t(+ (* 3 4) 2)\r\n7\t7\n');
    expect(trees.map((t) => t.label)).toEqual(['4', '7']);
    expect(formatTree(trees[0]!.tree)).toBe('(+ (* 3 4) 2)');
    expect(parseTreeFile('1\t(+ 0 1)')).toHaveLength(1);
  });

  it.each([
    ['4\t(+ 1 3)\n\n5\t5\n', 'line 2, column 1: empty line'],
    ['4 (+ 1 3)\n', 'line 1, column 1: no tab'],
    ['\t(+ 1 3)\n', 'line 1, column 1: the label must be one atom'],
    ['4\t(+ 1 3)\n2\t(+ 1 1))\n', 'line 2, column 10: unbalanced ")"'],
    ['', 'line 1, column 1: the file has no trees'],
  ])('%j → %s', (text, message) => {
    expect(() => parseTreeFile(text)).toThrow(message);
  });

  it('counts columns from the start of the line, label included', () => {
    expect(() => parseTreeLine('10\t(+ 1', 3)).toThrow('line 3, column 8: unbalanced "(": the node opened at column 4');
  });
});
