// One vitest configuration for every project. Each project re-exports it from its own
// vitest.config.ts, so nx caches tests per project. Workspace packages resolve to their
// TypeScript sources through the "@charrnn/source" export condition: nothing is built first.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  ssr: { resolve: { conditions: ['@charrnn/source', 'module', 'node', 'development|production'] } },
  resolve: { conditions: ['@charrnn/source', 'module', 'node', 'development|production'] },
  test: {
    include: ['src/**/*.spec.ts'],
    // Generous: the machine is shared and its two cores may be busy; a hang still fails.
    testTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
  },
});
