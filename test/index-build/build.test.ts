import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as buffer from 'node:buffer';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blobId, isObjectFile } from '../../src/adapters/inventory/files.js';
import { dirtyPaths, gitView } from '../../src/adapters/index/gitstate.js';
import { parseLsFiles } from '../../src/adapters/git/index-file.js';
import { buildPlan, linkOrder, makeBuildKit, makeChunkReader } from '../../src/adapters/index/build-kit.js';
import Database from 'better-sqlite3';
import { compileLayout } from '../../src/adapters/index/layout.js';
import { openInventory } from '../../src/app/inventory.js';
import { objectId, objectPath } from '../../src/core/inventory/paths.js';
import { git, PROJECT_ROOT, tempRepo, writeTree } from '../helpers/repo.js';
import { catalogRepo, load, objectFile, sampleInventory } from '../inventory/helpers.js';
import { buildFresh, buildIncremental, dump, type Files } from './helpers.js';

/**
 * A full build streams the files kind by kind and links them as they come (src/adapters/index/
 * fresh.ts); an incremental refresh links a batch against what the index holds (ingest.ts). Given
 * the same files they must agree, including where a reference or an hfid has to wait for a file
 * that comes later.
 */

// Alpha refers to Beta and Beta to Alpha (one of them must wait), and Beta's hfid reads Alpha's name.
const CYCLE_SCHEMA = `version: "1.0"
nodes:
  - name: Alpha
    namespace: Test
    human_friendly_id: [name__value]
    attributes:
      - { name: name, kind: Text }
    relationships:
      - { name: beta, peer: TestBeta, cardinality: one, identifier: alpha_beta, optional: true }
      - { name: others, peer: TestBeta, cardinality: many, identifier: alpha_others, optional: true }
  - name: Beta
    namespace: Test
    human_friendly_id: [alpha__name__value, name__value]
    attributes:
      - { name: name, kind: Text }
    relationships:
      - { name: alpha, peer: TestAlpha, cardinality: one, identifier: beta_alpha, optional: true }
`;

function cycleFile(kind: 'TestAlpha' | 'TestBeta', hfid: string[], fields: Record<string, unknown>): [string, string] {
  const id = objectId(kind, hfid);
  return [`inventory/${objectPath(kind, id, hfid)}`, `${JSON.stringify({ id, ...fields }, null, 2)}\n`];
}

function cycleInventory(): Files {
  return Object.fromEntries([
    cycleFile('TestAlpha', ['a1'], { name: 'a1', beta: ['a2', 'b1'], others: [['a1', 'b1'], ['a2', 'b1'], ['zz', 'q']] }),
    cycleFile('TestAlpha', ['a2'], { name: 'a2', beta: ['nobody', 'x'] }),
    cycleFile('TestBeta', ['a1', 'b1'], { name: 'b1', alpha: 'a1' }),
    cycleFile('TestBeta', ['a2', 'b1'], { name: 'b1', alpha: 'a2' }),
    cycleFile('TestBeta', ['a3', 'b1'], { name: 'b1', alpha: 'a3' }),
  ]);
}

const cycleRepo = (files: Files = cycleInventory(), opts: { commit?: boolean } = {}) => tempRepo({ '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/s.yml': CYCLE_SCHEMA, ...files }, opts);
const inner = (files: Files): Files => Object.fromEntries(Object.entries(files).map(([p, t]) => [p.slice('inventory/'.length), t]));

function openAndDump(dir: string, reader: 'thread' | 'worker', name: string) {
  const { catalog, schema } = load(dir);
  const dbPath = join(dir, '.svc', name);
  const inv = openInventory(catalog, schema, { dbPath, reader });
  const problems = inv.problems().map((d) => `${d.code} ${d.file}`);
  inv.close();
  return { rows: dump(dbPath), problems };
}

