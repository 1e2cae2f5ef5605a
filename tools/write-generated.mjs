#!/usr/bin/env node
// Writes a file rendered by a TypeScript module: `node tools/write-generated.mjs <module.ts> <export> <out.ts>`
// runs the module's `<export>()` (a function returning the file's text) and writes the text to out.ts.
// For the files generated from the kernel table (`npm run generate -w @charrnn/tensor` and
// `-w @charrnn/kernels-wasm`); each package has a spec that fails when a committed file differs from
// what its renderer returns, so the table and the code cannot drift apart. Node 20 cannot import
// .ts, so the module is bundled with esbuild first (workspace packages from their sources).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const [module, exportName, out] = process.argv.slice(2);
if (!module || !exportName || !out) {
  console.error('write-generated: error: give a module, the name of its render function and an output file');
  process.exit(2);
}
const result = await build({
  entryPoints: [resolve(module)],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  conditions: ['@charrnn/source'],
  write: false,
  logLevel: 'warning',
});
const rendered = await import(
  `data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`
);
if (typeof rendered[exportName] !== 'function') {
  console.error(
    `write-generated: error: ${module} must export a function ${exportName}, got ${typeof rendered[exportName]}`,
  );
  process.exit(2);
}
const text = rendered[exportName]();
writeFileSync(resolve(out), text);
console.log(`${out}: ${text.split('\n').length} lines`);
