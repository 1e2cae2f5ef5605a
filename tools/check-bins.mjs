#!/usr/bin/env node
// Checks every command a workspace package declares in its package.json "bin", the way a new user
// meets them: right after one `npm ci` on a fresh clone (.ci/run calls this before anything else).
// For each bin: the target is a committed, executable launcher that loads ../dist/; the command
// resolves through `npx --no-install` (never the public registry) and answers --help and --version;
// and the launcher, copied where no dist/ exists, says in one line to run `npm run build`.

import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  copyFileSync,
  existsSync,
  mkdtempSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;
const problems = [];
let checked = 0;

/** Workspace folders: "packages/*" expands to its subfolders, a plain path is itself. */
function workspaceDirs() {
  return workspaces
    .flatMap((pattern) => {
      if (!pattern.endsWith('/*')) return [join(root, pattern)];
      const parent = join(root, pattern.slice(0, -2));
      return existsSync(parent) ? readdirSync(parent).map((name) => join(parent, name)) : [];
    })
    .filter((dir) => existsSync(join(dir, 'package.json')));
}

function run(command, args, options = {}) {
  return spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: 60_000, ...options });
}

const tracked = new Set(
  run('git', ['ls-files', '-s'])
    .stdout.split('\n')
    .filter(Boolean)
    .map((line) => {
      const [mode, , , path] = line.split(/\s+/);
      return `${mode} ${path}`;
    }),
);

for (const dir of workspaceDirs()) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const bins = typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {});
  for (const [name, target] of Object.entries(bins)) {
    checked += 1;
    const file = join(dir, target);
    const relative = file.slice(root.length + 1);
    const say = (what) => problems.push(`${name} (${relative}): ${what}`);
    if (!/^(\.\/)?bin\//.test(target)) say('the bin must point at a committed launcher in bin/, not at a built file');
    if (!existsSync(file)) {
      say('the launcher does not exist');
      continue;
    }
    try {
      accessSync(file, constants.X_OK);
    } catch {
      say('the launcher is not executable (chmod 755)');
    }
    if (tracked.size > 0 && !tracked.has(`100755 ${relative}`))
      say('the launcher is not committed with mode 755 (git add --chmod=+x)');
    const source = readFileSync(file, 'utf8');
    if (!source.startsWith('#!/usr/bin/env node\n') || !source.includes("'../dist/"))
      say('the launcher must start with #!/usr/bin/env node and load ../dist/');

    for (const flag of ['--help', '--version']) {
      const r = run('npx', ['--no-install', name, flag]);
      const firstLine = (r.stdout ?? '').split('\n')[0];
      const expected = flag === '--help' ? /^usage: / : new RegExp(`^${name} \\d+\\.\\d+\\.\\d+`);
      if (r.status !== 0 || !expected.test(firstLine))
        say(
          `npx --no-install ${name} ${flag} exited ${r.status} with "${firstLine}" ${(r.stderr ?? '').trim().split('\n')[0] ?? ''}`,
        );
    }

    // Without dist/: one line naming `npm run build`, exit 1.
    const scratch = mkdtempSync(join(tmpdir(), 'charrnn-bin-'));
    try {
      mkdirSync(join(scratch, 'bin'));
      copyFileSync(file, join(scratch, 'bin', basename(file)));
      const r = run(process.execPath, [join(scratch, 'bin', basename(file)), '--help']);
      const lines = r.stderr.trim().split('\n');
      if (
        r.status !== 1 ||
        lines.length !== 1 ||
        !lines[0].startsWith(`${name}: error: `) ||
        !lines[0].includes('npm run build')
      ) {
        say(
          `without dist/ the launcher should print one "${name}: error: … npm run build" line and exit 1, got exit ${r.status}: ${r.stderr.trim()}`,
        );
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}

if (checked === 0) problems.push('no bins found in any workspace package.json');
for (const problem of problems) console.error(`check-bins: error: ${problem}`);
console.log(`check-bins: ${checked} command(s), ${problems.length} problem(s)`);
process.exit(problems.length > 0 ? 1 : 0);
