#!/usr/bin/env node
// Bundles an app's entry points into single runnable ESM files with esbuild.
// Usage (from the app's folder): node ../../tools/build-app.mjs src/a.ts src/b.ts
// Workspace packages are bundled from their TypeScript sources (the "@charrnn/source" condition),
// and the bundled training text (data/devils-dictionary.txt) is baked in as a string, so dist/ runs on
// its own, outside the checkout.

import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entryPoints = process.argv.slice(2);
if (entryPoints.length === 0) {
  console.error('build-app: error: give at least one entry point, e.g. src/main.ts');
  process.exit(2);
}

/** Compiles the TypeScript corpus module on the fly, so the build uses its very path and label. */
async function loadCorpusModule(path) {
  const result = await build({
    entryPoints: [path],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

const embeddedCorpus = {
  name: 'embedded-corpus',
  setup(b) {
    const target = join(root, 'packages/cli/src/embedded-corpus.ts');
    b.onLoad({ filter: /embedded-corpus\.ts$/ }, async (args) => {
      if (resolve(args.path) !== target) return undefined;
      const corpus = await loadCorpusModule(target);
      const text = corpus.readEmbeddedCorpus(root);
      return {
        loader: 'ts',
        contents: [
          `export const EMBEDDED_CORPUS_PATH = ${JSON.stringify(corpus.EMBEDDED_CORPUS_PATH)};`,
          `export const EMBEDDED_CORPUS_LABEL = ${JSON.stringify(corpus.EMBEDDED_CORPUS_LABEL)};`,
          'export function readEmbeddedCorpus(): string { return CORPUS; }',
          'export function loadEmbeddedCorpus(): string { return CORPUS; }',
          `const CORPUS = ${JSON.stringify(text)};`,
        ].join('\n'),
        watchFiles: [join(root, corpus.EMBEDDED_CORPUS_PATH)],
      };
    });
  },
};

await build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@charrnn/source'],
  logLevel: 'warning',
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  plugins: [embeddedCorpus],
  // --version prints the app's own package.json version (see packages/cli/src/version.ts).
  define: { __CHARRNN_VERSION__: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
});

// esbuild writes no execute bit; the bundles are commands (bin entries), so set it.
for (const entry of entryPoints) chmodSync(join('dist', basename(entry).replace(/\.ts$/, '.js')), 0o755);
