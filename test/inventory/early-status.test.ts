import { chmodSync, existsSync, mkdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startStatus } from '../../src/adapters/index/gitstate.js';
import { indexPath, peekStatus } from '../../src/adapters/index/peek.js';
import { earlyAnswer, earlyInvocation, startEarlyStatus } from '../../src/cli/early-status.js';
import { git, svc, svcTraced, tempDir, writeTree } from '../helpers/repo.js';
import { catalogRepo, objectFile } from './helpers.js';

const names = (stdout: string) => (JSON.parse(stdout) as { attributes: { name: string } }[]).map((o) => o.attributes.name);

/** Makes `git status` in `dir` wait for a minute (an fsmonitor hook that sleeps): to see that svc does not wait for it. */
function slowStatus(dir: string): void {
  const hook = join(dir, '.git', 'slow-fsmonitor');
  writeTree(dir, { '.git/slow-fsmonitor': '#!/bin/sh\nexec sleep 60\n' });
  chmodSync(hook, 0o755);
  git(dir, 'config', 'core.fsmonitor', hook);
}

describe('which invocations start git status early', () => {
  it('list, show and generate, with -C before or after the command; nothing else', () => {
    expect(earlyInvocation(['list', 'DcimSwitch'])).toEqual({ command: 'list', dir: undefined });
    expect(earlyInvocation(['-C', 'cat', 'show', 'DcimSwitch', 'x'])).toEqual({ command: 'show', dir: 'cat' });
    expect(earlyInvocation(['-Ccat', 'list', 'K'])).toEqual({ command: 'list', dir: 'cat' });
    expect(earlyInvocation(['list', 'K', '--filter', 'a=b', '-C', 'cat'])).toEqual({ command: 'list', dir: 'cat' });
    expect(earlyInvocation(['generate', '--dry-run'])).toEqual({ command: 'generate', dir: undefined });
    for (const args of [[], ['validate'], ['request', 'create', 'x'], ['load', 'list'], ['--help'], ['list', '--help'], ['show', '-h'], ['-V', 'list'], ['--', 'list'], ['--format', 'json', 'list']]) {
      expect(earlyInvocation(args)).toBeUndefined();
    }
  });

  it('only for a catalog with a complete index, in the scope it records', () => {
    const dir = catalogRepo();
    expect(startEarlyStatus(['list', 'DcimSwitch'], dir)).toBeUndefined();
    expect(svc(dir, ['list', 'DcimSwitch']).code).toBe(0);
    expect(peekStatus(indexPath(dir))).toEqual({ scope: 'repo', inventory: 'inventory' });
    const early = startEarlyStatus(['list', 'DcimSwitch'], join(dir, 'inventory'));
    expect(early?.root).toBe(dir);
    early?.pending.cancel();
    expect(startEarlyStatus(['validate'], dir)).toBeUndefined();
    writeTree(dir, { '.svc/index.sqlite': 'not a database' });
    expect(peekStatus(indexPath(dir))).toBeUndefined();
    expect(startEarlyStatus(['list', 'DcimSwitch'], dir)).toBeUndefined();
  });
});