describe('a full build', () => {
  it('agrees with an incremental ingest of the same files, references and hfids that wait included', () => {
    // Repeats within a kind (files of a kind come in path order either way): a site (a kind references
    // name) and a prefix (one no reference names) with the same hfid, and a file copied as is.
    const [site, siteText] = objectFile('LocationSite', ['ATL1'], { name: 'ATL1' }, 'another site');
    const [prefix, prefixText] = objectFile('IpamPrefix', ['10.0.0.0/24'], { prefix: '10.0.0.0/24' }, 'another prefix');
    const repeats = { ...sampleInventory(), [site.replace('.json', '-2.json')]: siteText, [prefix.replace('.json', '-2.json')]: prefixText, [prefix.replace('.json', '-3.json')]: prefixText };
    for (const [dir, files] of [
      [catalogRepo({}), inner(sampleInventory())],
      [cycleRepo({}), inner(cycleInventory())],
      [catalogRepo({}), inner(repeats)],
    ] as const) {
      const { schema } = load(dir);
      const full = dump(buildFresh(dir, 'full.sqlite', schema, files, 'fast'), { withoutRid: true });
      expect(full).toEqual(dump(buildIncremental(dir, 'incremental.sqlite', schema, files), { withoutRid: true }));
      expect(full.objects!.length).toBe(Object.keys(files).length);
    }
    const { schema } = load(catalogRepo({}));
    const dir = catalogRepo({});
    const problems = (dump(buildFresh(dir, 'repeats.sqlite', schema, inner(repeats), 'fast')).problems as { diag: string }[]).map((p) => (JSON.parse(p.diag) as { code: string }).code).sort();
    expect(problems).toEqual(['inventory/duplicate-hfid', 'inventory/duplicate-hfid', 'inventory/duplicate-id', 'inventory/path-mismatch', 'inventory/path-mismatch', 'inventory/path-mismatch', 'inventory/path-mismatch']);
  });

  it('resolves a committed file against a new one: a reference, and an hfid through it', () => {
    const files = cycleInventory();
    const [a3Path, a3Text] = cycleFile('TestAlpha', ['a3'], { name: 'a3' });
    const dir = cycleRepo(files);
    // a3 is new (untracked), so it is read after the committed Beta whose hfid reads its name.
    writeTree(dir, { [a3Path]: a3Text });
    const thread = openAndDump(dir, 'thread', 't.sqlite');
    const worker = openAndDump(dir, 'worker', 'w.sqlite');
    expect(worker).toEqual(thread);
    const { schema } = load(dir);
    const all = inner({ ...files, [a3Path]: a3Text });
    const withoutState = ({ meta, dirty, ...rest }: Record<string, unknown[]>) => (void meta, void dirty, rest);
    const rows = withoutState(dump(join(dir, '.svc', 't.sqlite'), { withoutRid: true }));
    expect(rows).toEqual(withoutState(dump(buildIncremental(dir, 'i.sqlite', schema, all), { withoutRid: true })));
    const beta = (rows.objects as { path: string; hfid: string | null }[]).find((o) => o.path === 'TestBeta/a3/b1.json');
    expect(beta?.hfid).toBe('["a3","b1"]');
    expect(thread.problems.filter((p) => p.includes('TestBeta/a3'))).toEqual([]);
  });

  it('reports one of two files with the same hfid, also when the hfid of one had to wait for a new file', () => {
    // X is committed and its hfid reads a switch that is new: X waits for the end. Y, new, repeats X's hfid.
    const x = objectFile('DcimInterface', ['atl1-core9', 'Ethernet1/1'], { name: 'Ethernet1/1', device: { kind: 'DcimSwitch', hfid: 'atl1-core9' } });
    const y = objectFile('DcimInterface', ['atl1-core9', 'Ethernet1/1'], { name: 'Ethernet1/1', device: { kind: 'DcimSwitch', hfid: 'atl1-core9' } }, 'y');
    const dir = catalogRepo({ ...sampleInventory(), [x[0]]: x[1] });
    writeTree(dir, Object.fromEntries([objectFile('DcimSwitch', ['atl1-core9'], { name: 'atl1-core9', status: 'active', site: 'ATL1' }), [y[0].replace('.json', '-y.json'), y[1]]]));
    const thread = openAndDump(dir, 'thread', 't.sqlite');
    expect(openAndDump(dir, 'worker', 'w.sqlite')).toEqual(thread);
    const interfaces = (thread.rows.objects as { path: string; hfid: string | null }[]).filter((o) => o.path.startsWith('DcimInterface/atl1-core9'));
    expect(interfaces.map((o) => o.hfid).sort()).toEqual(['["atl1-core9","Ethernet1/1"]', null]);
    expect(thread.problems.filter((p) => p.startsWith('inventory/duplicate-hfid'))).toHaveLength(1);
  });

  it('of two files with the same id, indexes the committed one and reports the new one', () => {
    const [p, t] = objectFile('LocationSite', ['ATL1'], { name: 'ATL1', description: 'the original' });
    const dir = catalogRepo({ ...sampleInventory(), [p]: t });
    const copy = p.replace('atl1', 'a-copy');
    writeTree(dir, { [copy]: t });
    for (const reader of ['thread', 'worker'] as const) {
      const { problems } = openAndDump(dir, reader, `${reader}.sqlite`);
      expect(problems.filter((x) => x.startsWith('inventory/duplicate-id'))).toEqual([`inventory/duplicate-id ${copy}`]);
    }
  });
});

