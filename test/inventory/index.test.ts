import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { blobId, listObjectFiles } from '../../src/adapters/inventory/files.js';
import type { FileChange } from '../../src/adapters/index/ingest.js';
import { compileLayout } from '../../src/adapters/index/layout.js';
import { IndexReader, listingStatement } from '../../src/adapters/index/reader.js';
import { applyTreeChanges } from '../../src/adapters/index/refresh.js';
import { openInventory } from '../../src/app/inventory.js';
import { git, writeTree } from '../helpers/repo.js';
import { catalogRepo, idOf, load, objectFile, sampleInventory, withInventory, FIXTURE_SCHEMA } from './helpers.js';
import { dirtyPaths, gitView } from '../../src/adapters/index/gitstate.js';

const sw = idOf('DcimSwitch', ['atl1-core1']);
const names = (objs: { attributes: Record<string, unknown> }[]) => objs.map((o) => o.attributes.name);

describe('the SQLite index', () => {
  it('builds from the files, with typed values, both directions and a gitignored .svc folder', () => {
    const dir = catalogRepo();
    withInventory(dir, (inv) => {
      expect(inv.how).toBe('rebuilt');
      expect(inv.problems()).toEqual([]);
      const s = inv.get(sw)!;
      expect(s.attributes).toEqual({ asn: 65001, managed: true, name: 'atl1-core1', status: 'active' });
      expect(s.relationships).toEqual({ site: { id: idOf('LocationSite', ['ATL1']), kind: 'LocationSite' } });
      expect(names(inv.list('DcimGenericDevice'))).toEqual(['atl1-edge1', 'atl1-core1']);
      expect(names(inv.query('DcimInterface', { enabled: true }))).toEqual(['Ethernet1/1']);
      expect(inv.findByHfid('DcimGenericDevice', ['atl1-edge1'])?.kind).toBe('DcimRouter');
      expect(inv.hfidOf(idOf('DcimInterface', ['atl1-core1', 'Ethernet1/1']))).toEqual(['atl1-core1', 'Ethernet1/1']);
      expect(inv.pathOf(sw)).toBe('inventory/DcimSwitch/atl1-core1.json');
      const rels = inv.relationsOf(sw).map((r) => [r.name, r.direction, r.peers.map((p) => inv.hfidOf(p.id)?.join('/'))]);
      expect(rels).toEqual([
        ['interfaces', 'in', ['atl1-core1/Ethernet1/1', 'atl1-core1/Ethernet1/2']],
        ['site', 'out', ['ATL1']],
      ]);
      const vlan = inv.list('IpamVlan')[0]!;
      expect(inv.relationsOf(vlan.id).map((r) => [r.name, r.direction, r.peers.length])).toEqual([['interfaces', 'in', 1]]);
    });
    expect(readFileSync(join(dir, '.svc/.gitignore'), 'utf8')).toBe('*\n');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('compiles the schema into STRICT typed tables with unique indexes', () => {
    const dir = catalogRepo();
    withInventory(dir, () => undefined);
    const db = new Database(join(dir, '.svc/index.sqlite'), { readonly: true });
    const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'k_DcimSwitch'").pluck().get() as string;
    expect(sql).toContain('"a_asn" INTEGER');
    expect(sql).toContain('"a_managed" INTEGER');
    expect(sql).toContain('"r_site" TEXT');
    expect(sql).toMatch(/STRICT$/);
    const idx = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'uc_DcimInterface_0'").pluck().get() as string;
    expect(idx).toContain('CREATE UNIQUE INDEX');
    expect(idx).toContain('"r_device", "a_name"');
    // Lookups by device use that index: a second one on r_device alone is not built.
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'k_DcimInterface'").pluck().all()).toEqual(['uc_DcimInterface_0']);
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT rid FROM k_DcimInterface WHERE r_device = ?').all('x') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('USING COVERING INDEX uc_DcimInterface_0 (r_device=?)');
    // Other `one` relationships keep an index of their own.
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'i_k_DcimSwitch_r_site'").pluck().get()).toBe(1);
    db.close();
  });

  it('lists a kind from its own table outward, whatever the other kinds hold, and reads the index memory-mapped', () => {
    const dir = catalogRepo();
    withInventory(dir, (inv) => {
      const t = compileLayout(inv.schema).kinds.get('DcimInterface')!;
      const plan = (filter: Record<string, string>, peers: Record<string, string | null>) => {
        const st = listingStatement(t, filter, peers)!;
        return (inv.database.prepare(`EXPLAIN QUERY PLAN ${st.sql}`).all(...st.params) as { detail: string }[]).map((p) => p.detail);
      };
      // Never the whole path index of every object (SQLite's choice without CROSS JOIN, to skip a sort).
      for (const p of [plan({}, {}), plan({ name: 'Ethernet1' }, {}), plan({}, { device: sw })]) {
        expect(p[0]).toMatch(/^(SCAN|SEARCH) k\b/);
        expect(p.join(' ; ')).not.toContain('i_objects_path');
      }
      expect(plan({}, { device: sw })[0]).toContain('uc_DcimInterface_0');
      expect(inv.database.pragma('mmap_size', { simple: true })).toBeGreaterThan(0);
    });
  });

  it('refreshes incrementally after a commit, and after a branch switch', () => {
    const dir = catalogRepo();
    withInventory(dir, () => undefined);
    const [p, t] = objectFile('DcimSwitch', ['atl1-core1'], { name: 'atl1-core1', status: 'planned', site: 'ATL1' });
    git(dir, 'checkout', '-q', '-b', 'change');
    writeTree(dir, { [p]: t });
    git(dir, 'commit', '-qam', 'plan it');
    withInventory(dir, (inv) => {
      expect(inv.how).toBe('incremental');
      expect(inv.get(sw)!.attributes.status).toBe('planned');
      expect(inv.get(sw)!.attributes.asn).toBeUndefined();
    });
    withInventory(dir, (inv) => expect(inv.how).toBe('fresh'));
    git(dir, 'checkout', '-q', 'main');
    withInventory(dir, (inv) => {
      expect(inv.how).toBe('incremental');
      expect(inv.get(sw)!.attributes.status).toBe('active');
    });
  });

  it('asks git status about the whole tree when the inventory is most of it, and still sees every new file', () => {
    const dir = catalogRepo({ ...sampleInventory(), 'inventory/.gitignore': 'drafts/\n' });
    const statusOf = (d: string) => {
      withInventory(d, () => undefined);
      const db = new Database(join(d, '.svc/index.sqlite'), { readonly: true });
      const v = db.prepare("SELECT value FROM meta WHERE key = 'status'").pluck().get();
      db.close();
      return v;
    };
    expect(statusOf(dir)).toBe('repo');
    // New folders (git status shows them as folders), one nested, one ignored, one only ignored files.
    const [sw, swText] = objectFile('DcimSwitch', ['atl1-core2'], { name: 'atl1-core2', status: 'active', site: 'ATL1' });
    const ifaces = ['Ethernet1/1', 'Ethernet1/2'].map((n) => objectFile('DcimInterface', ['atl1-core2', n], { name: n, device: { kind: 'DcimSwitch', hfid: 'atl1-core2' } }));
    writeTree(dir, { [sw]: swText, ...Object.fromEntries(ifaces), 'inventory/LocationSite/drafts/x.json': '{}\n', 'inventory/IpamVlan/notes/drafts/y.json': '{}\n' });
    const { catalog } = load(dir);
    const g = gitView(catalog.inventory, catalog.root)!;
    const whole = dirtyPaths(g, 'repo');
    expect(whole).toEqual(dirtyPaths(g, 'folder'));
    expect(whole).toEqual([...ifaces.map(([p]) => p), sw].map((p) => p.slice('inventory/'.length)).sort());
    withInventory(dir, (inv) => {
      expect(inv.how).toBe('incremental');
      expect(inv.list('DcimInterface').filter((o) => inv.hfidOf(o.id)?.[0] === 'atl1-core2')).toHaveLength(2);
    });
    // A catalog inside a bigger repository: status asks about the inventory folder alone.
    const big = catalogRepo({ ...sampleInventory(), ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`src/file${i}.txt`, `${i}\n`])) });
    expect(statusOf(big)).toBe('folder');
  });

  it('sees uncommitted edits, deletes and new files, and their reverts', () => {
    const dir = catalogRepo();
    withInventory(dir, () => undefined);
    const [p, t] = objectFile('DcimSwitch', ['atl1-core2'], { name: 'atl1-core2', status: 'active', site: 'ATL1' });
    writeTree(dir, { [p]: t });
    unlinkSync(join(dir, 'inventory/DcimRouter/atl1-edge1.json'));
    const [ps, ts] = objectFile('LocationSite', ['ATL1'], { name: 'ATL1', description: 'edited' });
    writeTree(dir, { [ps]: ts });
    withInventory(dir, (inv) => {
      expect(inv.how).toBe('incremental');
      expect(names(inv.list('DcimGenericDevice'))).toEqual(['atl1-core1', 'atl1-core2']);
      expect(inv.list('LocationSite')[0]!.attributes.description).toBe('edited');
    });
    git(dir, 'checkout', '-q', '--', '.');
    rmSync(join(dir, p));
    withInventory(dir, (inv) => {
      expect(names(inv.list('DcimGenericDevice'))).toEqual(['atl1-edge1', 'atl1-core1']);
      expect(inv.list('LocationSite')[0]!.attributes.description).toBe('Atlanta');
    });
  });

  it('rebuilds when the index is deleted, corrupt, or the schema changed', () => {
    const dir = catalogRepo();
    const db = join(dir, '.svc/index.sqlite');
    withInventory(dir, () => undefined);
    rmSync(db);
    withInventory(dir, (inv) => expect(inv.how).toBe('rebuilt'));
    writeFileSync(db, 'this is not a database, just garbage '.repeat(200));
    withInventory(dir, (inv) => {
      expect(inv.how).toBe('rebuilt');
      expect(inv.list('DcimInterface')).toHaveLength(2);
    });
    withInventory(dir, (inv) => expect(inv.how).toBe('fresh'));
    writeTree(dir, { 'schemas/inventory.yml': FIXTURE_SCHEMA.replace('      - name: loopback', '      - name: serial\n        kind: Text\n        optional: true\n      - name: loopback') });
    withInventory(dir, (inv) => expect(inv.how).toBe('rebuilt'));
  });

  it('outside git it rebuilds every time', () => {
    const dir = catalogRepo();
    rmSync(join(dir, '.git'), { recursive: true });
    withInventory(dir, (inv) => expect(inv.how).toBe('rebuilt'));
    withInventory(dir, (inv) => {
      expect(inv.how).toBe('rebuilt');
      expect(inv.list('DcimInterface')).toHaveLength(2);
    });
  });

  it('keeps building from bad committed data and reports it: bad files, dangling references, broken uniqueness', () => {
    const [p1, t1] = objectFile('DcimInterface', ['atl1-core1', 'Ethernet1/1'], { name: 'Ethernet1/1', device: { kind: 'DcimSwitch', hfid: 'atl1-core1' } }, 'dup');
    const [p2] = objectFile('DcimInterface', ['atl1-core1', 'Ethernet1/1'], {});
    const dir = catalogRepo({
      ...Object.fromEntries([objectFile('DcimSwitch', ['atl1-core1'], { name: 'atl1-core1', status: 'active', site: 'NOWHERE' })]),
      [p1.replace('.json', '-copy.json')]: t1,
      'inventory/DcimSwitch/broken.json': '{\n  "id": "0123456789abcdef",\n',
    });
    void p2;
    withInventory(dir, (inv) => {
      const found = inv.problems().map((d) => [d.code, d.file]);
      expect(found).toContainEqual(['inventory/bad-json', 'inventory/DcimSwitch/broken.json']);
      expect(found).toContainEqual(['inventory/dangling-reference', 'inventory/DcimSwitch/atl1-core1.json']);
      expect(found).toContainEqual(['inventory/path-mismatch', 'inventory/DcimInterface/atl1-core1/ethernet1-1~12804403-copy.json']);
      const dangling = inv.problems().find((d) => d.code === 'inventory/dangling-reference')!;
      expect(dangling.message).toBe('site: no object LocationSite ["NOWHERE"]');
      expect(dangling.line).toBe(5);
      expect(inv.list('DcimSwitch')).toHaveLength(1);
    });
  });

  it('records uniqueness violations in committed data instead of failing', () => {
    const dir = catalogRepo(Object.fromEntries([
      objectFile('LocationSite', ['ATL1'], { name: 'ATL1' }),
      objectFile('DcimSwitch', ['a'], { name: 'a', status: 'active', site: 'ATL1' }),
      objectFile('DcimSwitch', ['b'], { name: 'a', status: 'active', site: 'ATL1' }),
    ]));
    withInventory(dir, (inv) => {
      const v = inv.problems().filter((d) => d.code === 'inventory/unique-violation');
      expect(v.map((d) => d.file)).toEqual(['inventory/DcimSwitch/a.json', 'inventory/DcimSwitch/b.json']);
      expect(v[0]!.message).toContain('name must be unique');
    });
  });

  it('resolves a reference once its peer arrives', () => {
    const dir = catalogRepo(Object.fromEntries([objectFile('DcimSwitch', ['a'], { name: 'a', status: 'active', site: 'LATER' })]));
    withInventory(dir, (inv) => expect(inv.problems().map((d) => d.code)).toEqual(['inventory/dangling-reference']));
    writeTree(dir, Object.fromEntries([objectFile('LocationSite', ['LATER'], { name: 'LATER' })]));
    withInventory(dir, (inv) => {
      expect(inv.problems()).toEqual([]);
      expect(inv.get(idOf('DcimSwitch', ['a']))!.relationships.site).toEqual({ id: idOf('LocationSite', ['LATER']), kind: 'LocationSite' });
    });
  });
});

