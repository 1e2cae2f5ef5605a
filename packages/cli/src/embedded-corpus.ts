// The corpus `charrnn-train` uses when no --data is given: the project's own Markdown and
// TypeScript sources, concatenated in path order, so training works on a fresh clone with
// nothing downloaded. Run from source (tests), it reads the files; in a built app the bundler
// (tools/build-app.mjs) replaces this module with the text itself, so the app needs no sources.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which files make up the corpus, relative to the workspace root (shared with the build script). */
export function isCorpusFile(relativePath: string): boolean {
  if (!/\.(md|ts)$/.test(relativePath)) return false;
  if (/(^|\/)(node_modules|dist|fixtures|generated)\//.test(relativePath)) return false;
  return !/\.spec\.ts$/.test(relativePath) && !relativePath.startsWith('tools/briefs/');
}

export function collectCorpus(root: string): string {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || name === 'node_modules' || name === 'dist') continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (isCorpusFile(relative(root, path))) files.push(path);
    }
  };
  for (const top of ['README.md', 'packages', 'apps', 'examples']) {
    const path = join(root, top);
    if (!existsSync(path)) continue;
    if (statSync(path).isDirectory()) walk(path);
    else files.push(path);
  }
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
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
  return collectCorpus(workspaceRoot());
}