describe('what a build records as uncommitted, without git status', () => {
  it('hashes what it reads: a listed file that differs from git index, or is missing, is reported changed', () => {
    const dir = catalogRepo();
    const inv = join(dir, 'inventory');
    const files = inner(sampleInventory());
    const [site, prefix, vlan] = ['LocationSite/', 'IpamPrefix/', 'IpamVlan/'].map((k) => Object.keys(files).find((p) => p.startsWith(k))!);
    writeFileSync(join(inv, site!), '{ "edited": true }\n');
    // Not valid UTF-8: its id is that of the text as read (U+FFFD), as everywhere else in svc.
    fs.writeFileSync(join(inv, prefix!), Buffer.from([0x7b, 0xff, 0x7d, 0x0a]));
    fs.rmSync(join(inv, vlan!));
    const { schema } = load(dir);
    const layout = compileLayout(schema);
    const kit = makeBuildKit(buildPlan(layout, linkOrder(layout)), crypto);
    const reader = makeChunkReader(kit, { fs, path, crypto, buffer }, inv);
    const listing = kit.listFiles(parseLsFiles(execFileSync('git', ['ls-files', '-s', '-z', '--', 'inventory'], { cwd: dir })), 'inventory');
    expect(listing.count).toBe(Object.keys(files).length);
    const changed: string[] = [];
    // One file per call: a record starts with its kind, path and blob id.
    const blobs: Record<string, string> = {};
    for (let i = 0; i < listing.count; i++) {
      const r = reader.readListed(listing, i, i + 1, changed);
      if (r.length) blobs[r[1] as string] = r[2] as string;
    }
    expect(changed.sort()).toEqual([prefix, site, vlan].sort());
    for (const p of Object.keys(files).filter((x) => x !== vlan)) expect(blobs[p], p).toBe(blobId(fs.readFileSync(join(inv, p), 'utf8')));
    expect(Object.keys(blobs)).not.toContain(vlan);
  });

  it('records the paths git status lists, in one thread and in two', () => {
    const files = sampleInventory();
    const paths = Object.keys(files);
    const [site, sw, router, if1, if2, vlan] = paths;
    const dir = catalogRepo({ ...files, 'inventory/.gitignore': 'Ignored/\n' });
    const write = (p: string, text: string) => writeTree(dir, { [p]: text });
    write(site!, files[site!]!.replace('Atlanta', 'edited, not staged'));
    write(sw!, files[sw!]!.replace('active', 'staged'));
    git(dir, 'add', sw!);
    // Staged, then changed back in the work tree: the file is HEAD's again, the index is not.
    write(router!, files[router!]!.replace('planned', 'staged then reverted'));
    git(dir, 'add', router!);
    write(router!, files[router!]!);
    git(dir, 'rm', '-q', '--cached', if1!);
    fs.rmSync(join(dir, if2!));
    git(dir, 'rm', '-q', vlan!);
    const [fresh, freshText] = objectFile('LocationSite', ['NEW1'], { name: 'NEW1' });
    const [staged, stagedText] = objectFile('LocationSite', ['NEW2'], { name: 'NEW2' });
    writeTree(dir, { [fresh]: freshText, [staged]: stagedText, 'inventory/Ignored/x.json': '{}\n' });
    git(dir, 'add', staged);
    const { catalog } = load(dir);
    const g = gitView(catalog.inventory, catalog.root)!;
    // A path unstaged from the index and still in the work tree: git lists it twice, dirtyPaths once.
    const status = dirtyPaths(g).filter(isObjectFile);
    expect(status).toHaveLength(8);
    const thread = openAndDump(dir, 'thread', 't.sqlite');
    const worker = openAndDump(dir, 'worker', 'w.sqlite');
    expect(worker).toEqual(thread);
    expect((thread.rows.dirty as { path: string }[]).map((r) => r.path)).toEqual(status);
    // And so the next command finds the index fresh, with nothing to re-read.
    const again = load(dir);
    const inv = openInventory(again.catalog, again.schema, { dbPath: join(dir, '.svc', 't.sqlite') });
    expect(inv.how).toBe('fresh');
    inv.close();
  });

  it('asks git when many files look changed: checked out with CRLF line endings they are not, edited they are', () => {
    const sites = Object.fromEntries(Array.from({ length: 70 }, (_, i) => objectFile('LocationSite', [`S${i}`], { name: `S${i}` })));
    const dir = catalogRepo({ ...sampleInventory(), ...sites });
    git(dir, 'config', 'core.autocrlf', 'true');
    fs.rmSync(join(dir, 'inventory'), { recursive: true });
    git(dir, 'checkout', '--', 'inventory');
    const first = Object.keys(sites)[0]!;
    expect(readFileSync(join(dir, first), 'utf8')).toContain('\r\n');
    expect(git(dir, 'status', '--porcelain', '--', 'inventory')).toBe('');
    for (const reader of ['thread', 'worker'] as const) {
      const { rows } = openAndDump(dir, reader, `crlf-${reader}.sqlite`);
      expect(rows.dirty).toEqual([]);
      expect((rows.objects as unknown[]).length).toBe(Object.keys(sites).length + Object.keys(sampleInventory()).length);
    }
    // Edited for real, they are uncommitted, as git status says.
    for (const p of Object.keys(sites)) writeFileSync(join(dir, p), readFileSync(join(dir, p), 'utf8').replace('"name"', '"description": "edited",\r\n  "name"'));
    const edited = openAndDump(dir, 'worker', 'edited.sqlite');
    expect((edited.rows.dirty as { path: string }[]).map((r) => r.path)).toEqual(Object.keys(inner(sites)).sort());
  });

  it('before the first commit, every file is uncommitted', () => {
    const dir = catalogRepo(sampleInventory(), { commit: false });
    git(dir, 'add', 'inventory');
    const thread = openAndDump(dir, 'thread', 't.sqlite');
    expect(openAndDump(dir, 'worker', 'w.sqlite')).toEqual(thread);
    expect((thread.rows.dirty as { path: string }[]).map((r) => r.path)).toEqual(Object.keys(inner(sampleInventory())).sort());
  });
});

