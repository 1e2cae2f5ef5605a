#!/usr/bin/env node
// Checks that the released packages (nx.json release.projects) work outside this workspace, as a
// user of the registry would get them: `npm pack` each one, check what the tarball holds, install
// the tarballs into a scratch project in the system temp folder (its own package.json and strict
// tsconfig, TypeScript and @types/node from the npm cache), typecheck and compile
// examples/use-the-packages/main.ts there, and run it: it trains a tiny model, saves a checkpoint,
// loads it and samples. Needs built packages (npm ci / npm run build). Run by .ci/run.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = join(root, 'examples/use-the-packages/main.ts');
const released = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8')).release.projects;
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const problems = [];
// docs/packages.md ("Use the packages in your own code") shows this very program.
if (!readFileSync(join(root, 'docs/packages.md'), 'utf8').includes(readFileSync(EXAMPLE, 'utf8')))
  problems.push('docs/packages.md does not show examples/use-the-packages/main.ts verbatim');

function run(command, args, cwd) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    console.error(
      `check-packages: error: ${command} ${args.join(' ')} (in ${cwd}) exited ${r.status}\n${r.stdout}\n${r.stderr}`,
    );
    process.exit(1);
  }
  return r.stdout;
}

/** Package folders by package name (packages/*). */
const dirs = new Map(
  readdirSync(join(root, 'packages'))
    .map((name) => join(root, 'packages', name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => [JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name, dir]),
);

const scratch = mkdtempSync(join(tmpdir(), 'charrnn-packages-'));
const tarballs = join(scratch, 'tarballs');
mkdirSync(tarballs);
const license = readFileSync(join(root, 'LICENSE'), 'utf8');
const dependencies = {};
try {
  for (const name of released) {
    const dir = dirs.get(name);
    if (!dir) {
      problems.push(`${name}: no folder under packages/`);
      continue;
    }
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const say = (what) => problems.push(`${name}: ${what}`);
    if (pkg.private) say('is private');
    for (const field of ['version', 'license', 'repository', 'files', 'engines'])
      if (!pkg[field]) say(`package.json has no "${field}"`);
    if (pkg.sideEffects !== false) say('package.json should say "sideEffects": false');
    if (pkg.exports?.['.']?.types !== './dist/index.d.ts') say('exports["."].types must be ./dist/index.d.ts');
    if (!existsSync(join(dir, 'dist/index.d.ts'))) {
      say('dist/index.d.ts is missing: run `npm run build` first');
      continue;
    }
    if (readFileSync(join(dir, 'LICENSE'), 'utf8') !== license) say('LICENSE differs from the root LICENSE');

    const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tarballs], dir));
    const files = packed.files.map((f) => f.path);
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'])
      if (!files.includes(needed)) say(`the tarball lacks ${needed}`);
    for (const file of files) {
      if (/\.spec\.|(^|\/)fixtures\/|^src\/|test-results|tsconfig|vitest/.test(file))
        say(`the tarball holds ${file}, which users do not need`);
    }
    dependencies[name] = `file:${join(tarballs, packed.filename)}`;
  }
  if (problems.length > 0) throw new Error('packing failed');

  // The scratch project: a user's own package.json and a strict tsconfig, outside the workspace.
  const app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify(
      {
        name: 'charrnn-packages-user',
        private: true,
        type: 'module',
        dependencies,
        devDependencies: {
          typescript: rootPkg.devDependencies.typescript,
          '@types/node': rootPkg.devDependencies['@types/node'],
        },
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          types: ['node'],
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          verbatimModuleSyntax: true,
          skipLibCheck: false,
          outDir: 'out',
        },
        include: ['main.ts'],
      },
      null,
      2,
    )}\n`,
  );
  cpSync(EXAMPLE, join(app, 'main.ts'));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], app);
  run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], app);
  const output = run(process.execPath, ['out/main.js'], app);
  process.stdout.write(output.replace(/^/gm, '  | '));
  if (
    !/saved tiny\.safetensors/.test(output) ||
    !/^sample: One./m.test(output) ||
    !existsSync(join(app, 'tiny.safetensors'))
  ) {
    problems.push('the example did not train, save, load and sample');
  }
} catch (error) {
  if (problems.length === 0) problems.push(error.message);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

for (const problem of problems) console.error(`check-packages: error: ${problem}`);
console.log(
  `check-packages: ${released.length} package(s) packed, installed in a scratch project, typechecked and run; ${problems.length} problem(s)`,
);
process.exit(problems.length > 0 ? 1 : 0);
