#!/usr/bin/env node
// Measures the page against Node: training characters per second of the same configuration in the
// built page (headless Chromium, the Web Worker, the wasm kernels) and in Node (the same Trainer with
// the wasm kernels, no native gemm), side by side; plus the page's load time and transferred size.
// Usage: npm run build -w @charrnn/app-web && node apps/web/measure.mjs [--steps N] [--hidden H] [--batch B] [--seq T] [--cell C] [--threads 1|2]
// (--threads 1 serves the page without isolation headers, so it runs one thread like Node then.)
// Needs Debian's chromium (/usr/bin/chromium, or CHROMIUM_PATH). Prints one JSON object.

import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnNodeWorker } from '@charrnn/cli';
import { selectKernels } from '@charrnn/kernels-wasm';
import { Trainer, prepareData, resolveTrainConfig } from '@charrnn/train';
import { chromiumCpuSeconds, launchChromium } from './browser.mjs';
import { startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '10000' },
    hidden: { type: 'string', default: '100' },
    batch: { type: 'string', default: '1' },
    seq: { type: 'string', default: '25' },
    cell: { type: 'string', default: 'rnn' },
    threads: { type: 'string', default: '2' },
    repeat: { type: 'string', default: '3' },
  },
});
const threads = Number(values.threads);
const page = {
  cell: values.cell,
  layers: 1,
  hidden: Number(values.hidden),
  seqLength: Number(values.seq),
  batchSize: Number(values.batch),
  steps: Number(values.steps),
  evalEvery: 0,
  sampleEvery: 0,
};
const text = readFileSync(join(here, 'assets/alice.txt'), 'utf8');

async function inNode() {
  const config = resolveTrainConfig({ ...page, logEvery: 10, sampleLength: 200 });
  // The page's kernels: wasm SIMD (no native gemm), two threads when isolated, as the page has them.
  const { kernels } = selectKernels('wasm', { threads, spawnWorker: (source) => spawnNodeWorker(source) });
  if (threads === 2) await new Promise((resolve) => setTimeout(resolve, 500)); // the helper thread starts
  const trainer = new Trainer({
    config,
    data: prepareData(text, config.valFraction, config.seqLength, config.batchSize),
    clock: () => performance.now(),
    kernels,
  });
  let done;
  const cpuBefore = process.cpuUsage();
  for await (const event of trainer.run()) if (event.type === 'done') done = event;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  kernels.close?.();
  return {
    kernels: kernels.name,
    threads,
    charsPerSec: done.chars / done.elapsedSec,
    charsPerCpuSec: done.chars / cpuSeconds,
    seconds: done.elapsedSec,
  };
}

async function inPage() {
  const server = await startServer({ port: 0, isolate: threads === 2 });
  const { context, profile, close } = await launchChromium();
  try {
    const tab = await context.newPage();
    let bytes = 0;
    tab.on('response', async (response) => {
      const size = Number(response.headers()['content-length'] ?? 0);
      bytes += size;
    });
    const t0 = Date.now();
    await tab.goto(server.url, { waitUntil: 'load' });
    const loadMs = Date.now() - t0;
    await tab.waitForFunction(() => document.getElementById('engine').dataset.engine);
    const readyMs = Date.now() - t0;
    const timing = await tab.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const resources = performance.getEntriesByType('resource');
      return {
        domContentLoadedMs: nav.domContentLoadedEventEnd,
        loadEventMs: nav.loadEventEnd,
        transferred: nav.transferSize + resources.reduce((s, r) => s + r.transferSize, 0),
        encoded: nav.encodedBodySize + resources.reduce((s, r) => s + r.encodedBodySize, 0),
      };
    });
    const engine = await tab.textContent('#engine');
    await tab.click('#use-sample');
    for (const [key, value] of Object.entries(page)) {
      if (key === 'cell') await tab.selectOption('#cell', value);
      else await tab.fill(`#${key}`, String(value));
    }
    const cpuBefore = chromiumCpuSeconds(profile);
    await tab.click('#start');
    await tab.waitForFunction(() => document.getElementById('run-status').dataset.status === 'finished', null, {
      timeout: 600_000,
      polling: 250,
    });
    const cpuAfter = chromiumCpuSeconds(profile);
    const charsPerSec = Number(await tab.getAttribute('#run-status', 'data-chars-per-sec'));
    const chars = page.steps * page.seqLength * page.batchSize;
    return {
      engine,
      charsPerSec,
      charsPerCpuSec: chars / (cpuAfter.total - cpuBefore.total),
      charsPerWorkerCpuSec: chars / (cpuAfter.workers - cpuBefore.workers),
      load: { gotoMs: loadMs, workerReadyMs: readyMs, ...timing, contentLengthBytes: bytes },
    };
  } finally {
    await close();
    await server.close();
  }
}

// Alternate the two, several times: on a shared machine the load changes from minute to minute, so
// the best run of each side is compared (and every run is printed).
const pages = [];
const nodes = [];
for (let i = 0; i < Number(values.repeat); i++) {
  pages.push(await inPage());
  nodes.push(await inNode());
}
const best = (runs) => runs.reduce((a, b) => (b.charsPerSec > a.charsPerSec ? b : a));
const bestPage = best(pages);
const bestNode = best(nodes);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuRatio = median(pages.map((r) => r.charsPerCpuSec)) / median(nodes.map((r) => r.charsPerCpuSec));
process.stdout.write(
  `${JSON.stringify(
    {
      config: { ...page, threads },
      pageCharsPerSec: pages.map((r) => Math.round(r.charsPerSec)),
      nodeCharsPerSec: nodes.map((r) => Math.round(r.charsPerSec)),
      ratioOfBest: bestPage.charsPerSec / bestNode.charsPerSec,
      pageCharsPerCpuSec: pages.map((r) => Math.round(r.charsPerCpuSec)),
      pageCharsPerWorkerCpuSec: pages.map((r) => Math.round(r.charsPerWorkerCpuSec)),
      nodeCharsPerCpuSec: nodes.map((r) => Math.round(r.charsPerCpuSec)),
      ratioPerCpuSecond: cpuRatio,
      ratioWorkerPerCpuSecond:
        median(pages.map((r) => r.charsPerWorkerCpuSec)) / median(nodes.map((r) => r.charsPerCpuSec)),
      engine: bestPage.engine,
      load: pages.map((r) => r.load),
    },
    null,
    2,
  )}\n`,
);
