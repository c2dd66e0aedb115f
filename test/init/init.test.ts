import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { initCatalog, targetPath } from '../../src/app/init.js';
import { ValidationError } from '../../src/core/errors.js';
import { git, PROJECT_ROOT, svc, tempDir, writeTree } from '../helpers/repo.js';

const NOW = { SVC_NOW: '2026-01-01T00:00:00Z' };

function init(parent: string, ...args: string[]) {
  return svc(parent, ['init', ...args]);
}

/** A subscription to the example's Customer VLAN product, written by hand as its two object files. */
function subscription(repo: string, sid: string, site: string): void {
  const json = (o: Record<string, unknown>) => `${JSON.stringify(o, null, 2)}\n`;
  const id = `00000000000000${sid.slice(-2)}`;
  const block = `0000000000000b${sid.slice(-2)}`;
  writeTree(repo, {
    [`inventory/ProductCustomerVlan/${sid}.json`]: json({ id, subscription_id: sid, product: 'customer vlan', customer: 'acme', status: 'provisioning', insync: true, version: 1, customer_vlan: { id: block } }),
    [`inventory/BlockCustomerVlan/${block}.json`]: json({ id: block, site, subscription: { kind: 'ProductCustomerVlan', hfid: sid } }),
  });
}

describe('svc init', () => {
  it('makes a catalog in a new folder: one commit, a clean tree, validate and generate --check pass', () => {
    const parent = tempDir();
    const r = init(parent, 'cat');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('catalog created in');
    const repo = join(parent, 'cat');
    for (const f of ['.gitignore', '.orchestrator.yml', '.github/workflows/svc.yml', 'schemas/network.yml', 'products/customer-vlan.yml', 'generators/customer_vlan.ts', 'bootstrap/04_pools.yml', 'inventory/CoreNumberPool']) {
      expect(existsSync(join(repo, f)), f).toBe(true);
    }
    expect(readFileSync(join(repo, '.gitignore'), 'utf8')).toContain('.svc/');
    expect(git(repo, 'log', '--format=%s')).toBe('svc init: an example catalog\n');
    expect(git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(git(repo, 'ls-files', 'inventory').split('\n').filter(Boolean).length).toBe(14);
    const v = svc(repo, ['validate']);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('14 objects: 0 errors, 0 warnings');
    const g = svc(repo, ['generate', '--check'], { env: NOW });
    expect(g.code).toBe(0);
    expect(svc(repo, ['validate', '--base', 'main']).code).toBe(0);
  });

  it('the example generator allocates a VLAN from the pool for a hand-written subscription, and converges', () => {
    const parent = tempDir();
    mkdirSync(join(parent, 'empty'));
    expect(init(parent, 'empty', '--format', 'json').code).toBe(0);
    const repo = join(parent, 'empty');
    subscription(repo, 'cv-01', 'site-a');
    subscription(repo, 'cv-02', 'site-b');
    expect(svc(repo, ['generate', '--check'], { env: NOW }).code).toBe(1);
    const g = svc(repo, ['generate', '--format', 'json'], { env: NOW });
    expect(g.stderr).toBe('');
    expect(g.code).toBe(0);
    const vlan = (sid: string) => JSON.parse(readFileSync(join(repo, `inventory/IpamVLAN/vlan-${sid}.json`), 'utf8')) as Record<string, unknown>;
    expect(vlan('cv-01')).toMatchObject({ name: 'vlan-cv-01', vlan_id: 100, status: 'active', site: 'site-a' });
    expect(vlan('cv-02')).toMatchObject({ vlan_id: 101, site: 'site-b' });
    expect(JSON.parse(readFileSync(join(repo, 'inventory/ProductCustomerVlan/cv-01.json'), 'utf8'))).toMatchObject({ status: 'active' });
    expect(svc(repo, ['generate', '--check'], { env: NOW }).code).toBe(0);
    expect(svc(repo, ['validate']).code).toBe(0);
  });

  it('svc request create runs the generator whose targets name the product (the product file names none)', () => {
    const parent = tempDir();
    expect(init(parent, 'cat').code).toBe(0);
    const repo = join(parent, 'cat');
    const r = svc(repo, ['request', 'create', 'customer vlan', '--customer', 'acme', '--set', 'site=site-a', '--format', 'json'], { env: NOW });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { status: string; branch: string; targets: { generator: string | null }[] };
    expect(out.status).toBe('active');
    expect(out.targets.map((t) => t.generator)).toEqual(['customer_vlan']);
    expect(JSON.parse(git(repo, 'show', `${out.branch}:inventory/IpamVLAN/vlan-cvlan-0001.json`))).toMatchObject({ vlan_id: 100, site: 'site-a' });
  });

  it('the workflow\'s checks pass on a pull request branch against origin/main, as CI runs them', () => {
    const parent = tempDir();
    expect(init(parent, 'cat').code).toBe(0);
    const repo = join(parent, 'cat');
    git(parent, 'init', '-q', '--bare', 'remote.git');
    git(repo, 'remote', 'add', 'origin', join(parent, 'remote.git'));
    git(repo, 'push', '-q', 'origin', 'main');
    git(repo, 'switch', '-q', '-c', 'request/cv-01');
    subscription(repo, 'cv-01', 'site-a');
    const gen = svc(repo, ['generate'], { env: NOW });
    expect(gen.code, gen.stdout + gen.stderr).toBe(0);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'cv-01');
    const review = svc(repo, ['validate', '--base', 'origin/main', '--format', 'github']);
    expect(review.stdout).toBe('');
    expect(review.code).toBe(0);
    const check = svc(repo, ['generate', '--check'], { env: NOW });
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it('refuses a folder that is not empty (exit 2) and writes nothing', () => {
    const parent = tempDir();
    const dir = join(parent, 'busy');
    writeTree(dir, { 'notes.txt': 'mine\n' });
    const r = init(parent, 'busy');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[init/not-empty]: busy is not empty: nothing was written');
    expect(r.stderr).toContain('--force');
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('refuses a path that is a file', () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'f'), 'x');
    const r = init(parent, 'f');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[init/not-a-folder]');
    expect(readFileSync(join(parent, 'f'), 'utf8')).toBe('x');
  });

  it('with --force writes into a non-empty folder, keeping (and not committing) the files already there', () => {
    const parent = tempDir();
    const dir = join(parent, 'busy');
    writeTree(dir, { 'notes.txt': 'mine\n', 'staged.txt': 'also mine\n' });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', 'staged.txt');
    const r = init(parent, 'busy', '--force');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('A  staged.txt\n?? notes.txt\n');
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD')).not.toContain('staged.txt');
    expect(svc(dir, ['validate']).code).toBe(0);
  });

  it('runs the settle workflow on the branch the repository is on: main when init makes it, its own with --force', () => {
    const parent = tempDir();
    const settleBranches = (dir: string) => (parse(readFileSync(join(dir, '.github/workflows/svc-settle.yml'), 'utf8')) as { on: { push: { branches: unknown[] } } }).on.push.branches;
    expect(init(parent, 'fresh').code).toBe(0);
    expect(settleBranches(join(parent, 'fresh'))).toEqual(['main']);
    expect(readFileSync(join(parent, 'fresh', '.github/workflows/svc-settle.yml'), 'utf8')).toBe(readFileSync(join(PROJECT_ROOT, 'templates/init/dot-github/workflows/svc-settle.yml'), 'utf8'));
    for (const branch of ['trunk', '1.0']) {
      const dir = join(parent, `on-${branch}`);
      writeTree(dir, { 'notes.txt': 'mine\n' });
      git(dir, 'init', '-q', '-b', branch);
      expect(init(parent, `on-${branch}`, '--force').code).toBe(0);
      expect(settleBranches(dir)).toEqual([branch]);
      expect(git(dir, 'branch', '--show-current').trim()).toBe(branch);
    }
  });

  it('writes a GitHub Actions workflow that is valid YAML and runs the checks and the diff on pull requests', () => {
    const text = readFileSync(join(PROJECT_ROOT, 'templates/init/dot-github/workflows/svc.yml'), 'utf8');
    const wf = parse(text) as { on: Record<string, unknown>; jobs: Record<string, { steps: { name?: string; run?: string; uses?: string }[] }> };
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    const runs = Object.values(wf.jobs).flatMap((j) => j.steps).map((s) => s.run ?? '');
    const has = (needle: string) => runs.some((r) => r.includes(needle));
    expect(has('npm install -g')).toBe(true);
    expect(has('svc generate --check')).toBe(true);
    expect(has('svc validate --base "origin/$BASE_REF" --format github')).toBe(true);
    expect(has('--format markdown')).toBe(true);
    // The comment is posted by svc-comment.yml (test/init/workflows.test.ts), not by this job.
    expect(has('gh ')).toBe(false);
    // --base reads the base branch's commits: the checkout must fetch the history.
    expect(text).toContain('fetch-depth: 0');
  });

  it('leaves the package the workflow installs svc from empty unless given, and the workflow then stops saying so', () => {
    const parent = tempDir();
    const r = init(parent, 'cat');
    expect(r.stdout).toContain('to do: set SVC_PACKAGE in .github/workflows/svc.yml');
    const text = readFileSync(join(parent, 'cat', '.github/workflows/svc.yml'), 'utf8');
    const wf = parse(text) as { env: Record<string, string>; jobs: Record<string, { steps: { name?: string; run?: string }[] }> };
    // Never a registry name by default: the public `svc` package is another tool.
    expect(wf.env.SVC_PACKAGE).toBe('');
    const install = Object.values(wf.jobs).flatMap((j) => j.steps).find((s) => s.name === 'Install svc')!.run!;
    const ran = spawnSync('bash', ['-e', '-c', install], { env: { PATH: process.env.PATH, SVC_PACKAGE: '' }, encoding: 'utf8' });
    expect(ran.status).toBe(1);
    expect(ran.stdout).toContain('::error file=.github/workflows/svc.yml::SVC_PACKAGE is not set');
  });

  it('--svc-package fills in that one line, and a spec that is not one is refused with nothing written', () => {
    const parent = tempDir();
    const r = init(parent, 'cat', '--svc-package', 'github:otter-net/svc#4f2a9c1', '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).svcPackage).toBe('github:otter-net/svc#4f2a9c1');
    const written = readFileSync(join(parent, 'cat', '.github/workflows/svc.yml'), 'utf8');
    expect((parse(written) as { env: Record<string, string> }).env.SVC_PACKAGE).toBe('github:otter-net/svc#4f2a9c1');
    const template = readFileSync(join(PROJECT_ROOT, 'templates/init/dot-github/workflows/svc.yml'), 'utf8');
    expect(written).toBe(template.replace('SVC_PACKAGE: ""', 'SVC_PACKAGE: "github:otter-net/svc#4f2a9c1"'));
    const settle = parse(readFileSync(join(parent, 'cat', '.github/workflows/svc-settle.yml'), 'utf8')) as { env: Record<string, string> };
    expect(settle.env.SVC_PACKAGE).toBe('github:otter-net/svc#4f2a9c1');
    const bad = init(parent, 'other', '--svc-package', 'svc latest');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a package spec');
    expect(existsSync(join(parent, 'other'))).toBe(false);
  });

  it('writes a second workflow that settles merged requests on the default branch and releases nothing', () => {
    const wf = parse(readFileSync(join(PROJECT_ROOT, 'templates/init/dot-github/workflows/svc-settle.yml'), 'utf8')) as { on: { push: { branches: string[] } }; permissions: Record<string, string>; env: Record<string, string>; jobs: Record<string, { steps: { name?: string; run?: string; with?: Record<string, unknown> }[] }> };
    expect(wf.on.push.branches).toEqual(['main']);
    expect(wf.permissions).toEqual({ contents: 'write' });
    expect(wf.env.SVC_PACKAGE).toBe('');
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
    expect(steps.map((x) => x.run ?? '').filter((r) => r.startsWith('svc '))).toEqual(['svc pools gc --settle-only']);
    expect(steps.find((x) => x.with?.['fetch-depth'] !== undefined)?.with?.['fetch-depth']).toBe(0);
  });

  it('maps dot- path components of the templates to dotfiles', () => {
    expect(targetPath('dot-github/workflows/svc.yml')).toBe('.github/workflows/svc.yml');
    expect(targetPath('dot-gitignore')).toBe('.gitignore');
    expect(targetPath('schemas/network.yml')).toBe('schemas/network.yml');
  });
});

describe('svc init (in-process): failures leave nothing behind', () => {
  it('templates that are missing are a usage error, and no folder is made', () => {
    const parent = tempDir();
    expect(() => initCatalog('cat', parent, { templates: join(parent, 'nowhere') })).toThrowError(/no templates in/);
    expect(existsSync(join(parent, 'cat'))).toBe(false);
  });

  it('bootstrap objects that do not load: a validation error, and the folder it made is removed', () => {
    const parent = tempDir();
    const templates = join(parent, 'templates');
    cpSync(join(PROJECT_ROOT, 'templates/init'), templates, { recursive: true });
    writeTree(templates, { 'bootstrap/05_broken.yml': 'apiVersion: infrahub.app/v1\nkind: Object\nspec:\n  kind: DcimDevice\n  data:\n    - name: lost\n      role: core\n      site: nowhere\n' });
    let caught: unknown;
    try {
      initCatalog('cat', parent, { templates });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).code).toBe('init/bad-template');
    expect((caught as ValidationError).diagnostics.some((d) => d.file === 'bootstrap/05_broken.yml')).toBe(true);
    expect(existsSync(join(parent, 'cat'))).toBe(false);
  });

  it('into an empty folder that existed, a failure empties it again', () => {
    const parent = tempDir();
    mkdirSync(join(parent, 'cat'));
    const templates = join(parent, 'templates');
    cpSync(join(PROJECT_ROOT, 'templates/init'), templates, { recursive: true });
    writeTree(templates, { 'dot-orchestrator.yml': 'schemas: [schemas]\nnot_a_key: 1\n' });
    expect(() => initCatalog('cat', parent, { templates })).toThrowError(/template .orchestrator.yml is invalid/);
    expect(readdirSync(join(parent, 'cat'))).toEqual([]);
  });
});
