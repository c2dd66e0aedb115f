import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { git, PROJECT_ROOT, svc, tempDir, writeTree, type FileTree } from './repo.js';

const templates = new Map<string, string>();
afterAll(() => {
  for (const t of templates.values()) rmSync(t, { recursive: true, force: true });
  templates.clear();
});

/**
 * A repository `build` makes (in a folder of its own: a test's temporary folder is fine), made once
 * per test file and name and copied for each caller: the copy has the same commits, work tree and
 * `.svc` (its index), so a test starts where the build ended without paying for it again.
 */
export function fromTemplate(name: string, build: () => string): string {
  let template = templates.get(name);
  if (!template) {
    template = mkdtempSync(join(tmpdir(), `svc-template-${name}-`));
    templates.set(name, template);
    cpSync(build(), template, { recursive: true });
  }
  const dir = tempDir('svc-otter-');
  cpSync(template, dir, { recursive: true });
  return dir;
}

/**
 * The Otter-net catalog with its bootstrap data loaded by the real `svc load`, plus `extra` files,
 * committed on main. Built once per test file and name (loading takes a while), copied per test.
 */
export function otterNetLoaded(name = 'plain', extra: FileTree = {}, message = 'Otter-net with its bootstrap data'): string {
  return fromTemplate(`otter-${name}`, () => {
    const dir = tempDir('svc-otter-build-');
    const files: FileTree = { '.orchestrator.yml': readFileSync(join(PROJECT_ROOT, '.orchestrator.yml'), 'utf8') };
    // checks, queries and templates too: the config names them (its check_definitions run in every
    // request); artifacts/ not, so each test renders its own.
    for (const d of ['schemas', 'products', 'generators', 'bootstrap', 'checks', 'queries', 'templates']) {
      for (const e of readdirSync(join(PROJECT_ROOT, d), { recursive: true, withFileTypes: true })) {
        if (!e.isFile()) continue;
        const full = join(e.parentPath, e.name);
        files[full.slice(PROJECT_ROOT.length + 1)] = readFileSync(full, 'utf8');
      }
    }
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'config', 'gc.auto', '0');
    git(dir, 'config', 'commit.gpgsign', 'false');
    writeTree(dir, files);
    const load = svc(dir, ['load', 'bootstrap']);
    if (load.code !== 0) throw new Error(`bootstrap load failed: ${load.stderr}`);
    writeTree(dir, extra);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', message);
    return dir;
  });
}