describe('plan and apply', () => {
  it('writes new objects, then a rename moves files and rewrites referrers; unchanged files are not written', () => {
    const dir = catalogRepo();
    const { catalog, schema } = load(dir);
    const inv = openInventory(catalog, schema);
    try {
      const obj = inv.get(sw)!;
      // The fixture's keys are in arbitrary order: the first save canonicalises, the second is a no-op.
      expect(inv.apply({ upserts: [obj], deletes: [] }).written).toEqual(['inventory/DcimSwitch/atl1-core1.json']);
      expect(inv.apply({ upserts: [obj], deletes: [] })).toMatchObject({ written: [], deleted: [], plan: { writes: [], deletes: [] } });
      const renamed = { ...obj, attributes: { ...obj.attributes, name: 'ATL1-Core1' } };
      const plan = inv.plan({ upserts: [renamed], deletes: [] });
      expect(plan.writes.map((w) => w.path)).toEqual([
        'DcimInterface/atl1-core1~60b6bb65/ethernet1-1~12804403.json',
        'DcimInterface/atl1-core1~60b6bb65/ethernet1-2~30afe6f1.json',
        'DcimSwitch/atl1-core1~60b6bb65.json',
      ]);
      const done = inv.apply({ upserts: [renamed], deletes: [] });
      expect(done.deleted).toEqual([
        'inventory/DcimInterface/atl1-core1/ethernet1-1~12804403.json',
        'inventory/DcimInterface/atl1-core1/ethernet1-2~30afe6f1.json',
        'inventory/DcimSwitch/atl1-core1.json',
      ]);
      expect(existsSync(join(dir, 'inventory/DcimInterface/atl1-core1'))).toBe(false);
      expect(JSON.parse(readFileSync(join(dir, 'inventory/DcimInterface/atl1-core1~60b6bb65/ethernet1-2~30afe6f1.json'), 'utf8')).device).toEqual({ kind: 'DcimSwitch', hfid: 'ATL1-Core1' });
      expect(inv.get(sw)!.attributes.name).toBe('ATL1-Core1');
      expect(inv.problems()).toEqual([]);
    } finally {
      inv.close();
    }
    // A new process finds the index already current (apply updated it), and a rebuild agrees byte for byte.
    withInventory(dir, (inv2) => {
      expect(inv2.how).toBe('fresh');
      expect(inv2.problems()).toEqual([]);
      expect(inv2.findByHfid('DcimInterface', ['ATL1-Core1', 'Ethernet1/2'])).toBeDefined();
    });
    const everything = (i: ReturnType<typeof openInventory>) => ['DcimGenericDevice', 'DcimInterface', 'LocationSite', 'IpamVlan', 'IpamPrefix'].flatMap((k) => i.list(k));
    withInventory(dir, (inv3) => void inv3.apply({ upserts: everything(inv3), deletes: [] }));
    const files = () => listObjectFiles(join(dir, 'inventory')).map((f) => [f, readFileSync(join(dir, 'inventory', f), 'utf8')]);
    const before = files();
    rmSync(join(dir, '.svc'), { recursive: true });
    withInventory(dir, (inv4) => {
      expect(inv4.how).toBe('rebuilt');
      expect(inv4.problems()).toEqual([]);
      expect(inv4.apply({ upserts: everything(inv4), deletes: [] })).toMatchObject({ written: [], deleted: [], plan: { writes: [], deletes: [] } });
    });
    expect(files()).toEqual(before);
  });

  it('a delete removes the file and drops references to it', () => {
    const dir = catalogRepo();
    withInventory(dir, (inv) => {
      const vlan = inv.list('IpamVlan')[0]!;
      const r = inv.apply({ upserts: [], deletes: [vlan.id] });
      expect(r.deleted).toEqual([`inventory/IpamVlan/${vlan.id}.json`]);
      expect(r.written).toEqual(['inventory/DcimInterface/atl1-core1/ethernet1-1~12804403.json']);
      expect(inv.list('IpamVlan')).toEqual([]);
      expect(inv.problems()).toEqual([]);
    });
  });

  it('refuses bad change sets with a clear error and changes nothing', () => {
    const dir = catalogRepo();
    const snapshot = () => git(dir, 'status', '--porcelain', '--untracked-files=all');
    withInventory(dir, (inv) => {
      const obj = inv.get(sw)!;
      expect(() => inv.apply({ upserts: [{ ...obj, relationships: { interfaces: [] } }], deletes: [] })).toThrow(/stored by the peer/);
      expect(() => inv.apply({ upserts: [{ ...obj, kind: 'DcimGenericDevice' }], deletes: [] })).toThrow(/generic kind/);
      expect(() => inv.apply({ upserts: [{ ...obj, relationships: { site: { id: '00000000000000ff', kind: 'LocationSite' } } }], deletes: [] })).toThrow(/does not exist/);
      // A peer of the wrong kind would vanish when the file is read back: refused, not dropped.
      expect(() => inv.apply({ upserts: [{ ...obj, relationships: { site: { id: obj.id, kind: 'LocationSite' } } }], deletes: [] })).toThrow(/site takes a LocationSite, but .* is a DcimSwitch/);
      const twin = { ...obj, id: '00000000000000aa' };
      expect(() => inv.apply({ upserts: [twin], deletes: [] })).toThrow(/already has this human-friendly id/);
      expect(snapshot()).toBe('');
      expect(inv.get('00000000000000aa')).toBeUndefined();
    });
  });

  it('when a file cannot be staged, no file is written and the index is unchanged', () => {
    const dir = catalogRepo();
    withInventory(dir, (inv) => {
      // A file where the new kind folder must go: staging fails.
      writeFileSync(join(dir, 'inventory/BuiltinTag'), 'in the way');
      git(dir, 'add', '-A');
      git(dir, 'commit', '-qm', 'block');
      const site = inv.list('LocationSite')[0]!;
      const tag = { id: '0000000000000001', kind: 'BuiltinTag', attributes: { name: 'x' }, relationships: {} };
      const moved = { ...site, attributes: { ...site.attributes, description: 'changed' } };
      expect(() => inv.apply({ upserts: [moved, tag], deletes: [] })).toThrow();
      expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
      expect(inv.get(site.id)!.attributes.description).toBe('Atlanta');
      expect(inv.get('0000000000000001')).toBeUndefined();
    });
    mkdirSync(join(dir, 'x'), { recursive: true });
  });
});

