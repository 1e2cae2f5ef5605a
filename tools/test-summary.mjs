#!/usr/bin/env node
// Sums every project's vitest JSON report into one line that CI can read:
// "N passed, M failed, K skipped". Exits 1 on any failure, or when no test ran at all. Skipped
// (it.skip / skipIf / todo) tests are counted so that a suite quietly skipping its cases shows.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages', 'apps', 'tools'];
let passed = 0;
let failed = 0;
let skipped = 0;
let projects = 0;
for (const root of roots) {
  if (!existsSync(root)) continue;
  for (const name of readdirSync(root)) {
    const file = join(root, name, 'test-results.json');
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests ?? 0;
    failed += (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    projects += 1;
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped (${projects} projects)`);
if (failed > 0 || passed === 0) process.exit(1);
