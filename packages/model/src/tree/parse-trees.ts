// Reading bracketed trees: `(+ (* 3 4) 2)`-style s-expressions, one per line as `label<TAB>tree`.
// The parser is a loop over characters with an explicit stack of open nodes, so input depth is
// bounded by a limit, never by the JavaScript stack. Every error names its line and column.
//
// Grammar: tree = atom | "(" atom tree tree+ ")". An atom is a run of characters other than
// whitespace and parentheses. The first atom of a node is its operator (the node's token); a node
// with k > 2 children is binarized to the left: (+ a b c) reads as (+ (+ a b) c), which for the
// left-associative + - * keeps the value.

import type { BinaryTree, LabelledTree } from './tree.js';

/** Bounds on one tree, so hostile input costs bounded memory and time. */
export interface TreeLimits {
  /** Most nodes a tree may have after binarization. */
  readonly maxNodes: number;
  /** Most nested open parentheses. */
  readonly maxDepth: number;
}

export const DEFAULT_TREE_LIMITS: TreeLimits = { maxNodes: 1 << 20, maxDepth: 1 << 20 };

/** A malformed tree file: where (1-based line and column) and what is wrong. */
export class TreeSyntaxError extends RangeError {
  override readonly name = 'TreeSyntaxError';
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}

interface OpenNode {
  /** Column of its "(" (1-based). */
  readonly column: number;
  head: string | null;
  /** Indices of the finished children, in order. */
  readonly children: number[];
}

/**
 * Parses one tree. `line` and `firstColumn` (the column of text[0]) place errors in the file.
 */
export function parseTree(
  text: string,
  line = 1,
  firstColumn = 1,
  limits: TreeLimits = DEFAULT_TREE_LIMITS,
): BinaryTree {
  const tokens: string[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const stack: OpenNode[] = [];
  let root = -1;
  const fail = (i: number, reason: string): never => {
    throw new TreeSyntaxError(line, firstColumn + i, reason);
  };
  const addNode = (i: number, token: string, l: number, r: number): number => {
    if (tokens.length >= limits.maxNodes) fail(i, `tree has more than the limit of ${limits.maxNodes} nodes`);
    tokens.push(token);
    left.push(l);
    right.push(r);
    return tokens.length - 1;
  };
  /** A finished subtree goes to the open node, or becomes the root. */
  const place = (node: number): void => {
    const open = stack[stack.length - 1];
    if (open) open.children.push(node);
    else root = node;
  };

  let i = 0;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (isSpace(ch)) {
      i++;
      continue;
    }
    if (root >= 0 && ch === CLOSE) fail(i, 'unbalanced ")": no node is open');
    if (root >= 0) fail(i, 'unexpected text after the end of the tree (one tree per line)');
    if (ch === OPEN) {
      const open = stack[stack.length - 1];
      if (open && open.head === null) fail(i, 'a node must start with an operator atom, got "("');
      if (stack.length >= limits.maxDepth) fail(i, `tree is nested deeper than the limit of ${limits.maxDepth} levels`);
      stack.push({ column: firstColumn + i, head: null, children: [] });
      i++;
    } else if (ch === CLOSE) {
      const open = stack.pop();
      if (!open) fail(i, 'unbalanced ")": no node is open');
      if (open!.head === null) fail(i, 'empty node "()"; a node is (operator left right)');
      const kids = open!.children;
      if (kids.length < 2) fail(i, `node (${open!.head} …) must have at least 2 children, got ${kids.length}`);
      // Binarize to the left: (op a b c) → (op (op a b) c).
      let node = addNode(i, open!.head!, kids[0]!, kids[1]!);
      for (let k = 2; k < kids.length; k++) node = addNode(i, open!.head!, node, kids[k]!);
      place(node);
      i++;
    } else {
      const start = i;
      while (i < text.length && !isSpace(text.charCodeAt(i)) && !isParen(text.charCodeAt(i))) i++;
      const atom = text.slice(start, i);
      const open = stack[stack.length - 1];
      if (open && open.head === null) open.head = atom;
      else place(addNode(start, atom, -1, -1));
    }
  }
  if (stack.length > 0)
    fail(text.length, `unbalanced "(": the node opened at column ${stack[stack.length - 1]!.column} is never closed`);
  if (root < 0) fail(0, 'no tree on this line');
  return { tokens, left: Int32Array.from(left), right: Int32Array.from(right) };
}

/**
 * Parses a tree file: one `label<TAB>tree` per line (a final newline is optional; "\r\n" is accepted).
 * Empty lines are errors, so a file cut or joined by mistake is noticed rather than read short.
 */
export function parseTreeFile(text: string, limits: TreeLimits = DEFAULT_TREE_LIMITS): LabelledTree[] {
  const out: LabelledTree[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new TreeSyntaxError(1, 1, 'the file has no trees; each line is label<TAB>tree');
  lines.forEach((raw, index) =>
    out.push(parseTreeLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw, index + 1, limits)),
  );
  return out;
}

/** One `label<TAB>tree` line; `line` is its 1-based number, for errors. */
export function parseTreeLine(text: string, line: number, limits: TreeLimits = DEFAULT_TREE_LIMITS): LabelledTree {
  if (text.trim() === '') throw new TreeSyntaxError(line, 1, 'empty line; every line must be label<TAB>tree');
  const tab = text.indexOf('\t');
  if (tab < 0) throw new TreeSyntaxError(line, 1, 'no tab; every line must be label<TAB>tree');
  const label = text.slice(0, tab);
  if (label === '' || /[\s()]/.test(label))
    throw new TreeSyntaxError(
      line,
      1,
      `the label must be one atom (no spaces or parentheses), got ${JSON.stringify(label)}`,
    );
  return { label, tree: parseTree(text.slice(tab + 1), line, tab + 2, limits) };
}

/** The line format parseTreeLine reads. */
export function formatTreeLine(label: string, treeText: string): string {
  return `${label}\t${treeText}`;
}

const OPEN = 40; // (
const CLOSE = 41; // )

function isParen(ch: number): boolean {
  return ch === OPEN || ch === CLOSE;
}

function isSpace(ch: number): boolean {
  return ch === 32 || ch === 9 || ch === 13 || ch === 10 || ch === 12 || ch === 11;
}