describe('svc list and show with git status asked first', () => {
  it('ask git status once, before anything else, and see uncommitted edits, deletions and new files and folders', () => {
    const dir = catalogRepo();
    expect(svc(dir, ['list', 'DcimGenericDevice']).code).toBe(0);
    const [sw, swText] = objectFile('DcimSwitch', ['atl1-core2'], { name: 'atl1-core2', status: 'active', site: 'ATL1' });
    // A kind with no folder yet: git status shows the new folder, not its file.
    const [pfx, pfxText] = objectFile('IpamPrefix', ['10.0.1.0/24'], { prefix: '10.0.1.0/24' });
    rmSync(join(dir, 'inventory/IpamPrefix'), { recursive: true });
    git(dir, 'commit', '-q', '-am', 'no prefixes');
    expect(svc(dir, ['list', 'IpamPrefix']).stdout).toBe('[]\n');
    writeTree(dir, { [sw]: swText, [pfx]: pfxText });
    unlinkSync(join(dir, 'inventory/DcimRouter/atl1-edge1.json'));
    const r = svcTraced(dir, ['list', 'DcimGenericDevice']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(names(r.stdout)).toEqual(['atl1-core1', 'atl1-core2']);
    expect(r.calls[0]).toMatch(/^status /);
    expect(r.calls.filter((c) => c.startsWith('status '))).toHaveLength(1);
    const p = svcTraced(dir, ['show', 'IpamPrefix', '10.0.1.0/24']);
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout).attributes.prefix).toBe('10.0.1.0/24');
    expect(p.calls.filter((c) => c.startsWith('status '))).toHaveLength(1);
  });

  it('svc generate asks git status once and first too, its first refresh coming before anything it writes', () => {
    const dir = catalogRepo();
    expect(svc(dir, ['generate']).code).toBe(0);
    unlinkSync(join(dir, 'inventory/DcimRouter/atl1-edge1.json'));
    const r = svcTraced(dir, ['generate', '--format', 'json']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(JSON.parse(r.stdout)).toMatchObject({ upToDate: true, targets: [] });
    expect(r.calls[0]).toMatch(/^status /);
    expect(r.calls.filter((c) => c.startsWith('status '))).toHaveLength(1);
    expect(names(svc(dir, ['list', 'DcimGenericDevice']).stdout)).toEqual(['atl1-core1']);
  });

  it('with -C from another folder, and for a catalog inside a bigger repository (status of the inventory folder alone)', () => {
    const dir = catalogRepo();
    mkdirSync(join(dir, 'catalog'));
    for (const f of ['.orchestrator.yml', 'schemas', 'inventory']) git(dir, 'mv', f, `catalog/${f}`);
    writeTree(dir, Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`src/file${i}.txt`, `${i}\n`])));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'a catalog in a bigger repository');
    const elsewhere = tempDir();
    expect(svc(elsewhere, ['-C', join(dir, 'catalog'), 'list', 'LocationSite']).code).toBe(0);
    expect(peekStatus(indexPath(join(dir, 'catalog')))).toEqual({ scope: 'folder', inventory: 'inventory' });
    const [site, siteText] = objectFile('LocationSite', ['ORD1'], { name: 'ORD1' });
    writeTree(join(dir, 'catalog'), { [site]: siteText });
    const r = svcTraced(elsewhere, ['list', 'LocationSite', '-C', join(dir, 'catalog')]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(names(r.stdout)).toEqual(['ATL1', 'ORD1']);
    expect(r.calls[0]).toBe('status --porcelain -z --no-renames --untracked-files=all -- inventory');
    expect(r.calls.filter((c) => c.startsWith('status '))).toHaveLength(1);
  });

  it('the answer serves the catalog it was asked for, found from a folder inside it; no other', async () => {
    const dir = catalogRepo();
    expect(svc(dir, ['list', 'LocationSite']).code).toBe(0);
    const r = svcTraced(join(dir, 'inventory/LocationSite'), ['list', 'LocationSite']);
    expect([r.code, names(r.stdout)]).toEqual([0, ['ATL1']]);
    expect(r.calls[0]).toMatch(/^status /);
    expect(r.calls.filter((c) => c.startsWith('status '))).toHaveLength(1);
    const early = startEarlyStatus(['list', 'LocationSite'], dir);
    expect(await earlyAnswer(early, join(dir, 'inventory'))).toBeUndefined();
    expect(await earlyAnswer(early, dir)).toEqual({ scope: 'repo', text: '' });
  });

  it('a command that fails before it needs the answer stops git and leaves no lock behind', { timeout: 30_000 }, () => {
    const dir = catalogRepo();
    expect(svc(dir, ['list', 'LocationSite']).code).toBe(0);
    slowStatus(dir);
    // Without the stop, svc would wait the minute git status now takes before exiting.
    const r = svc(dir, ['list', 'NoSuchKind']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown kind "NoSuchKind"');
    expect(existsSync(join(dir, '.git/index.lock'))).toBe(false);
    git(dir, 'config', '--unset', 'core.fsmonitor');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });
});

describe('startStatus', () => {
  it('answers with git status in the scope asked; cancel stops a git that still runs', { timeout: 30_000 }, async () => {
    const dir = catalogRepo();
    const [site, siteText] = objectFile('LocationSite', ['ORD1'], { name: 'ORD1' });
    writeTree(dir, { [site]: siteText });
    expect(await startStatus(dir, 'folder', 'inventory').answer).toEqual({ scope: 'folder', text: `?? ${site}\0` });
    slowStatus(dir);
    const pending = startStatus(dir, 'repo', '');
    pending.cancel();
    expect(await pending.answer).toBeUndefined();
    expect(existsSync(join(dir, '.git/index.lock'))).toBe(false);
  });

  it('answers undefined outside a repository (the refresh then reports the problem itself)', async () => {
    expect(await startStatus(tempDir(), 'repo', '').answer).toBeUndefined();
  });
});