describe('the reader thread', () => {
  it('starts in a process whose own flags would read its source otherwise (--input-type=module)', () => {
    const dir = catalogRepo();
    const script = `
      const [{ openInventory, catalogSchema }, { openCatalog }, { nodeFileHost }] = await Promise.all(['app/inventory.js', 'core/catalog/catalog.js', 'adapters/fs.js'].map((m) => import(${JSON.stringify(`${PROJECT_ROOT}/dist/`)} + m)));
      const { catalog } = openCatalog(process.argv[1], nodeFileHost);
      const inv = openInventory(catalog, catalogSchema(catalog), { reader: 'worker' });
      console.log(inv.how, inv.list('DcimInterface').length);
      inv.close();`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, dir], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('rebuilt 2');
  });
});

describe('a build killed half way', () => {
  it('leaves the old index or none, and the next command builds a good one and removes the leftovers', async () => {
    const many = Object.fromEntries(Array.from({ length: 6000 }, (_, i) => objectFile('IpamPrefix', [`10.${(i >> 8) + 1}.${i & 255}.0/24`], { prefix: `10.${(i >> 8) + 1}.${i & 255}.0/24` })));
    const dir = catalogRepo({ ...sampleInventory(), ...many });
    const svcDir = join(dir, '.svc');
    const script = `
      import { openInventory } from ${JSON.stringify(join(PROJECT_ROOT, 'dist/app/inventory.js'))};
      import { openCatalog } from ${JSON.stringify(join(PROJECT_ROOT, 'dist/core/catalog/catalog.js'))};
      import { loadCatalogSchema } from ${JSON.stringify(join(PROJECT_ROOT, 'dist/core/schema/catalog-schema.js'))};
      import { nodeFileHost } from ${JSON.stringify(join(PROJECT_ROOT, 'dist/adapters/fs.js'))};
      const { catalog } = openCatalog(process.cwd(), nodeFileHost);
      const schema = loadCatalogSchema(catalog, nodeFileHost).schema;
      import { rmSync } from 'node:fs';
      const dbPath = ${JSON.stringify(join(svcDir, 'index.sqlite'))};
      for (;;) {
        rmSync(dbPath, { force: true });
        openInventory(catalog, schema, { reader: 'worker', dbPath }).close();
      }
    `;
    // A process that builds over and over (the compiled code: \`npm test\` builds first), killed
    // three times; each new one finds the temporary file of the one before.
    const killedAt: string[] = [];
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      // Killed as soon as its temporary file exists: in the middle of a build.
      for (let i = 0; i < 20000 && child.exitCode === null; i++) {
        const names = existsSync(svcDir) ? readdirSync(svcDir) : [];
        const building = names.find((n) => n.endsWith('.build'));
        if (building) {
          child.kill('SIGKILL');
          killedAt.push(building);
          break;
        }
        await new Promise((r) => setTimeout(r, 1));
      }
      if (child.exitCode === null && !child.killed) child.kill('SIGKILL');
      await exited;
    }
    expect(killedAt.length).toBe(3);
    expect(readdirSync(svcDir).filter((n) => n.endsWith('.build')).length).toBeGreaterThan(0);
    const { catalog, schema } = load(dir);
    const inv = openInventory(catalog, schema);
    try {
      expect(inv.how).toBe('rebuilt');
      expect(inv.list('IpamPrefix')).toHaveLength(6001);
      expect(inv.problems()).toEqual([]);
    } finally {
      inv.close();
    }
    expect(readdirSync(svcDir).filter((n) => n.endsWith('.build'))).toEqual([]);
  });
});

