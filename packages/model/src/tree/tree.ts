// Binary trees as flat arrays in children-first order (post-order, or any order where every node
// comes after its two children) with the root last. That is the order the recursive models need (a
// node's inputs exist before it), and it makes every walk a plain loop — no recursion, so a
// 100,000-deep tree cannot overflow a stack.

/** A binary tree: N nodes, children first, each a token (a leaf's atom or an inner node's operator). */
export interface BinaryTree {
  readonly tokens: readonly string[]; // [N]
  /** Index of the left child, −1 at a leaf. */
  readonly left: Int32Array; // [N]
  /** Index of the right child, −1 at a leaf. */
  readonly right: Int32Array; // [N]
}

/** One line of a tree file: a label and its tree. */
export interface LabelledTree {
  readonly label: string;
  readonly tree: BinaryTree;
}

/** The node count of a tree. */
export function treeSize(tree: BinaryTree): number {
  return tree.tokens.length;
}

/** Levels from the root to the deepest leaf (a lone leaf has depth 1). */
export function treeDepth(tree: BinaryTree): number {
  const height = new Int32Array(tree.tokens.length);
  let max = 0;
  for (let n = 0; n < height.length; n++) {
    const l = tree.left[n]!;
    height[n] = l < 0 ? 1 : 1 + Math.max(height[l]!, height[tree.right[n]!]!);
    if (height[n]! > max) max = height[n]!;
  }
  return max;
}

/**
 * The tree as an s-expression, `(+ (* 3 4) 2)`; a lone leaf is its atom. Iterative: each node's
 * text is built from its children's, which come before it.
 */
export function formatTree(tree: BinaryTree): string {
  const text: string[] = new Array(tree.tokens.length);
  for (let n = 0; n < text.length; n++) {
    const l = tree.left[n]!;
    text[n] = l < 0 ? tree.tokens[n]! : `(${tree.tokens[n]} ${text[l]} ${text[tree.right[n]!]})`;
    // Children's strings are no longer needed: free them so a deep tree holds O(N) text, not O(N²).
    if (l >= 0) {
      text[l] = '';
      text[tree.right[n]!] = '';
    }
  }
  return text[text.length - 1] ?? '';
}

/** Checks the children-first invariant: children before parents, each node the child of exactly one parent but the root. */
export function validateTree(where: string, tree: BinaryTree): void {
  const N = tree.tokens.length;
  if (N === 0) throw new RangeError(`${where}: a tree must have at least one node, got 0`);
  if (tree.left.length !== N || tree.right.length !== N)
    throw new RangeError(
      `${where}: left and right must have one entry per token (${N}), got ${tree.left.length} and ${tree.right.length}`,
    );
  const parents = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    const l = tree.left[n]!;
    const r = tree.right[n]!;
    if (l < 0 !== r < 0)
      throw new RangeError(`${where}: node ${n} must have two children or none, got left ${l} and right ${r}`);
    if (l < 0) continue;
    if (l >= n || r >= n || l === r)
      throw new RangeError(`${where}: node ${n}'s children must be distinct earlier nodes, got ${l} and ${r}`);
    parents[l]!++;
    parents[r]!++;
  }
  for (let n = 0; n < N - 1; n++)
    if (parents[n] !== 1) throw new RangeError(`${where}: node ${n} must have exactly one parent, got ${parents[n]}`);
  if (parents[N - 1] !== 0) throw new RangeError(`${where}: the last node must be the root, got a child`);
}
