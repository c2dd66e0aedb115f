import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromTemplate } from '../helpers/otter.js';
import { git, svc, tempDir, writeTree } from '../helpers/repo.js';
import { catalogFiles, leftovers, svcKilledAt } from './helpers.js';

const NOW = { SVC_NOW: '2026-01-01T00:00:00Z' };

/** A catalog from `svc init` with two hand-written subscriptions committed: generate then writes and deletes files. */
function withSubscriptions(): string {
  return fromTemplate('init-subs', () => {
    const parent = tempDir();
    if (svc(parent, ['init', 'cat']).code !== 0) throw new Error('init failed');
    const repo = join(parent, 'cat');
    const json = (o: Record<string, unknown>) => `${JSON.stringify(o, null, 2)}\n`;
    for (const [sid, site] of [['cv-01', 'site-a'], ['cv-02', 'site-b']] as const) {
      const id = `00000000000000${sid.slice(-2)}`;
      const block = `0000000000000b${sid.slice(-2)}`;
      writeTree(repo, {
        [`inventory/ProductCustomerVlan/${sid}.json`]: json({ id, subscription_id: sid, product: 'customer vlan', customer: 'acme', status: 'provisioning', insync: true, version: 1, customer_vlan: { id: block } }),
        [`inventory/BlockCustomerVlan/${block}.json`]: json({ id: block, site, subscription: { kind: 'ProductCustomerVlan', hfid: sid } }),
      });
    }
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'two subscriptions');
    return repo;
  });
}

let generated: { before: string; after: string; n: number } | undefined;
function generateBaseline(): NonNullable<typeof generated> {
  if (generated) return generated;
  const before = withSubscriptions();
  const after = withSubscriptions();
  const r = svc(after, ['generate', '--format', 'json'], { env: NOW });
  if (r.code !== 0) throw new Error(r.stderr);
  const files = (JSON.parse(r.stdout) as { files: { written: unknown[]; deleted: unknown[] } }).files;
  generated = { before: JSON.stringify(catalogFiles(before)), after: JSON.stringify(catalogFiles(after)), n: files.written.length + files.deleted.length };
  return generated;
}

describe('svc generate killed at any write step', () => {
  it.each(['stage:1', 'commit:1', 'committed:1', 'apply:2', 'apply:last', 'cleanup:1'])('killed at %s: as before or after, and a second generate has nothing to do', (at) => {
    const b = generateBaseline();
    expect(b.n).toBeGreaterThan(2);
    const spec = at.replace('last', String(b.n));
    const dir = withSubscriptions();
    const k = svcKilledAt(dir, ['generate'], spec, NOW);
    expect(k.signal, k.stderr).toBe('SIGKILL');
    const check = svc(dir, ['generate', '--check'], { env: NOW });
    const now = JSON.stringify(catalogFiles(dir));
    if (spec.startsWith('stage') || spec === 'commit:1') {
      expect(now).toBe(b.before);
      expect(check.code).toBe(1);
    } else {
      expect(now).toBe(b.after);
      expect(check.code, check.stdout + check.stderr).toBe(0);
    }
    expect(leftovers(dir)).toEqual([]);
    expect(svc(dir, ['validate']).code).toBe(0);
  });
});

describe('svc init killed at any step', () => {
  it.each(['stage:1', 'committed:1', 'init-built:1'])('into a new folder, killed at %s: no folder; the next init makes it and removes the staging', (spec) => {
    const parent = tempDir();
    const k = svcKilledAt(parent, ['init', 'cat'], spec);
    expect(k.signal, k.stderr).toBe('SIGKILL');
    expect(existsSync(join(parent, 'cat'))).toBe(false);
    const r = svc(parent, ['init', 'cat']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(parent)).toEqual(['cat']);
    expect(git(join(parent, 'cat'), 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  // The bootstrap load in the staging folder is the first transaction; putting the catalog in place, the second.
  it.each(['init-built:1', 'commit:2', 'committed:2', 'apply:40', 'cleanup:2'])('into an empty folder, killed at %s: empty, or the whole catalog once the next command ran', (spec) => {
    const parent = tempDir();
    const dir = join(parent, 'cat');
    mkdirSync(dir);
    const k = svcKilledAt(parent, ['init', 'cat'], spec);
    expect(k.signal, k.stderr).toBe('SIGKILL');
    const after = !spec.startsWith('init-built') && spec !== 'commit:2';
    if (after) {
      // Any command in the folder finishes the move.
      const v = svc(dir, ['validate']);
      expect(v.code, v.stdout + v.stderr).toBe(0);
      expect(git(dir, 'log', '--format=%s')).toBe('svc init: an example catalog\n');
      expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
      expect(leftovers(dir)).toEqual([]);
      expect(readdirSync(parent)).toEqual(['cat']);
    } else {
      // The next init finds it empty (what svc itself left there is removed) and makes the catalog.
      expect(Object.keys(catalogFiles(dir))).toEqual([]);
      const r = svc(parent, ['init', 'cat']);
      expect(r.code, r.stderr).toBe(0);
      expect(readdirSync(parent)).toEqual(['cat']);
      expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    }
  });
});
