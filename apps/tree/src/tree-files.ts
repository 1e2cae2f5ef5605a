// Tree files as the commands read them: label<TAB>tree lines, parsed with the model package's
// reader; a syntax error becomes one usage line naming the file, line and column.

import { readText, UsageError } from '@charrnn/cli';
import {
  TreeSyntaxError,
  parseTreeFile,
  type EncodedTree,
  type LabelledTree,
  type TreeVocabulary,
} from '@charrnn/model';

export function readTreeFile(path: string, what: string): LabelledTree[] {
  const text = readText(path, what);
  try {
    return parseTreeFile(text);
  } catch (error) {
    if (!(error instanceof TreeSyntaxError)) throw error;
    throw new UsageError(
      `${what} ${path}:${error.line}:${error.column}: ${error.reason}`,
      'each line is label<TAB>tree, e.g. "4<TAB>(+ (* 3 4) 2)"; a node is (operator left right)',
    );
  }
}

/**
 * The trees in the model's ids. An unknown token is an error naming the line; so is an unknown
 * label unless `allowUnknownLabels` (prediction, where labels may be placeholders).
 */
export function encodeTrees(
  trees: readonly LabelledTree[],
  vocab: TreeVocabulary,
  path: string,
  what: string,
  allowUnknownLabels = false,
): EncodedTree[] {
  return trees.map((tree, i) => {
    const unknown = vocab.unknownTokens(tree);
    if (unknown.length > 0)
      throw new UsageError(
        `${what} ${path}:${i + 1}: token ${unknown.map((t) => JSON.stringify(t)).join(', ')} is not in the model's vocabulary`,
        `the model knows: ${vocab.tokens.join(' ')}`,
      );
    if (!allowUnknownLabels && vocab.labelId(tree.label) < 0)
      throw new UsageError(
        `${what} ${path}:${i + 1}: label ${JSON.stringify(tree.label)} is not one of the model's labels`,
        `the model's labels: ${vocab.labels.join(' ')}`,
      );
    return vocab.encode(tree, !allowUnknownLabels);
  });
}
