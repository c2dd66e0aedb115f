// svc query at scale: the example's device query (queries/device_config.gql) over a 100,000-object
// inventory in the Otter-net schema, per device, next to its floor: the same device's objects read
// straight from SQLite with prepared statements (the device, its site and metro, its interfaces,
// their addresses and VLANs), as a program that knew the schema would read them. The ratio is what
// the GraphQL layer (parsing is done once; validation, execution, batching, shaping) costs on top.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { openInventory, catalogSchema } from '../dist/app/inventory.js';
import { openCatalog } from '../dist/core/catalog/catalog.js';
import { nodeFileHost } from '../dist/adapters/fs.js';
import { SqliteQuerySource } from '../dist/adapters/query/sqlite-source.js';
import { prepareQuery, runQuery } from '../dist/core/query/run.js';
import { objectId, objectPath } from '../dist/core/inventory/paths.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENV = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@x', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env: ENV, encoding: 'utf8', maxBuffer: 1 << 30 });

// 10 countries, 50 metros, 520 sites with an L2 domain each, 10 devices per site (5 switches with
// 16 ports, 8 of them in access mode on a VLAN of their own; 5 routers with 6 interfaces, each with
// an address): 99,901 objects.
const SITES = 520;
const SWITCHES = 5;
const ROUTERS = 5;
const PORTS = 16;
const ROUTER_IFS = 6;

function generate(dir) {
  const inv = join(dir, 'inventory');
  let n = 0;
  const put = (kind, hfid, obj) => {
    const abs = join(inv, objectPath(kind, obj.id, hfid));
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, `${JSON.stringify(obj, null, 2)}\n`);
    n++;
  };
  put('IpamNamespace', ['default'], { id: objectId('IpamNamespace', ['default']), name: 'default' });
  for (let c = 0; c < 10; c++) put('LocationCountry', [`country${c}`], { id: objectId('LocationCountry', [`country${c}`]), name: `country${c}` });
  for (let m = 0; m < 50; m++) put('LocationMetro', [`metro${m}`], { id: objectId('LocationMetro', [`metro${m}`]), name: `metro${m}`, parent: `country${m % 10}` });
  for (let s = 0; s < SITES; s++) {
    const site = `site${s}`;
    put('LocationSite', [site], { id: objectId('LocationSite', [site]), name: site, status: 'active', parent: `metro${s % 50}` });
    const domain = `l2-${site}`;
    put('IpamL2Domain', [domain], { id: objectId('IpamL2Domain', [domain]), name: domain });
    for (let d = 0; d < SWITCHES + ROUTERS; d++) {
      const router = d >= SWITCHES;
      const name = `${router ? 'rt' : 'sw'}${String(d).padStart(2, '0')}-${site}`;
      put('DcimDevice', [name], { id: objectId('DcimDevice', [name]), name, description: `${router ? 'Edge router' : 'Core switch'} ${d} at ${site}`, role: router ? 'edge' : 'core', index: d + 1, status: 'active', location: site });
      if (!router) {
        for (let p = 1; p <= PORTS; p++) {
          const ifname = `Ethernet1/${p}`;
          const access = p <= 8;
          const vlan = `vlan-${name}-${p}`;
          if (access) put('IpamVLAN', [vlan], { id: objectId('IpamVLAN', [vlan]), name: vlan, vlan_id: 100 + d * 8 + p, status: 'active', role: 'customer', l2domain: domain });
          put('DcimInterfaceL2', [name, ifname], { id: objectId('DcimInterfaceL2', [name, ifname]), name: ifname, speed: 10000, status: access ? 'active' : 'free', role: 'customer', enabled: access, ...(access ? { l2_mode: 'Access', untagged_vlan: vlan } : {}), device: name });
        }
      } else {
        for (let i = 1; i <= ROUTER_IFS; i++) {
          const ifname = `Ethernet1/${i}`;
          put('DcimInterfaceL3', [name, ifname], { id: objectId('DcimInterfaceL3', [name, ifname]), name: ifname, speed: 100000, status: 'active', role: 'backbone', enabled: true, device: name });
          const address = `10.${Math.floor(s / 2)}.${(s % 2) * 128 + (d - SWITCHES) * 12 + i * 2}.1/31`;
          put('IpamIPAddress', ['default', address], { id: objectId('IpamIPAddress', ['default', address]), address, status: 'active', interface: [name, ifname], ip_namespace: { kind: 'IpamNamespace', hfid: 'default' } });
        }
      }
    }
  }
  return n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const us = (ms) => `${(ms * 1000).toFixed(0)} µs`;

