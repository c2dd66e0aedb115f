import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { git, PROJECT_ROOT, svc, tempDir, writeTree } from '../helpers/repo.js';
import { BLOCK, subscription, text } from './helpers.js';

let template: string | undefined;
afterAll(() => {
  if (template) rmSync(template, { recursive: true, force: true });
  template = undefined;
});

/**
 * The Otter-net catalog with its bootstrap loaded and subscription dia-0001 (provisioning, at par01)
 * committed on main; built once per test file (loading takes a while) and copied for each test.
 */
export function otterWithSubscription(): string {
  if (!template) {
    template = mkdtempSync(join(tmpdir(), 'svc-diff-otter-'));
    const files: Record<string, string> = { '.orchestrator.yml': readFileSync(join(PROJECT_ROOT, '.orchestrator.yml'), 'utf8') };
    for (const d of ['schemas', 'products', 'generators', 'bootstrap']) {
      for (const e of readdirSync(join(PROJECT_ROOT, d), { recursive: true, withFileTypes: true })) {
        if (!e.isFile()) continue;
        const full = join(e.parentPath, e.name);
        files[full.slice(PROJECT_ROOT.length + 1)] = readFileSync(full, 'utf8');
      }
    }
    git(template, 'init', '-q', '-b', 'main');
    git(template, 'config', 'gc.auto', '0');
    git(template, 'config', 'commit.gpgsign', 'false');
    writeTree(template, files);
    const load = svc(template, ['load', 'bootstrap']);
    if (load.code !== 0) throw new Error(`bootstrap load failed: ${load.stderr}`);
    writeTree(template, {
      'inventory/ProductDedicatedInternet/dia-0001.json': text(subscription('provisioning', { dedicated_internet: { id: BLOCK } })),
      [`inventory/BlockDedicatedInternet/${BLOCK}.json`]: text({ id: BLOCK, ip_package: 'small', site: 'par01', subscription: { kind: 'ProductDedicatedInternet', hfid: 'dia-0001' } }),
    });
    git(template, 'add', '-A');
    git(template, 'commit', '-q', '-m', 'Otter-net, and dia-0001 to provision');
  }
  const dir = tempDir('svc-diff-');
  cpSync(template, dir, { recursive: true });
  return dir;
}

/** On a new branch request/dia-0001, run the generators (dia-0001 becomes active); nothing committed. */
export function generated(): string {
  const dir = otterWithSubscription();
  git(dir, 'switch', '-q', '-c', 'request/dia-0001');
  const r = svc(dir, ['generate'], { env: { SVC_NOW: '2026-01-01T00:00:00Z' } });
  if (r.code !== 0) throw new Error(`svc generate failed: ${r.stderr}`);
  return dir;
}

/** What must not change when svc diff runs: refs, HEAD, the index and every file's status. */
export function gitState(dir: string): string {
  return [
    git(dir, 'for-each-ref', '--format=%(refname) %(objectname)'),
    git(dir, 'rev-parse', 'HEAD'),
    git(dir, 'ls-files', '--stage'),
    git(dir, 'status', '--porcelain=v1', '--untracked-files=all', '--ignored'),
  ].join('\n');
}

