import { existsSync, mkdirSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openInventory } from '../../src/app/inventory.js';
import { GitError } from '../../src/core/errors.js';
import { writeTree } from '../helpers/repo.js';
import { catalogRepo, idOf, load, objectFile, sampleInventory } from './helpers.js';

/**
 * A full build reads the files in this thread for small inventories and in a worker thread for big
 * ones (src/adapters/index/sources.ts). Both must build the very same index: same rows, same blob
 * ids, same problems, same dirty paths, whatever state the work tree is in.
 */
function dump(dbPath: string): Record<string, unknown[]> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    const rows = (t: string) => (db.prepare(`SELECT * FROM "${t}"`).all() as unknown[]).map((r) => JSON.stringify(r)).sort().map((r) => JSON.parse(r) as unknown);
    return Object.fromEntries(tables.map((t) => [t, rows(t)]));
  } finally {
    db.close();
  }
}

function buildWith(dir: string, reader: 'thread' | 'worker', name: string): Record<string, unknown[]> {
  const { catalog, schema } = load(dir);
  const dbPath = join(dir, '.svc', name);
  openInventory(catalog, schema, { dbPath, reader }).close();
  return dump(dbPath);
}

describe('the two readers of a full build', () => {
  it('build identical indexes from a work tree with edits, new, deleted, broken and stray files', () => {
    // Enough files for the worker to send several batches (512 files each).
    const many = Object.fromEntries(Array.from({ length: 1300 }, (_, i) => objectFile('IpamPrefix', [`10.${i >> 8}.${i & 255}.0/24`], { prefix: `10.${i >> 8}.${i & 255}.0/24` })));
    const dir = catalogRepo({ ...sampleInventory(), ...many });
    // Uncommitted: an edit, a new object, a deleted object, a file that is not JSON, a stray non-object file.
    writeTree(dir, Object.fromEntries([
      objectFile('LocationSite', ['ATL1'], { name: 'ATL1', description: 'edited, not committed' }),
      objectFile('DcimSwitch', ['atl1-core2'], { name: 'atl1-core2', status: 'active', site: 'ATL1' }),
    ]));
    unlinkSync(join(dir, 'inventory/DcimRouter/atl1-edge1.json'));
    writeTree(dir, { 'inventory/DcimSwitch/broken.json': '{ "id": ', 'inventory/README.md': 'not an object\n' });
    mkdirSync(join(dir, 'inventory/DcimSwitch/folder.json'));

    const thread = buildWith(dir, 'thread', 'a.sqlite');
    const worker = buildWith(dir, 'worker', 'b.sqlite');
    expect(worker).toEqual(thread);
    // The comparison means something: the work tree's state is in the index.
    const paths = (thread.objects as { path: string }[]).map((r) => r.path);
    expect(paths).toContain('DcimSwitch/atl1-core2.json');
    expect(paths).toContain('DcimSwitch/broken.json');
    expect(paths).not.toContain('DcimRouter/atl1-edge1.json');
    expect(paths).not.toContain('README.md');
    expect((thread.dirty as { path: string }[]).map((r) => r.path)).toEqual([
      'DcimRouter/atl1-edge1.json',
      'DcimSwitch/atl1-core2.json',
      'DcimSwitch/broken.json',
      objectFile('LocationSite', ['ATL1'], {})[0].slice('inventory/'.length),
    ]);
    expect((thread.problems as unknown[]).length).toBe(1);
    expect(paths.filter((p) => p.startsWith('IpamPrefix/'))).toHaveLength(1300);
  });

  it('build identical indexes from an inventory that is not committed at all (every file new)', () => {
    // More than a few batches of new files, which the worker reads last, after git status.
    const many = Object.fromEntries(Array.from({ length: 1300 }, (_, i) => objectFile('IpamPrefix', [`10.${i >> 8}.${i & 255}.0/24`], { prefix: `10.${i >> 8}.${i & 255}.0/24` })));
    const dir = catalogRepo({ ...sampleInventory(), ...many }, { commit: false });
    const thread = buildWith(dir, 'thread', 'a.sqlite');
    expect(buildWith(dir, 'worker', 'b.sqlite')).toEqual(thread);
    expect(thread.objects).toHaveLength(1306);
    expect(thread.dirty).toHaveLength(1306);
    expect(thread.problems).toEqual([]);
  });

  it('a worker-built index is then refreshed incrementally like any other', () => {
    const dir = catalogRepo();
    const { catalog, schema } = load(dir);
    const first = openInventory(catalog, schema, { reader: 'worker' });
    expect(first.how).toBe('rebuilt');
    first.close();
    writeTree(dir, Object.fromEntries([objectFile('LocationSite', ['ATL1'], { name: 'ATL1', description: 'changed' })]));
    const again = openInventory(catalog, schema);
    try {
      expect(again.how).toBe('incremental');
      expect(again.get(idOf('LocationSite', ['ATL1']))!.attributes.description).toBe('changed');
    } finally {
      again.close();
    }
  });

  it.each(['thread', 'worker'] as const)('a git failure while building (%s) is a GitError, and no index or temporary file is left', (reader) => {
    const dir = catalogRepo();
    // A corrupt git index: `git rev-parse` still answers, `git status` cannot.
    writeFileSync(join(dir, '.git/index'), 'garbage'.repeat(100));
    const { catalog, schema } = load(dir);
    let error: unknown;
    try {
      openInventory(catalog, schema, { reader }).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GitError);
    expect((error as Error).message).toMatch(/^git (status|ls-files) failed: [^]*index file corrupt/);
    expect(existsSync(join(dir, '.svc/index.sqlite'))).toBe(false);
    expect(readdirSync(join(dir, '.svc')).filter((f) => f !== '.gitignore' && f !== 'swept-temp-1')).toEqual([]);
    rmSync(join(dir, '.svc'), { recursive: true });
  });
});
