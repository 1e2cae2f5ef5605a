// wasm-bindings.generated.ts must be what the kernel table renders today: a table line changed
// without `npm run generate -w @charrnn/kernels-wasm` fails here. And every export the bindings
// call must be in the committed binary (a table line without its AssemblyScript function fails).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNELS_WASM_BASE64 } from './kernels-wasm.generated.js';
import { renderWasmBindings } from './wasm-codegen.js';
import { decodeBase64 } from './wasm-memory.js';

const committed = readFileSync(new URL('./wasm-bindings.generated.ts', import.meta.url), 'utf8');

interface ModuleStatics {
  new (bytes: Uint8Array): object;
  exports(module: object): { name: string; kind: string }[];
}
const { Module } = (globalThis as unknown as { WebAssembly: { Module: ModuleStatics } }).WebAssembly;

describe('wasm-bindings.generated.ts', () => {
  it('is the table rendered', () => {
    expect(committed).toBe(renderWasmBindings());
  });

  it('calls only exports the binary has', () => {
    const exported = new Set(Module.exports(new Module(decodeBase64(KERNELS_WASM_BASE64))).map((e) => e.name));
    const body = committed.slice(committed.indexOf('export interface GeneratedWasmExports'));
    const called = [...body.slice(0, body.indexOf('\n}\n')).matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]!);
    expect(called.length).toBeGreaterThan(30);
    expect(called.filter((name) => !exported.has(name))).toEqual([]);
    expect(called).toContain('scaled_add_test_only_f32');
  });
});
