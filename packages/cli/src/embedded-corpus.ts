// The text `charrnn-train` and `charrnn-sweep` use when no --data is given: a public-domain book that
// ships in the repository (data/devils-dictionary.txt; provenance in data/README.md), so training on a
// fresh clone needs nothing downloaded and prints English, not code. Run from source (tests), it reads
// the file; in a built app the bundler (tools/build-app.mjs) replaces this module with the text itself,
// so the app needs no checkout.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundled text, relative to the workspace root (shared with the build script). */
export const EMBEDDED_CORPUS_PATH = 'data/devils-dictionary.txt';

/** How messages name it: "data ‹this›", "trains on ‹this›". */
export const EMBEDDED_CORPUS_LABEL = "the bundled text (The Devil's Dictionary, data/devils-dictionary.txt)";

export function readEmbeddedCorpus(root: string): string {
  return readFileSync(join(root, EMBEDDED_CORPUS_PATH), 'utf8');
}

function workspaceRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('embedded corpus: cannot find the workspace root (nx.json)');
    dir = parent;
  }
  return dir;
}

export function loadEmbeddedCorpus(): string {
  return readEmbeddedCorpus(workspaceRoot());
}