describe('uniqueness enforced by SQLite', () => {
  it('a merge that commits a duplicate makes the next refresh rebuild and report it', () => {
    const dir = catalogRepo();
    withInventory(dir, (inv) => expect(inv.problems()).toEqual([]));
    writeTree(dir, Object.fromEntries([objectFile('DcimRouter', ['atl1-edge2'], { name: 'atl1-core1', status: 'active', site: 'ATL1' })]));
    writeTree(dir, Object.fromEntries([objectFile('DcimSwitch', ['x'], { name: 'atl1-core1', status: 'active', site: 'ATL1' })]));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'bad merge');
    withInventory(dir, (inv) => {
      expect(inv.how).toBe('rebuilt');
      const v = inv.problems().filter((d) => d.code === 'inventory/unique-violation');
      expect(v.map((d) => [d.file, d.line])).toEqual([
        ['inventory/DcimSwitch/atl1-core1.json', 3],
        ['inventory/DcimSwitch/x.json', 3],
      ]);
    });
  });

  it('apply refuses a change that breaks a unique attribute, and writes nothing', () => {
    const dir = catalogRepo();
    withInventory(dir, (inv) => {
      const edge = inv.findByHfid('DcimRouter', ['atl1-edge1'])!;
      const prefix = inv.list('IpamPrefix')[0]!;
      const clash = { id: '00000000000000bb', kind: 'IpamPrefix', attributes: { prefix: '10.0.0.0/24' }, relationships: {} };
      void edge;
      expect(() => inv.apply({ upserts: [clash], deletes: [] })).toThrow(/already has this human-friendly id/);
      const sw = inv.findByHfid('DcimSwitch', ['atl1-core1'])!;
      inv.apply({ upserts: [{ ...sw, attributes: { ...sw.attributes, serial: 'SN1' } }], deletes: [] });
      git(dir, 'commit', '-qam', 'serial');
      const twin = { id: '00000000000000cc', kind: 'DcimSwitch', attributes: { name: 'atl1-core9', status: 'active', serial: 'SN1' }, relationships: {} };
      try {
        inv.apply({ upserts: [twin], deletes: [] });
        expect.unreachable();
      } catch (e) {
        expect((e as { code: string }).code).toBe('inventory/unique-violation');
      }
      expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
      expect(inv.get('00000000000000cc')).toBeUndefined();
      expect(inv.get(sw.id)).toBeDefined();
      expect(prefix).toBeDefined();
    });
  });
});

