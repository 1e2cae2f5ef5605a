// The space-restoration page (spaces.html) in Debian's Chromium: it trains on the bundled text, says
// its held-out F1, and restores the spaces of the input box as it changes. Skipped without Chromium
// (outside CI), like the main page's tests.

import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
// @ts-expect-error plain ES modules of this app (no type declarations)
import { chromiumAvailable, launchChromium } from '../browser.mjs';
// @ts-expect-error plain ES modules of this app (no type declarations)
import { startServer } from '../server.mjs';

const available = chromiumAvailable() as boolean;

describe.runIf(available || Boolean(process.env.CI))('spaces.html in Chromium', () => {
  it('trains, reports the held-out F1 and restores typed text', async () => {
    const server = (await startServer({ port: 0 })) as { url: string; close(): Promise<void> };
    const browser = await launchChromium();
    try {
      const page: Page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e: Error) => errors.push(String(e)));
      await page.goto(`${server.url}spaces.html?steps=300`);
      expect((await page.inputValue('#spaces-text')).length).toBeGreaterThan(10_000);
      await page.click('#spaces-train');
      await page.waitForFunction(
        () => /^Trained/.test(document.getElementById('spaces-status')!.textContent ?? ''),
        null,
        {
          timeout: 120_000,
        },
      );
      expect(await page.textContent('#spaces-status')).toMatch(/held-out F1 \d+\.\d%/);
      await page.fill('#spaces-input', 'shewasbeginning');
      const restored = (await page.textContent('#spaces-output')) ?? '';
      expect(restored.replaceAll(' ', '')).toBe('shewasbeginning');
      expect(restored.trim()).toContain(' ');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 180_000);
});
