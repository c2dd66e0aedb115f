import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_PARTS } from '../../src/app/demo.js';
import { git, PROJECT_ROOT, svc, tempDir } from '../helpers/repo.js';

const NOW = { SVC_NOW: '2026-01-01T00:00:00Z' };

describe('svc demo (the README\'s first command)', () => {
  it('builds the Otter-net catalog in a new folder, requests one service, and prints the diff and where to go on', () => {
    const parent = tempDir();
    const r = svc(parent, ['demo', '--dir', 'otter'], { env: NOW });
    expect(r.stderr.replace(/note: reservations are recorded in this repository only[^\n]*\n/, '')).toBe('');
    expect(r.code).toBe(0);
    const dir = join(parent, 'otter');
    expect(r.stdout).toContain(`Otter-net scratch catalog: ${dir}\n`);
    expect(r.stdout).toContain('✓ create dia-0001 (dedicated internet, Acme Corp): active\n');
    expect(r.stdout).toContain('ProductDedicatedInternet dia-0001 (dedicated internet 1000): new → active');
    expect(r.stdout).toContain(`Go on from here:\n  cd ${dir}\n  svc request list\n  svc request show dia-0001\n`);
    // A repository with the catalog on main, the request on its branch, and a clean checkout.
    expect(git(dir, 'log', '--format=%s', 'main').trim().split('\n')).toHaveLength(1);
    expect(git(dir, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('main');
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Svc-Request,valueonly)', 'request/dia-0001').trim()).toBe('dia-0001');
    // What it tells the user to do next works there.
    expect(svc(dir, ['validate']).code).toBe(0);
    const shown = svc(dir, ['request', 'show', 'dia-0001', '--format', 'json']);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ requestId: 'dia-0001', state: 'open', customer: 'Acme Corp' });
  });

  it('works on a machine without a git identity: the scratch catalog gets one of its own', () => {
    const r = svc(tempDir(), ['demo', '--dir', 'd', '--format', 'json'], { env: { ...NOW, GIT_AUTHOR_NAME: undefined, GIT_AUTHOR_EMAIL: undefined, GIT_COMMITTER_NAME: undefined, GIT_COMMITTER_EMAIL: undefined } });
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
  });

  it('--format json is the request\'s own JSON', () => {
    const r = svc(tempDir(), ['demo', '--dir', 'd', '--format', 'json'], { env: NOW });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ request: 'dia-0001', action: 'create', status: 'active', dryRun: false, branch: 'request/dia-0001' });
  });

  it('a --dir that is not empty is refused (exit 2) and left as it was', () => {
    const parent = tempDir();
    const dir = join(parent, 'busy');
    git(parent, 'init', '-q', 'busy');
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    const r = svc(parent, ['demo', '--dir', 'busy'], { env: NOW });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[demo/not-empty]');
    expect(readdirSync(dir).sort()).toEqual(['.git', 'notes.txt']);
  });

  it('copies, and the package ships, every folder and file the example .orchestrator.yml names', () => {
    const config = load(readFileSync(join(PROJECT_ROOT, '.orchestrator.yml'), 'utf8')) as Record<string, unknown>;
    const named = new Set<string>(['.orchestrator.yml']);
    for (const value of Object.values(config)) {
      if (typeof value === 'string') named.add(value);
      if (!Array.isArray(value)) continue;
      for (const e of value as unknown[]) {
        if (typeof e === 'string') named.add(e);
        else for (const k of ['file_path', 'template_path']) if (typeof (e as Record<string, unknown>)[k] === 'string') named.add((e as Record<string, string>)[k]!);
      }
    }
    const under = (parts: string[]) => (path: string) => parts.some((p) => path === p || path.startsWith(`${p}/`));
    const files = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { files: string[] }).files;
    // The inventory is the demo's own, built from bootstrap/.
    const paths = [...named].filter((p) => p !== config.inventory);
    expect(paths.filter((p) => !under(EXAMPLE_PARTS)(p))).toEqual([]);
    expect(paths.filter((p) => !under(files)(p))).toEqual([]);
    expect(paths).toContain('checks/unique_customer_port.ts');
  });
});
