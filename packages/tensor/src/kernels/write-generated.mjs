// Writes the files generated from kernel-table.ts: `npm run generate -w @charrnn/tensor`.
// A dev tool (file system, esbuild); generated-files.spec.ts fails when a committed file differs
// from what the table renders, so the table and the code cannot drift apart.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** Bundles a TypeScript module and imports it (Node 20 cannot import .ts itself). */
async function importTs(path) {
  const result = await build({ entryPoints: [path], bundle: true, format: 'esm', platform: 'neutral', write: false });
  const code = result.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

const targets = [
  [join(here, 'kernel-codegen.ts'), 'renderKernelMethods', join(here, 'kernels.generated.ts')],
  [join(here, 'wasm', 'wasm-codegen.ts'), 'renderWasmBindings', join(here, 'wasm', 'wasm-bindings.generated.ts')],
];
for (const [module, render, out] of targets) {
  const text = (await importTs(module))[render]();
  writeFileSync(out, text);
  console.log(`${out}: ${text.split('\n').length} lines`);
}
