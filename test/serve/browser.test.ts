import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../helpers/repo.js';
import { HAVE_CHROMIUM, CHROMIUM, launchChromium } from './chromium.js';
import { otterPortal } from './portal.js';

if (!HAVE_CHROMIUM) console.warn(`test/serve/browser.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install chromium runs them)`);

describe.skipIf(!HAVE_CHROMIUM)('svc serve in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('browse the catalog, see a bad value refused, submit a good one, see its branch and diff', async () => {
    const portal = await otterPortal();
    const page = await browser.newPage();
    try {
      await page.goto(`${portal.url}/`);
      await expect(page.getByRole('heading', { level: 2, name: 'dedicated internet' }).count()).resolves.toBe(1);
      await page.getByRole('link', { name: 'Request dedicated internet 1000', exact: true }).click();
      await expect(page.getByLabel(/bandwidth/).inputValue()).resolves.toBe('1000');
      await page.getByLabel(/customer/).fill('Acme');
      await page.getByLabel(/^site/).fill('par01');
      // A value the select does not offer, as a hand-edited form would send it.
      await page.getByLabel(/ip package/).evaluate((el) => {
        const o = document.createElement('option');
        o.textContent = 'huge';
        el.appendChild(o);
        (el as HTMLSelectElement).value = 'huge';
      });
      await page.getByRole('button', { name: 'Submit the request' }).click();
      await expect(page.getByRole('alert').innerText()).resolves.toContain('ip_package: "huge" is not one of small, medium, large');
      await expect(page.getByLabel(/ip package/).getAttribute('aria-invalid')).resolves.toBe('true');
      expect(git(portal.dir, 'branch', '--list', 'request/*')).toBe('');

      // The form kept what was typed; choose a real package, preview, then submit.
      await expect(page.getByLabel(/customer/).inputValue()).resolves.toBe('Acme');
      await page.getByLabel(/ip package/).selectOption('small');
      await page.getByRole('button', { name: 'Preview the change' }).click();
      await expect(page.getByLabel('inventory diff').innerText()).resolves.toContain('ProductDedicatedInternet');
      expect(git(portal.dir, 'branch', '--list', 'request/*')).toBe('');
      await page.getByRole('button', { name: 'Submit the request' }).click();
      await page.waitForURL(/\/requests\/dia-0001/);
      await expect(page.getByRole('status').innerText()).resolves.toContain('created on branch request/dia-0001');
      await expect(page.locator('pre').innerText()).resolves.toMatch(/ProductDedicatedInternet/);
      expect(git(portal.dir, 'branch', '--list', 'request/*').trim()).toBe('request/dia-0001');

      await page.getByRole('link', { name: 'Requests' }).click();
      await expect(page.getByRole('link', { name: 'dia-0001', exact: true }).count()).resolves.toBe(1);
    } finally {
      await page.close();
      await portal.close();
    }
  });

  it('two browsers submitting at once get distinct requests', async () => {
    const portal = await otterPortal();
    const pages = await Promise.all([browser.newContext(), browser.newContext()].map(async (c) => (await c).newPage()));
    try {
      await Promise.all(
        pages.map(async (page, i) => {
          await page.goto(`${portal.url}/products/dedicated%20internet?variant=${encodeURIComponent('dedicated internet 100')}`);
          await page.getByLabel(/customer/).fill(`Customer ${i}`);
          await page.getByLabel(/^site/).fill('par01');
          await page.getByLabel(/ip package/).selectOption('small');
        }),
      );
      await Promise.all(pages.map((page) => page.getByRole('button', { name: 'Submit the request' }).click()));
      await Promise.all(pages.map((page) => page.waitForURL(/\/requests\/dia-\d+/)));
      const urls = pages.map((p) => new URL(p.url()).pathname);
      expect(new Set(urls).size).toBe(2);
      expect(git(portal.dir, 'branch', '--list', 'request/*').split('\n').filter(Boolean)).toHaveLength(2);
    } finally {
      await Promise.all(pages.map((p) => p.context().close()));
      await portal.close();
    }
  });
});
