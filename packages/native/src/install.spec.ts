// The native gemm is optional for real: a broken C++ compiler (CXX=false) never fails an install.
// Two places could fail one: npm's implicit `node-gyp rebuild` for a package with a binding.gyp
// (turned off by "gypfile": false), and the root prepare step's tools/build-native.mjs (which must
// exit 0 with one notice line). Both run on copies in a temporary folder, so the real addon stays.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(pkg, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'charrnn-native-install-'));
const brokenCompiler = {
  ...process.env,
  CXX: 'false',
  CC: 'false',
  CHARRNN_SKIP_NATIVE: '',
  npm_config_loglevel: 'error',
};

/** packages/native's install inputs (no build/, no node_modules) at `dir`. */
function copyPackage(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const file of ['package.json', 'binding.gyp', 'src'])
    cpSync(join(pkg, file), join(dir, file), { recursive: true });
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('installing with a broken C++ compiler (CXX=false)', () => {
  it('npm install of the package runs no node-gyp ("gypfile": false) and succeeds', () => {
    const dir = join(scratch, 'npm-install');
    copyPackage(dir);
    const r = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--foreground-scripts'], {
      cwd: dir,
      env: brokenCompiler,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(existsSync(join(dir, 'build'))).toBe(false);
  });

  it('tools/build-native.mjs exits 0 and prints one line saying the gemm was not built and why', () => {
    const dir = join(scratch, 'prepare');
    mkdirSync(join(dir, 'tools'), { recursive: true });
    cpSync(join(root, 'tools/build-native.mjs'), join(dir, 'tools/build-native.mjs'));
    copyPackage(join(dir, 'packages/native'));
    const r = spawnSync(process.execPath, [join(dir, 'tools/build-native.mjs')], {
      cwd: dir,
      env: brokenCompiler,
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^notice: native gemm not built \(.+\); the WebAssembly kernels will be used$/);
    expect(existsSync(join(dir, 'packages/native/build/Release/charrnn_native.node'))).toBe(false);
  });
});
