// The files generated from kernel-table.ts must be what the table renders today: a table line
// changed without `npm run generate -w @charrnn/tensor` fails here, not in a model at run time.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderKernelMethods } from './kernel-codegen.js';
import { renderWasmBindings } from './wasm/wasm-codegen.js';

const read = (name: string): string => readFileSync(new URL(name, import.meta.url), 'utf8');

describe('generated kernel files', () => {
  it('kernels.generated.ts is the table rendered', () => {
    expect(read('./kernels.generated.ts')).toBe(renderKernelMethods());
  });

  it('wasm-bindings.generated.ts is the table rendered', () => {
    expect(read('./wasm/wasm-bindings.generated.ts')).toBe(renderWasmBindings());
  });

  it('a changed table renders a different file (the check can fail)', () => {
    const before = renderKernelMethods();
    expect(before).toContain('tanhBackward?(');
    expect(before.replace('tanhBackward?(', 'tanhBackward(')).not.toBe(read('./kernels.generated.ts'));
  });
});
