#!/usr/bin/env node
// Builds the optional native gemm (packages/native → build/Release/charrnn_native.node) from the
// root prepare step. Offline-safe: uses npm's bundled node-gyp (or one already installed) and this
// Node's own headers, never downloads; runs under a timeout; on ANY failure it prints one notice
// line and exits 0, and the kernels fall back to WebAssembly. CHARRNN_SKIP_NATIVE=1 skips it.
// It always prints exactly one line: "native gemm built (…)" or "notice: native gemm not built (why)".
// (npm itself compiles nothing: packages/native/package.json says "gypfile": false, so the
// binding.gyp there does not trigger npm's implicit `node-gyp rebuild`, which would fail the install.)

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'packages/native');
const addon = join(pkg, 'build/Release/charrnn_native.node');
const sources = ['binding.gyp', 'src/gemm.cc', 'src/gemm-body.h'].map((f) => join(pkg, f));
const TIMEOUT_MS = 120_000;

function skip(why) {
  console.log(`notice: native gemm not built (${why}); the WebAssembly kernels will be used`);
  process.exit(0);
}

function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  ];
  try {
    candidates.push(createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not a devDependency
  }
  return candidates.find((p) => p && existsSync(p));
}

/** A folder with include/node/{node_api.h,common.gypi}: node-gyp then needs no download. */
function findNodeDir() {
  const candidates = [process.env.npm_config_nodedir, resolve(dirname(process.execPath), '..')];
  return candidates.find(
    (d) => d && existsSync(join(d, 'include/node/node_api.h')) && existsSync(join(d, 'include/node/common.gypi')),
  );
}

/** Loads the addon in a child process, so a binary that crashes here is deleted rather than used. */
function probe() {
  const r = spawnSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(addon)}).isa)`], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return r.status === 0 ? r.stdout : undefined;
}

try {
  if (process.env.CHARRNN_SKIP_NATIVE === '1') skip('CHARRNN_SKIP_NATIVE=1');
  if (existsSync(addon)) {
    const built = statSync(addon).mtimeMs;
    const newest = Math.max(
      ...sources.map((f) => statSync(f).mtimeMs),
      statSync(fileURLToPath(import.meta.url)).mtimeMs,
    );
    const isa = built > newest ? probe() : undefined;
    if (isa !== undefined) {
      console.log(`native gemm built (${isa}; up to date)`);
      process.exit(0);
    }
  }
  const gyp = findNodeGyp();
  if (!gyp) skip("npm's node-gyp was not found");
  const nodedir = findNodeDir();
  if (!nodedir) skip("this Node's headers (include/node) were not found; node-gyp would download them");
  const log = [];
  const code = await new Promise((done) => {
    const child = spawn(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--loglevel=error'], {
      cwd: pkg,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_nodedir: nodedir },
    });
    const keep = (chunk) => {
      log.push(String(chunk));
      if (log.length > 200) log.shift();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      log.push(`timed out after ${TIMEOUT_MS / 1000} s`);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      log.push(error.message);
      done(-1);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      done(status ?? -1);
    });
  });
  if (code !== 0 || !existsSync(addon)) {
    const lines = log.join('').trim().split('\n');
    const last =
      lines.find((l) => /\berror:|timed out/i.test(l)) ??
      lines.filter((l) => /error/i.test(l)).pop() ??
      `node-gyp exited with ${code}`;
    rmSync(addon, { force: true });
    skip(last.trim().slice(0, 200));
  }
  const isa = probe();
  if (isa === undefined) {
    rmSync(addon, { force: true });
    skip('the built addon did not load');
  }
  console.log(`native gemm built (${isa})`);
} catch (error) {
  try {
    rmSync(addon, { force: true });
  } catch {
    /* nothing to remove */
  }
  skip(error instanceof Error ? error.message : String(error));
}
