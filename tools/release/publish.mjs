#!/usr/bin/env node
// The nx-release-publish target of every released package (nx.json targetDefaults): `npm publish`
// of the project folder, public, with --dry-run when `nx release publish --dry-run` asks for it.
// Nx passes its options as flags (--dryRun, --registry=…, --tag=…, --otp=…); npm gets its own names.

import { spawnSync } from 'node:child_process';

const [projectRoot, ...rest] = process.argv.slice(2);
if (!projectRoot) {
  console.error('publish: error: give the project folder, e.g. packages/tensor');
  process.exit(2);
}
const flag = (name) => rest.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const value = (name) => flag(name)?.split('=').slice(1).join('=') || undefined;
const dryRun = flag('dryRun') !== undefined && value('dryRun') !== 'false';
const args = ['publish', '--access', 'public'];
if (dryRun) args.push('--dry-run');
for (const name of ['registry', 'tag', 'otp']) if (value(name)) args.push(`--${name}`, value(name));
const r = spawnSync('npm', args, { cwd: projectRoot, stdio: 'inherit' });
process.exit(r.status ?? 1);
