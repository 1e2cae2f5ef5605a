// Starts Debian's Chromium for the tests and the measurement script, through playwright-core (which
// downloads no browser): headless, no sandbox (root in a container), no background traffic, a fresh
// profile each time.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumAvailable() {
  return existsSync(CHROMIUM_PATH);
}

/** A persistent context on a fresh user-data-dir (removed by close). */
export async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'charrnn-web-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
  });
  return {
    context,
    profile,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * CPU seconds (user + system) used so far by the Chromium started with `profile`: `total` over its
 * browser process and every descendant (renderers, GPU, utilities), `workers` over the threads that
 * run Web Workers. Linux /proc only. On a shared machine this measures the work done, where
 * wall-clock time also measures the waiting for a core.
 */
export function chromiumCpuSeconds(profile) {
  const parents = new Map();
  let root = -1;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.includes(profile) && !cmdline.includes('--type=')) root = Number(name);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  let workers = 0;
  for (const pid of parents.keys()) {
    let p = pid;
    while (p > 1 && p !== root) p = parents.get(p) ?? 0;
    if (p !== root) continue;
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const seconds = (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
        total += seconds;
        if (readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').startsWith('DedicatedWorker')) workers += seconds;
      }
    } catch {
      // the process ended while we looked
    }
  }
  return { total, workers };
}
