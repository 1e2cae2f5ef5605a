// The committed binary must be the build of the committed kernels.as: build-wasm.mjs records the
// source's SHA-256 and the asc version in the binary (custom section "charrnn.provenance"), and
// this test recomputes them. A kernels.as edited without `npm run build:wasm -w @charrnn/kernels-wasm`
// fails here instead of shipping a stale binary.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ASC_VERSION, KERNELS_AS_SHA256, KERNELS_WASM_BASE64 } from './kernels-wasm.generated.js';
import { decodeBase64 } from './wasm-memory.js';

interface Provenance {
  source: string;
  source_sha256: string;
  asc_version: string;
  asc_flags: string;
}

// The package's lib settings give no WebAssembly values; type the members the test uses.
const WebAssembly = (
  globalThis as unknown as {
    WebAssembly: {
      Module: { new (bytes: Uint8Array): object; customSections(module: object, name: string): ArrayBuffer[] };
    };
  }
).WebAssembly;

function provenanceOf(base64: string): Provenance {
  const sections = WebAssembly.Module.customSections(
    new WebAssembly.Module(decodeBase64(base64)),
    'charrnn.provenance',
  );
  expect(sections).toHaveLength(1);
  return JSON.parse(new TextDecoder().decode(sections[0])) as Provenance;
}

/** The mismatch, said as the one thing to do about it. */
function staleness(recorded: Provenance, sourceSha256: string, ascVersion: string): string | undefined {
  if (recorded.source_sha256 !== sourceSha256) {
    return 'kernels.as changed since the committed wasm was built: run `npm run build:wasm -w @charrnn/kernels-wasm` and commit kernels-wasm.generated.ts';
  }
  if (recorded.asc_version !== ascVersion) {
    return `the wasm was built with asc ${recorded.asc_version}, the installed assemblyscript is ${ascVersion}: rebuild it`;
  }
  return undefined;
}

const sourceSha256 = createHash('sha256')
  .update(readFileSync(new URL('./kernels.as', import.meta.url)))
  .digest('hex');
const installedAsc = (createRequire(import.meta.url)('assemblyscript/package.json') as { version: string }).version;

describe('the committed wasm binary', () => {
  const recorded = provenanceOf(KERNELS_WASM_BASE64);

  it('was built from the committed kernels.as with the pinned asc', () => {
    expect(staleness(recorded, sourceSha256, installedAsc)).toBeUndefined();
    expect(recorded.source).toBe('kernels.as');
    expect(recorded.asc_flags).toMatch(/--enable simd --enable threads/);
  });

  it('exports the same provenance as its custom section', () => {
    expect([KERNELS_AS_SHA256, ASC_VERSION]).toEqual([recorded.source_sha256, recorded.asc_version]);
  });

  it('is called stale when kernels.as or the compiler differ', () => {
    const edited = createHash('sha256')
      .update(`${readFileSync(new URL('./kernels.as', import.meta.url), 'utf8')}\n`)
      .digest('hex');
    expect(staleness(recorded, edited, installedAsc)).toMatch(/kernels\.as changed/);
    expect(staleness(recorded, sourceSha256, '0.29.0')).toMatch(/built with asc 0\.28\.20/);
  });
});
