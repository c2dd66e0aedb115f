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
 * The Otter-net catalog with its bootstrap data loaded by the real `svc load`, plus `extra` files,
 * committed on main. Built once per test file and name (loading takes a while), copied per test.
 */
export function otterNetLoaded(name = 'plain', extra: FileTree = {}, message = 'Otter-net with its bootstrap data'): string {
  let template = templates.get(name);
  if (!template) {
    template = mkdtempSync(join(tmpdir(), `svc-otter-${name}-`));
    templates.set(name, template);
    const files: FileTree = { '.orchestrator.yml': readFileSync(join(PROJECT_ROOT, '.orchestrator.yml'), 'utf8') };
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
    writeTree(template, extra);
    git(template, 'add', '-A');
    git(template, 'commit', '-q', '-m', message);
  }
  const dir = tempDir('svc-otter-');
  cpSync(template, dir, { recursive: true });
  return dir;
}