/** The floor: the device's objects by prepared statements on the index's own tables. */
function floorReader(db) {
  const device = db.prepare('SELECT * FROM "k_DcimDevice" WHERE "a_name" = ?');
  // Kind tables are keyed by rid; objects maps an id to it.
  const byId = (table) => db.prepare(`SELECT k.* FROM objects o JOIN "${table}" k ON k.rid = o.rid WHERE o.id = ?`);
  const site = byId('k_LocationSite');
  const metro = byId('k_LocationMetro');
  const l2 = db.prepare('SELECT * FROM "k_DcimInterfaceL2" WHERE "r_device" = ?');
  const l3 = db.prepare('SELECT * FROM "k_DcimInterfaceL3" WHERE "r_device" = ?');
  const addrs = db.prepare('SELECT * FROM "k_IpamIPAddress" WHERE "r_interface" = ?');
  const vlan = byId('k_IpamVLAN');
  return (name) => {
    const d = device.get(name);
    const s = site.get(d.r_location);
    const m = s && metro.get(s.r_parent);
    const ifs = [...l2.all(d.id), ...l3.all(d.id)].map((i) => ({ i, addresses: addrs.all(i.id), vlan: i.r_untagged_vlan ? vlan.get(i.r_untagged_vlan) : undefined }));
    return { d, s, m, ifs };
  };
}

export async function run(log) {
  const dir = mkdtempSync(join(tmpdir(), 'svc-bench-query-'));
  log(`load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  try {
    for (const part of ['.orchestrator.yml', 'schemas', 'products', 'generators', 'queries']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'config', 'gc.auto', '0');
    let t = performance.now();
    const n = generate(dir);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'synthetic Otter-net inventory');
    log(`setup: ${n} objects written and committed in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const { catalog } = openCatalog(dir, nodeFileHost);
    const schema = catalogSchema(catalog);
    t = performance.now();
    const inv = openInventory(catalog, schema);
    log(`index build: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    try {
      const problems = inv.problems().filter((p) => p.code === 'inventory/dangling-reference');
      if (problems.length) log(`unexpected: ${problems.length} dangling references, e.g. ${problems[0].message}`);
      const source = new SqliteQuerySource(inv.db, inv.layout);
      t = performance.now();
      const query = prepareQuery(schema, readFileSync(join(dir, 'queries/device_config.gql'), 'utf8'), 'queries/device_config.gql');
      log(`parse + validate the query (first one also builds the GraphQL schema): ${((performance.now() - t)).toFixed(0)} ms`);
      const floor = floorReader(inv.db);
      // 200 devices across the inventory, half switches (16 interfaces, 8 VLANs), half routers (6 interfaces, 6 addresses).
      const devices = Array.from({ length: 200 }, (_, i) => `${i % 2 ? 'rt' : 'sw'}${String(i % 2 ? SWITCHES + (i % ROUTERS) : i % SWITCHES).padStart(2, '0')}-site${(i * 37) % SITES}`);
      const check = await runQuery(schema, source, query, { device: devices[0] });
      const seen = check.data.DcimDevice.edges[0].node.interfaces.edges.length;
      if (seen !== PORTS) log(`unexpected: ${seen} interfaces for ${devices[0]}`);
      const queryTimes = [];
      const floorTimes = [];
      const ratios = [];
      // Query and floor take turns, five rounds of every device each, so load weighs on both alike.
      for (let r = 0; r < 5; r++) {
        let t0 = performance.now();
        for (const d of devices) floor(d);
        const f = (performance.now() - t0) / devices.length;
        t0 = performance.now();
        for (const d of devices) await runQuery(schema, source, query, { device: d });
        const q = (performance.now() - t0) / devices.length;
        floorTimes.push(f);
        queryTimes.push(q);
        ratios.push(q / f);
      }
      log(`floor, the device's objects by prepared statements: ${us(median(floorTimes))} per device`);
      log(`svc query, the example's device query:             ${us(median(queryTimes))} per device  ratio ${median(ratios).toFixed(1)}x`);
      log(`  ratio per round: ${ratios.map((x) => x.toFixed(1)).join(' ')}`);
    } finally {
      inv.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
