#!/usr/bin/env node
// Builds the page into dist/: static files for any static host. esbuild bundles the page script
// (ES module) and the training worker (a classic script) for browsers from the workspace packages'
// TypeScript sources; the bundled sample text is baked into the page script (no request for it).

import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
const require = createRequire(import.meta.url);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const common = {
  bundle: true,
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16.4'],
  conditions: ['@charrnn/source'],
  minify: true,
  loader: { '.txt': 'text' },
  logLevel: 'warning',
  absWorkingDir: here,
};
// uPlot's header is not a legal comment to esbuild, so its MIT notice goes in as a banner.
const uplotVersion = require('uplot/package.json').version;
const banner = {
  js: `/*! uPlot ${uplotVersion} (c) 2025 Leon Sorokin, MIT licence, https://github.com/leeoniya/uPlot */`,
};
await build({ ...common, entryPoints: ['src/main.ts'], format: 'esm', outfile: join(out, 'main.js'), banner });
await build({ ...common, entryPoints: ['src/worker.ts'], format: 'iife', outfile: join(out, 'worker.js') });
// The space-restoration page (spaces.html): its own script, no worker.
await build({ ...common, entryPoints: ['src/spaces.ts'], format: 'esm', outfile: join(out, 'spaces.js') });
copyFileSync(join(here, 'src/spaces.html'), join(out, 'spaces.html'));

copyFileSync(join(here, 'src/index.html'), join(out, 'index.html'));
copyFileSync(join(here, 'src/styles.css'), join(out, 'styles.css'));
copyFileSync(join(dirname(require.resolve('uplot')), 'uPlot.min.css'), join(out, 'uPlot.min.css'));
