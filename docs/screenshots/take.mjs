#!/usr/bin/env node
// Takes the README's screenshots of `svc serve`: `npm run build && node docs/screenshots/take.mjs`.
// A throwaway copy of this repository's Otter-net catalog, loaded and committed, served on a free
// port and photographed with Debian's chromium (/usr/bin/chromium).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'docs', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'svc-shots-'));
// The portal's header names the catalog by its folder.
const dir = join(tmp, 'otter-net');
const env = { ...process.env, GIT_AUTHOR_NAME: 'Portal', GIT_AUTHOR_EMAIL: 'portal@example.net', GIT_COMMITTER_NAME: 'Portal', GIT_COMMITTER_EMAIL: 'portal@example.net', SVC_NOW: '2026-01-01T00:00:00Z' };
const run = (cmd, args) => execFileSync(cmd, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });

mkdirSync(dir);
for (const d of ['schemas', 'products', 'generators', 'bootstrap', '.orchestrator.yml']) cpSync(join(root, d), join(dir, d), { recursive: true });
run('git', ['init', '-q', '-b', 'main']);
run(process.execPath, [join(root, 'bin', 'svc'), 'load', 'bootstrap']);
run('git', ['add', '-A']);
run('git', ['-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'Otter-net']);

const [{ openCatalog }, { nodeFileHost }, { startPortal }] = await Promise.all(
  ['core/catalog/catalog.js', 'adapters/fs.js', 'server/start.js'].map((m) => import(join(root, 'dist', m))),
);
const catalog = openCatalog(dir, nodeFileHost).catalog;
const portal = await startPortal({ catalog, clock: () => new Date('2026-01-01T00:00:00Z'), host: '127.0.0.1', port: 0 });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  const shot = (name) => page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
  await page.goto(`${portal.url}/`);
  await shot('catalog');
  await page.goto(`${portal.url}/products/dedicated%20internet?variant=${encodeURIComponent('dedicated internet 1000')}`);
  await page.getByLabel(/customer/).fill('Acme');
  await page.getByLabel(/^site/).fill('par02');
  await page.getByRole('button', { name: 'Submit the request' }).click();
  await shot('form-invalid');
  await page.getByLabel(/^site/).fill('par01');
  await page.getByLabel(/ip package/).selectOption('small');
  await page.getByRole('button', { name: 'Preview the change' }).click();
  await shot('preview');
  await page.getByRole('button', { name: 'Submit the request' }).click();
  await page.waitForURL(/\/requests\//);
  await shot('request');
  await page.goto(`${portal.url}/requests`);
  await shot('requests');
  await page.goto(`${portal.url}/pools`);
  await shot('pools');
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  await phone.goto(`${portal.url}/products/dedicated%20internet`);
  await phone.screenshot({ path: join(out, 'form-phone.png'), fullPage: true });
} finally {
  await browser.close();
  await portal.close();
  rmSync(tmp, { recursive: true, force: true });
}