describe('a repository that names objects with SHA-256', () => {
  /** The sample catalog in a repository made with --object-format=sha256, committed. */
  function sha256Repo(): string {
    const dir = tempRepo();
    rmSync(join(dir, '.git'), { recursive: true, force: true });
    git(dir, 'init', '-q', '--object-format=sha256', '-b', 'main');
    git(dir, 'config', 'commit.gpgsign', 'false');
    writeTree(dir, { '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/inventory.yml': readFileSync(join(catalogRepo({}), 'schemas/inventory.yml'), 'utf8'), ...sampleInventory() });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'initial');
    return dir;
  }

  it('hashes blob ids as git does, so a cold build finds nothing uncommitted, and then exactly the edited file', () => {
    const dir = sha256Repo();
    const listed = new Map(git(dir, 'ls-files', '-s', 'inventory').trim().split('\n').map((l) => [l.split('\t')[1]!.slice('inventory/'.length), l.split(' ')[1]!]));
    for (const reader of ['thread', 'worker'] as const) {
      const { rows } = openAndDump(dir, reader, `${reader}.sqlite`);
      expect(rows.dirty).toEqual([]);
      const blobs = new Map((rows.objects as { path: string; blob: string }[]).map((o) => [o.path, o.blob]));
      expect(blobs).toEqual(listed);
      expect([...blobs.values()].every((b) => b.length === 64)).toBe(true);
    }
    const [path] = [...listed.keys()];
    writeFileSync(join(dir, 'inventory', path!), readFileSync(join(dir, 'inventory', path!), 'utf8').replace('\n}', ',\n  "description": "edited"\n}'));
    for (const reader of ['thread', 'worker'] as const) {
      rmSync(join(dir, '.svc', `${reader}.sqlite`));
      expect(openAndDump(dir, reader, `${reader}.sqlite`).rows.dirty).toEqual([{ path }]);
    }
  });

  it('an index whose blob ids were hashed with SHA-1 there (an older svc) is rebuilt, not trusted', () => {
    const dir = sha256Repo();
    const { catalog, schema } = load(dir);
    openInventory(catalog, schema).close();
    const db = new Database(join(dir, '.svc', 'index.sqlite'));
    db.prepare("DELETE FROM meta WHERE key = 'blob'").run();
    db.close();
    const again = openInventory(catalog, schema);
    expect(again.how).toBe('rebuilt');
    again.close();
  });
});
