// kernels.generated.ts must be what kernel-table.ts renders today: a table line changed without
// `npm run generate -w @charrnn/tensor` fails here, not in a model at run time.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderKernelMethods } from './kernel-codegen.js';

const committed = readFileSync(new URL('./kernels.generated.ts', import.meta.url), 'utf8');

describe('kernels.generated.ts', () => {
  it('is the table rendered', () => {
    expect(committed).toBe(renderKernelMethods());
  });

  it('a changed table renders a different file (the check can fail)', () => {
    const rendered = renderKernelMethods();
    expect(rendered).toContain('tanhBackward?(');
    expect(rendered.replace('tanhBackward?(', 'tanhBackward(')).not.toBe(committed);
  });
});
