// The page's files stay small: the worker once carried all of zod (454 KB of 619 KB) for the
// checkpoint metadata checks. Reads the built files (the test target builds the page first).
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist');

describe('the built page', () => {
  it('ships a training worker under 250 KB', () => {
    expect(statSync(join(dist, 'worker.js')).size).toBeLessThan(250_000);
  });

  it('ships a page script under 150 KB (uPlot and the sample text included)', () => {
    expect(statSync(join(dist, 'main.js')).size).toBeLessThan(150_000);
  });
});
