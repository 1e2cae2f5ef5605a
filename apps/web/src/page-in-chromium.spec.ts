// The built page in a real browser: Debian's Chromium driven by playwright-core, served by the app's
// own static server with the isolation headers. It trains, samples, pauses, downloads and loads
// checkpoints, and its losses are compared with charrnn-eval's (the built command-line app).
// Needs `nx run @charrnn/app-web:test` (which builds the page and charrnn-train first).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ES modules of this app (no type declarations)
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from '../browser.mjs';
// @ts-expect-error plain ES modules of this app (no type declarations)
import { startServer } from '../server.mjs';

const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const trainApp = join(appRoot, '../train');
const screenshotDir = join(appRoot, 'test-output');
const inCi = Boolean(process.env.CI);
const available = chromiumAvailable() as boolean;
if (!available && !inCi) {
  console.log(
    `page tests skipped: no Chromium at ${CHROMIUM_PATH as string} (install it with: apt-get install -y chromium)`,
  );
}

/** 4,000 characters of the bundled sample: enough for a few hundred steps of a small model. */
const SHORT_TEXT = readFileSync(join(appRoot, 'assets/alice.txt'), 'utf8').slice(2000, 6000);

interface Server {
  readonly url: string;
  close(): Promise<void>;
}

function cli(command: 'train' | 'eval' | 'sample', args: string[]): string {
  return execFileSync(process.execPath, [join(trainApp, `bin/charrnn-${command}.js`), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function evalWithCli(checkpoint: string, textFile: string): number {
  return (JSON.parse(cli('eval', ['--checkpoint', checkpoint, '--data', textFile])) as { loss: number }).loss;
}

async function waitForStatus(page: Page, status: string, timeout = 60_000): Promise<void> {
  await page.waitForFunction((s) => document.getElementById('run-status')!.dataset.status === s, status, { timeout });
}

/** Runs "Evaluate on the text" and returns the page's loss (nats per character). */
async function evaluateInPage(page: Page, text: string): Promise<number> {
  await page.fill('#text', text);
  await page.click('#evaluate');
  await page.waitForFunction(() => document.getElementById('checkpoint-info')!.dataset.loss !== undefined);
  return Number(await page.getAttribute('#checkpoint-info', 'data-loss'));
}

async function setSettings(page: Page, settings: Record<string, string | number>): Promise<void> {
  for (const [key, value] of Object.entries(settings)) {
    if (key === 'cell' || key === 'optimizer') await page.selectOption(`#${key}`, String(value));
    else await page.fill(`#${key}`, String(value));
  }
}

/** In the page: whether IndexedDB holds a kept model (`want`: the answer waited for). */
async function keptInIndexedDb(want: boolean): Promise<boolean> {
  const db = await new Promise<IDBDatabase>((resolve) => {
    const r = indexedDB.open('charrnn-web', 1);
    r.onsuccess = () => resolve(r.result);
  });
  const saved = await new Promise((resolve) => {
    const r = db.transaction('saved').objectStore('saved').get('last');
    r.onsuccess = () => resolve(r.result);
  });
  db.close();
  return (saved !== undefined) === want;
}

describe.skipIf(!available && !inCi)('the page in Chromium', () => {
  let server: Server;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let origin: string;
  let work: string;
  let textFile: string;
  const requests: string[] = [];
  let requestsAtReady = -1;

  beforeAll(async () => {
    if (!available)
      throw new Error(`no Chromium at ${CHROMIUM_PATH as string}: CI must install it (apt-get install -y chromium)`);
    if (!existsSync(join(appRoot, 'dist/index.html')) || !existsSync(join(trainApp, 'dist/eval.js'))) {
      throw new Error(
        'the page or charrnn-eval is not built: run npx nx run @charrnn/app-web:test (it builds both first)',
      );
    }
    work = mkdtempSync(join(tmpdir(), 'charrnn-web-test-'));
    textFile = join(work, 'short.txt');
    writeFileSync(textFile, SHORT_TEXT);
    server = (await startServer({ port: 0 })) as Server;
    origin = new URL(server.url).origin;
    browser = await launchChromium();
    browser.context.on('request', (request) => requests.push(request.url()));
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1200, height: 1000 });
    await page.goto(server.url);
    await page.waitForFunction(() => document.getElementById('engine')!.dataset.engine !== undefined);
    requestsAtReady = requests.filter((url) => !url.startsWith('blob:')).length;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 30_000);

  it('starts the training worker with the wasm kernels on two threads (the server isolates the page)', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.textContent('#engine')).toContain('Kernels: wasm-simd, two threads');
  });

  it('trains a small model a few hundred steps: the loss falls and samples appear', async () => {
    await page.fill('#text', SHORT_TEXT);
    await setSettings(page, { hidden: 32, steps: 400, evalEvery: 100, sampleEvery: 100 });
    // Record every validation value the page shows, as it shows them.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { valSeen: number[] }).valSeen = seen;
      const target = document.getElementById('stat-val')!;
      new MutationObserver(() => seen.push(Number(target.dataset.value))).observe(target, {
        attributes: true,
        attributeFilter: ['data-value'],
      });
    });
    await page.click('#start');
    await waitForStatus(page, 'finished');
    const val = await page.evaluate(() => (window as unknown as { valSeen: number[] }).valSeen);
    const vocab = new Set(SHORT_TEXT).size;
    expect(val.length).toBe(4);
    expect(val[3]!).toBeLessThan(val[0]!);
    expect(val[3]!).toBeLessThan(Math.log2(vocab) - 1); // at least a bit below a uniform guess
    expect(await page.getAttribute('#stat-step', 'data-value')).toBe('400');
    expect(Number(await page.getAttribute('#stat-speed', 'data-value'))).toBeGreaterThan(0);
    expect(await page.locator('#training-samples li').count()).toBe(4);
    expect((await page.textContent('#training-samples li'))!.length).toBeGreaterThan(100);
    await page.waitForFunction(() => document.getElementById('sample-output')!.textContent!.length > 100);
    // The chart holds the whole run once it finished: the legend shows the last recent-mean and validation values.
    const legend = await page.locator('.u-legend .u-series .u-value').allTextContents();
    expect(legend.slice(2).every((value) => /^\d+\.\d{3}$/.test(value))).toBe(true);
    // The training number is the recent mean in bits per character, the unit of validation, and lands
    // near it; not the seed's 0.999 average, which after 400 steps still sits near a uniform guess.
    const training = Number(await page.getAttribute('#stat-loss', 'data-value'));
    expect(Math.abs(training - val[3]!)).toBeLessThan(0.75);
    expect(await page.locator('#stat-smooth').count()).toBe(0);
    expect(await page.textContent('#progress-section')).toContain('Training (bits/char, last 200 steps)');
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, 'trained.png'), fullPage: true });
  });

  it('lays out without clipped or overflowing elements, narrow and wide, even with long numbers', async () => {
    await page.evaluate(() => {
      document.getElementById('stat-step')!.textContent = '1,000,000 / 1,000,000';
      document.getElementById('stat-chars')!.textContent = '25,000,000,000';
    });
    for (const width of [800, 1280]) {
      await page.setViewportSize({ width, height: 1000 });
      await page.waitForTimeout(100); // the chart follows its container's width
      const problems = await page.evaluate(() => {
        const out: string[] = [];
        const pageWidth = document.documentElement.clientWidth;
        for (const el of document.querySelectorAll<HTMLElement>('body *')) {
          // Hidden on purpose: the text box's label (for screen readers) and the file inputs behind their buttons.
          if (el.closest('.visually-hidden, .file-button input')) continue;
          const box = el.getBoundingClientRect();
          if (box.width === 0) continue;
          const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${el.className}` : ''}`;
          if (box.right > pageWidth + 0.5) out.push(`${name} ends at ${box.right}px, past ${pageWidth}px`);
          const scrolls = el.tagName === 'TEXTAREA' || el.tagName === 'PRE';
          if (!scrolls && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0)
            out.push(`${name} holds ${el.scrollWidth}px in ${el.clientWidth}px`);
        }
        return out;
      });
      expect(problems, `at ${width}px`).toEqual([]);
      await page.screenshot({ path: join(screenshotDir, `page-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1200, height: 1000 });
  });

  it('samples again from the current weights when the prime or the temperature changes', async () => {
    await page.fill('#prime', 'Alice said');
    await page.waitForFunction(() => document.getElementById('sample-output')!.textContent!.startsWith('Alice said'));
    const before = await page.textContent('#sample-output');
    await page.locator('#temperature').fill('0.3');
    await page.waitForFunction((old) => document.getElementById('sample-output')!.textContent !== old, before);
    expect(await page.textContent('#temperature-value')).toBe('0.30');
  });

  it("downloads a checkpoint that charrnn-eval scores to the page's loss and charrnn-sample reads", async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = join(work, 'page.safetensors');
    await download.saveAs(file);
    expect(download.suggestedFilename()).toBe('charrnn-rnn-h32-step400.safetensors');
    const cliLoss = evalWithCli(file, textFile);
    const pageLoss = await evaluateInPage(page, SHORT_TEXT);
    expect(Math.abs(pageLoss - cliLoss)).toBeLessThanOrEqual(1e-6);
    expect(cli('sample', ['--checkpoint', file, '--prime', 'Alice', '--length', '40']).startsWith('Alice')).toBe(true);
  });

  it('loads a checkpoint written by charrnn-train: same loss as charrnn-eval, and it samples', async () => {
    const file = join(work, 'cli.safetensors');
    cli('train', [
      '--data',
      textFile,
      '--cell',
      'gru',
      '--hidden',
      '24',
      '--steps',
      '150',
      '--sample-every',
      '0',
      '--save',
      file,
    ]);
    await page.setInputFiles('#checkpoint-file', file);
    await page.waitForFunction(() =>
      document.getElementById('checkpoint-info')!.textContent!.startsWith('Loaded cli.safetensors'),
    );
    expect(await page.inputValue('#cell')).toBe('gru');
    expect(await page.inputValue('#hidden')).toBe('24');
    await page.waitForFunction(() => document.getElementById('sample-output')!.textContent!.length > 100);
    const pageLoss = await evaluateInPage(page, SHORT_TEXT);
    expect(Math.abs(pageLoss - evalWithCli(file, textFile))).toBeLessThanOrEqual(1e-6);
    expect(await page.textContent('#start')).toBe('Start from the loaded model');
  });

  it('pauses, resumes and resets a run; the page stays responsive', async () => {
    await page.click('#reset');
    await waitForStatus(page, 'idle');
    await setSettings(page, { cell: 'rnn', hidden: 32, steps: 1_000_000, evalEvery: 0, sampleEvery: 0 });
    await page.click('#start');
    await page.waitForFunction(() => Number(document.getElementById('stat-step')!.dataset.value) > 50);
    await page.click('#pause');
    await waitForStatus(page, 'paused');
    const pausedAt = await page.getAttribute('#stat-step', 'data-value');
    await page.waitForTimeout(300);
    expect(await page.getAttribute('#stat-step', 'data-value')).toBe(pausedAt);
    await page.click('#resume');
    await page.waitForFunction(
      (at) => Number(document.getElementById('stat-step')!.dataset.value) > Number(at),
      pausedAt,
    );
    // The page answers while the worker trains.
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
    await page.click('#reset');
    await waitForStatus(page, 'idle');
    expect(await page.isDisabled('#download')).toBe(true);
  });

  it('keeps the model across a reload when asked (IndexedDB)', async () => {
    await setSettings(page, { steps: 100 });
    await page.click('#start');
    await waitForStatus(page, 'finished');
    await page.check('#persist');
    await page.waitForFunction(keptInIndexedDb, true);
    await page.reload();
    await page.waitForFunction(() =>
      document.getElementById('checkpoint-info')!.textContent!.includes('kept in this browser, step 100'),
    );
    expect(await page.isChecked('#persist')).toBe(true);
    await page.uncheck('#persist');
    // Forgetting is asynchronous: a reload before it completes would still find the model.
    await page.waitForFunction(keptInIndexedDb, false);
    await page.reload();
    await page.waitForFunction(() => document.getElementById('engine')!.dataset.engine !== undefined);
    expect(await page.isChecked('#persist')).toBe(false);
  });

  it('refuses a text file larger than the page takes by its size, without reading it', async () => {
    const big = join(work, 'big.txt');
    writeFileSync(big, '');
    truncateSync(big, 200 * 1024 * 1024); // sparse: 200 MiB of zeros that nothing should read
    await page.click('#use-sample');
    const before = await page.inputValue('#text');
    const started = Date.now();
    await page.setInputFiles('#text-file', big);
    await page.waitForFunction(() => document.getElementById('text-info')!.dataset.status === 'error');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await page.textContent('#text-info')).toBe(
      'the file "big.txt" is 200.0 MiB, more than the 32.0 MiB the page trains on\nhint: train on it with charrnn-train --data FILE (up to 4.0 GiB), or on a part of it (head -c)',
    );
    expect(await page.inputValue('#text')).toBe(before);
  });

  it("refuses a file that is not UTF-8 with the commands' message, instead of decoding it to U+FFFD", async () => {
    const bad = join(work, 'latin1.txt');
    writeFileSync(bad, Buffer.from('caf\xe9 au lait\n', 'latin1'));
    await page.setInputFiles('#text-file', bad);
    await page.waitForFunction(() => document.getElementById('text-info')!.dataset.status === 'error');
    expect(await page.textContent('#text-info')).toBe(
      'the file "latin1.txt" is not valid UTF-8: text must be valid UTF-8, got invalid byte 0x20 at byte 4 (line 1, column 4)\nhint: convert it (e.g. iconv -f latin1 -t utf-8), or train on its bytes with charrnn-train --unit byte',
    );
    const good = join(work, 'utf8.txt');
    writeFileSync(good, 'café au lait\n');
    await page.setInputFiles('#text-file', good);
    await page.waitForFunction(() => document.getElementById('text-info')!.textContent!.startsWith('13 characters'));
    expect(await page.inputValue('#text')).toBe('café au lait\n');
  });

  it('refuses a text with more than 65,536 distinct characters when shown and at Start', async () => {
    let text = '';
    for (let i = 0; i < 65_537; i++) text += String.fromCodePoint(0x10000 + i);
    await page.fill('#text', text);
    const message = "the text has 65537 distinct characters, more than the 65536 charrnn's 16-bit ids can name";
    const hint = 'hint: train on its bytes instead with charrnn-train --unit byte (at most 256 symbols)';
    await page.waitForFunction(() => document.getElementById('text-info')!.dataset.status === 'error');
    expect(await page.textContent('#text-info')).toBe(`${message}\n${hint}`);
    await page.click('#start');
    expect(await page.textContent('#run-status')).toBe(`${message}\n${hint}`);
    expect(await page.getAttribute('#run-status', 'data-status')).toBe('error');
  });

  it('holds a text too long for the box outside it, shows its start, and trains on all of it', async () => {
    const long = join(work, 'long.txt');
    const text = SHORT_TEXT.repeat(Math.ceil(1_300_000 / SHORT_TEXT.length));
    writeFileSync(long, text);
    await page.setInputFiles('#text-file', long);
    await page.waitForFunction(() => document.getElementById('text-info')!.textContent!.includes('Clear to type'));
    expect(await page.textContent('#text-info')).toMatch(
      /^[\d,]+ characters, \d+ distinct \(the box shows the first 20,000/,
    );
    expect((await page.inputValue('#text')).length).toBe(20_000);
    expect(await page.getAttribute('#text', 'readonly')).not.toBe(null);
    await setSettings(page, { cell: 'rnn', hidden: 16, steps: 20, evalEvery: 0, sampleEvery: 0 });
    await page.click('#start');
    await waitForStatus(page, 'finished');
    // Training and validation characters add up to the whole file, not to the box's 20,000.
    const [, train, val] = /on ([\d,]+) characters \(validation ([\d,]+)\)/.exec((await page.textContent('#engine'))!)!;
    const count = (n: string) => Number(n.replaceAll(',', ''));
    expect(count(train!) + count(val!)).toBe(Array.from(text).length);
    await page.click('#clear-text');
    expect(await page.inputValue('#text')).toBe('');
    expect(await page.getAttribute('#text', 'readonly')).toBe(null);
  });

  it('holds a long paste outside the box, and refuses one over 32 MiB by its size', async () => {
    const paste = (text: string) =>
      page.evaluate((pasted) => {
        const data = new DataTransfer();
        data.setData('text/plain', pasted);
        const box = document.getElementById('text') as HTMLTextAreaElement;
        box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }, text);
    await page.fill('#text', '');
    await paste('ab'.repeat(700_000));
    await page.waitForFunction(() => document.getElementById('text-info')!.textContent!.includes('Clear to type'));
    expect(await page.textContent('#text-info')).toMatch(/^1,400,000 characters, 2 distinct/);
    expect((await page.inputValue('#text')).length).toBe(20_000);
    await page.click('#clear-text');
    await paste('x'.repeat(33 * 1024 * 1024));
    await page.waitForFunction(() => document.getElementById('text-info')!.dataset.status === 'error');
    expect(await page.textContent('#text-info')).toMatch(
      /^the pasted text is 33\.0 MiB, more than the 32\.0 MiB the page trains on\nhint: /,
    );
    expect(await page.inputValue('#text')).toBe('');
  });

  it('sends no request after loading, and none to any other origin', () => {
    const network = requests.filter((url) => !url.startsWith('blob:') && !url.startsWith('data:'));
    expect(network.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    // Before the reloads of the previous test: only the page's own files, loaded once.
    const firstLoad = network
      .slice(0, requestsAtReady)
      .map((url) => new URL(url).pathname)
      .sort();
    expect(firstLoad).toEqual(['/', '/main.js', '/styles.css', '/uPlot.min.css', '/worker.js']);
    const reloads = network.slice(requestsAtReady).map((url) => new URL(url).pathname);
    expect(reloads.filter((path) => !firstLoad.includes(path))).toEqual([]);
    expect(reloads.length).toBe(2 * firstLoad.length);
  });

  it('still trains with the wasm kernels on one thread when the host sends no isolation headers', async () => {
    const plain = (await startServer({ port: 0, isolate: false })) as Server;
    try {
      const other = await browser.context.newPage();
      await other.goto(plain.url);
      await other.waitForFunction(() => document.getElementById('engine')!.dataset.engine !== undefined);
      expect(await other.textContent('#engine')).toContain('Kernels: wasm-simd, one thread');
      await other.click('#use-sample');
      await setSettings(other, { hidden: 16, steps: 50, evalEvery: 0, sampleEvery: 0 });
      await other.click('#start');
      await waitForStatus(other, 'finished');
      await other.close();
    } finally {
      await plain.close();
    }
  });
});
