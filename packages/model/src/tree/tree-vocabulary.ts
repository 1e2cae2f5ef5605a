// Token and label tables of a tree model: strings ↔ ids. The model sees ids only; a checkpoint
// stores both tables, so trees read later map to the ids the model was trained with.

import type { EncodedTree } from './tree-model.js';
import type { LabelledTree } from './tree.js';

export class TreeVocabulary {
  private readonly tokenIds: Map<string, number>;
  private readonly labelIds: Map<string, number>;

  constructor(
    readonly tokens: readonly string[],
    readonly labels: readonly string[],
  ) {
    this.tokenIds = indexOf('TreeVocabulary', 'tokens', tokens);
    this.labelIds = indexOf('TreeVocabulary', 'labels', labels);
  }

  /** Every token and label of the trees, each table sorted (code-unit order), so the same trees give the same ids. */
  static fromTrees(trees: readonly LabelledTree[]): TreeVocabulary {
    const tokens = new Set<string>();
    const labels = new Set<string>();
    for (const t of trees) {
      labels.add(t.label);
      for (const token of t.tree.tokens) tokens.add(token);
    }
    return new TreeVocabulary([...tokens].sort(), [...labels].sort());
  }

  tokenId(token: string): number {
    return this.tokenIds.get(token) ?? -1;
  }

  labelId(label: string): number {
    return this.labelIds.get(label) ?? -1;
  }

  /** Tokens of the tree missing from the table (at most `limit`, in order of first use). */
  unknownTokens(tree: LabelledTree, limit = 5): string[] {
    const out = new Set<string>();
    for (const token of tree.tree.tokens) {
      if (!this.tokenIds.has(token)) out.add(token);
      if (out.size >= limit) break;
    }
    return [...out];
  }

  /** The tree in ids; an unknown token is an error, an unknown label becomes −1 unless `requireLabel`. */
  encode(tree: LabelledTree, requireLabel = true): EncodedTree {
    const tokens = Int32Array.from(tree.tree.tokens, (token) => {
      const id = this.tokenIds.get(token);
      if (id === undefined)
        throw new RangeError(
          `TreeVocabulary.encode: tokens must be in the model's vocabulary, got ${JSON.stringify(token)}`,
        );
      return id;
    });
    const label = this.labelId(tree.label);
    if (label < 0 && requireLabel)
      throw new RangeError(
        `TreeVocabulary.encode: the label must be one of ${this.labels.map((l) => JSON.stringify(l)).join(', ')}, got ${JSON.stringify(tree.label)}`,
      );
    return { tokens, left: tree.tree.left, right: tree.tree.right, label };
  }

  toJSON(): { tokens: string[]; labels: string[] } {
    return { tokens: [...this.tokens], labels: [...this.labels] };
  }
}

function indexOf(where: string, what: string, items: readonly string[]): Map<string, number> {
  if (!Array.isArray(items) || items.length === 0 || items.some((s) => typeof s !== 'string' || s === ''))
    throw new RangeError(
      `${where}: ${what} must be a non-empty array of non-empty strings, got ${JSON.stringify(items)?.slice(0, 80)}`,
    );
  const map = new Map<string, number>();
  items.forEach((item, i) => {
    if (map.has(item)) throw new RangeError(`${where}: ${what} must be distinct, got ${JSON.stringify(item)} twice`);
    map.set(item, i);
  });
  return map;
}