describe('bringing a copied index to another tree without a checkout', () => {
  it('applies the files git lists between two trees, read from git', () => {
    const dir = catalogRepo();
    withInventory(dir, () => undefined);
    const base = git(dir, 'rev-parse', 'HEAD:inventory').trim();
    const copy = join(dir, '.svc/copy.sqlite');
    copyFileSync(join(dir, '.svc/index.sqlite'), copy);
    git(dir, 'checkout', '-q', '-b', 'other');
    writeTree(dir, Object.fromEntries([objectFile('LocationSite', ['ATL1'], { name: 'ATL1', description: 'moved on' }), objectFile('IpamPrefix', ['10.9.0.0/16'], { prefix: '10.9.0.0/16' })]));
    git(dir, 'rm', '-q', 'inventory/DcimRouter/atl1-edge1.json');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'other');
    const tree = git(dir, 'rev-parse', 'HEAD:inventory').trim();
    git(dir, 'checkout', '-q', 'main');
    const fromGit = (p: string): FileChange | undefined => {
      try {
        const text = execFileSync('git', ['cat-file', 'blob', `${tree}:${p}`], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        return { path: p, text, blob: blobId(text) };
      } catch {
        return undefined;
      }
    };
    const changed = git(dir, 'diff-tree', '-r', '--name-only', base, tree).split('\n').filter(Boolean);
    expect(changed).toEqual(['DcimRouter/atl1-edge1.json', 'IpamPrefix/10.9.0.0-16~dd542521.json', 'LocationSite/atl1~ee5b8ee6.json']);
    const { schema } = load(dir);
    const db = new Database(copy);
    const reader = new IndexReader(db, compileLayout(schema), (p) => `inventory/${p}`, fromGit);
    applyTreeChanges(reader, changed.map((p) => fromGit(p) ?? { path: p, text: null, blob: '' }), tree, fromGit);
    expect(reader.list('LocationSite')[0]!.attributes.description).toBe('moved on');
    expect(reader.list('IpamPrefix').map((o) => o.attributes.prefix)).toEqual(['10.0.0.0/24', '10.9.0.0/16']);
    expect(reader.list('DcimRouter')).toEqual([]);
    expect(db.prepare("SELECT value FROM meta WHERE key = 'tree'").pluck().get()).toBe(tree);
    db.close();
    // The working copy's own index is untouched.
    withInventory(dir, (inv) => expect(inv.list('DcimRouter')).toHaveLength(1));
  });
});
