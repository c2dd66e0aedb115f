import { describe, expect, it } from 'vitest';
import { SqliteQuerySource } from '../../src/adapters/query/sqlite-source.js';
import { catalogSchema, openInventory } from '../../src/app/inventory.js';
import { queryCatalog } from '../../src/app/query.js';
import { SvcError } from '../../src/core/errors.js';
import { prepareQuery, runQuery } from '../../src/core/query/run.js';
import type { QuerySource } from '../../src/core/query/source.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, svc } from '../helpers/repo.js';
import { catalogAt, queryWorld } from './world.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function query(dir: string, text: string, vars: string[] = []): Promise<Json> {
  const file = `${dir}/q-${Math.random().toString(36).slice(2)}.gql`;
  writeFileSync(file, text);
  return (await queryCatalog(catalogAt(dir), file, vars, dir)).data;
}

async function refused(p: Promise<unknown>): Promise<SvcError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SvcError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const names = (page: Json) => page.edges.map((e: Json) => e.node.name.value);

describe('queries in Infrahub\'s shape', () => {
  it('filters a kind by name__value, name__values, ids and hfid, with count, offset and limit', async () => {
    const dir = queryWorld();
    const d = await query(dir, `query($d: String!) {
      one: DcimDevice(name__value: $d) { count edges { node { id hfid display_label __typename name { value } index { value } } } }
      two: DcimDevice(name__values: ["rt01-par01", "sw02-par01", "nope"]) { count edges { node { name { value } } } }
      byHfid: DcimDevice(hfid: ["sw01-par01"]) { count }
      page: DcimDevice(offset: 1, limit: 2) { count edges { node { name { value } } } }
      all: DcimDevice { count edges { node { name { value } } } }
    }`, ['d=sw01-par01']);
    expect(d.one.count).toBe(1);
    expect(d.one.edges[0].node).toMatchObject({ hfid: ['sw01-par01'], display_label: 'sw01-par01', __typename: 'DcimDevice', name: { value: 'sw01-par01' }, index: { value: 1 } });
    expect(d.one.edges[0].node.id).toMatch(/^[0-9a-f]{16}$/);
    expect(names(d.two)).toEqual(['rt01-par01', 'sw02-par01']);
    expect(d.byHfid.count).toBe(1);
    // count is before the page; the page is a slice of the full, ordered listing.
    expect(d.page.count).toBe(d.all.count);
    expect(names(d.page)).toEqual(names(d.all).slice(1, 3));
    const ids = await query(dir, `query($ids: [ID]) { DcimDevice(ids: $ids) { count } }`, [`ids=["${d.one.edges[0].node.id}"]`]);
    expect(ids.DcimDevice.count).toBe(1);
  });

  it('filters by a relationship\'s peer attribute, from either side of the link', async () => {
    const dir = queryWorld();
    const d = await query(dir, `{
      atPar: DcimDevice(location__name__value: "par01") { count edges { node { name { value } } } }
      atNowhere: DcimDevice(location__name__value: "nowhere") { count }
      ifaces: DcimInterface(device__name__value: "sw01-par01", role__value: "backbone") { count edges { node { name { value } } } }
      withAddress: DcimInterfaceL3(ip_addresses__address__value: "10.0.0.1/31") { edges { node { hfid } } }
      withoutAddress: DcimInterfaceL3(device__name__value: "rt01-par01", ip_addresses__isnull: true) { count }
      sitesWithDevices: LocationSite(devices__name__values: ["sw01-fra01"]) { edges { node { name { value } } } }
    }`);
    expect(names(d.atPar)).toEqual(['rt01-par01', 'rt02-par01', 'sw01-par01', 'sw02-par01']);
    expect(d.atNowhere.count).toBe(0);
    expect(names(d.ifaces)).toEqual(['Ethernet1/49', 'Ethernet1/50']);
    // ip_addresses is stored on the address (its `interface`): the filter reads the other side.
    expect(d.withAddress.edges.map((e: Json) => e.node.hfid)).toEqual([['rt01-par01', 'Ethernet1/1']]);
    const all = await query(dir, `{ DcimInterfaceL3(device__name__value: "rt01-par01") { count } }`);
    expect(d.withoutAddress.count).toBe(all.DcimInterfaceL3.count - 2);
    expect(names(d.sitesWithDevices)).toEqual(['fra01']);
  });

  it('resolves generics to their kinds: __typename and inline fragments', async () => {
    const dir = queryWorld();
    const d = await query(dir, `{
      LocationGeneric(name__values: ["par01", "Paris", "France"]) { count edges { node { __typename name { value }
        ... on LocationSite { parent { node { __typename name { value } } } } } } }
      DcimInterface(device__name__value: "rt01-par01", name__value: "Ethernet1/1") { edges { node { __typename
        ... on DcimInterfaceL3 { ip_addresses { count edges { node { __typename address { value ip prefixlen netmask } } } } } } } }
    }`);
    const locs = d.LocationGeneric.edges.map((e: Json) => [e.node.__typename, e.node.name.value]);
    expect(locs).toEqual([['LocationCountry', 'France'], ['LocationMetro', 'Paris'], ['LocationSite', 'par01']]);
    expect(d.LocationGeneric.edges[2].node.parent.node).toEqual({ __typename: 'LocationMetro', name: { value: 'Paris' } });
    expect(d.DcimInterface.edges[0].node).toEqual({
      __typename: 'DcimInterfaceL3',
      ip_addresses: { count: 1, edges: [{ node: { __typename: 'IpamIPAddress', address: { value: '10.0.0.1/31', ip: '10.0.0.1', prefixlen: '31', netmask: '255.255.255.254' } } }] },
    });
  });

  it('nests relationships both ways: one as { node }, many as { count edges { node } }, with filters on nested many', async () => {
    const dir = queryWorld();
    const d = await query(dir, `{ DcimDevice(name__value: "sw01-par01") { edges { node {
      location { node { name { value } parent { node { name { value } } } } properties { is_protected } }
      interfaces { count edges { node { name { value } } } }
      uplinks: interfaces(role__value: "backbone") { count edges { node { name { value } device { node { name { value } } } } } }
      page: interfaces(offset: 8, limit: 1) { count edges { node { name { value } } } }
      role { value label color }
      description { value is_visible source { id } }
    } } } }`);
    const n = d.DcimDevice.edges[0].node;
    expect(n.location).toEqual({ node: { name: { value: 'par01' }, parent: { node: { name: { value: 'Paris' } } } }, properties: { is_protected: false } });
    expect(n.interfaces.count).toBe(10);
    expect(names(n.interfaces)).toEqual(['Ethernet1/1', 'Ethernet1/2', 'Ethernet1/3', 'Ethernet1/4', 'Ethernet1/49', 'Ethernet1/5', 'Ethernet1/50', 'Ethernet1/6', 'Ethernet1/7', 'Ethernet1/8']);
    expect(n.uplinks.count).toBe(2);
    expect(n.uplinks.edges.map((e: Json) => [e.node.name.value, e.node.device.node.name.value])).toEqual([['Ethernet1/49', 'sw01-par01'], ['Ethernet1/50', 'sw01-par01']]);
    // Ordered as the kind's order_by says (device, then name: text order, as Infrahub's).
    expect(n.page).toEqual({ count: 10, edges: [{ node: { name: { value: 'Ethernet1/7' } } }] });
    expect(n.role).toEqual({ value: 'core', label: 'Core switch', color: expect.any(String) });
    expect(n.description).toEqual({ value: 'Core switch 1 at par01', is_visible: true, source: null });
  });

  it('reads in batches: the statements do not grow with the number of objects', async () => {
    const dir = queryWorld();
    const catalog = catalogAt(dir);
    const schema = catalogSchema(catalog);
    const inv = openInventory(catalog, schema);
    try {
      const real = new SqliteQuerySource(inv.db, inv.layout);
      const calls = { select: 0, nodes: 0, peers: 0, rank: 0 };
      const counting: QuerySource = {
        select: (...a) => (calls.select++, real.select(...a)),
        nodes: (ids) => (calls.nodes++, real.nodes(ids)),
        peers: (...a) => (calls.peers++, real.peers(...a)),
        rank: (...a) => (calls.rank++, real.rank(...a)),
      };
      const q = prepareQuery(schema, `{ DcimDevice { count edges { node { name { value } location { node { name { value } } }
        interfaces { edges { node { name { value } device { node { name { value } } } ... on DcimInterfaceL3 { ip_addresses { edges { node { address { value } } } } } } } } } } } }`, 'q.gql');
      const r = await runQuery(schema, counting, q, {});
      const devices = r.data.DcimDevice as Json;
      expect(devices.count).toBeGreaterThan(8);
      const interfaces = devices.edges.reduce((n: number, e: Json) => n + e.node.interfaces.edges.length, 0);
      expect(interfaces).toBeGreaterThan(60);
      // One select; nodes per level (devices, sites, interfaces, addresses); peers per kind and relationship.
      expect(calls.select).toBe(1);
      expect(calls.nodes).toBeLessThanOrEqual(5);
      expect(calls.peers).toBeLessThanOrEqual(4);
      expect(calls.rank).toBeLessThanOrEqual(2);
    } finally {
      inv.close();
    }
  });

  it('refuses a query that does not fit the schema, with the file, line and column', async () => {
    const dir = queryWorld();
    const e = await refused(query(dir, '{\n  DcimDevice { edges { node { nme { value } } } }\n}'));
    expect(e.code).toBe('query/invalid');
    expect(e.exitCode).toBe(1);
    expect(e.message).toMatch(/q-\w+\.gql:2:31: Cannot query field "nme" on type "DcimDevice". Did you mean "name"\?/);
    const filter = await refused(query(dir, '{ DcimDevice(colour__value: "red") { count } }'));
    expect(filter.message).toContain('Unknown argument "colour__value"');
    const syntax = await refused(query(dir, '{ DcimDevice { count }'));
    expect(syntax.code).toBe('query/syntax');
    const missing = await refused(query(dir, 'query($d: String!) { DcimDevice(name__value: $d) { count } }'));
    expect([missing.code, missing.exitCode]).toEqual(['query/variables', 2]);
    const unknown = await refused(query(dir, 'query($d: String) { DcimDevice(name__value: $d) { count } }', ['dev=x']));
    expect([unknown.code, unknown.exitCode, unknown.hint]).toEqual(['query/unknown-variable', 2, 'its variables: $d']);
  });
});

describe('svc query', () => {
  // The example's own queries stay (its check and transform use them); device_ports joins them.
  const config = readFileSync(join(PROJECT_ROOT, '.orchestrator.yml'), 'utf8').replace(/^queries:\n/m, 'queries:\n  - name: device_ports\n    file_path: queries/device_ports.gql\n');
  const world = () =>
    queryWorld('cli', {
      '.orchestrator.yml': config,
      'queries/device_ports.gql': 'query ($device: String!, $limit: Int) {\n  DcimDevice(name__value: $device) {\n    edges { node { name { value } interfaces(limit: $limit) { count edges { node { name { value } } } } } }\n  }\n}\n',
    });

  it('runs a named query with typed --var values and prints { data } as JSON or YAML', () => {
    const dir = world();
    const r = svc(dir, ['query', 'device_ports', '--var', 'device=sw01-par01', '--var', 'limit=1']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ data: { DcimDevice: { edges: [{ node: { name: { value: 'sw01-par01' }, interfaces: { count: 10, edges: [{ node: { name: { value: 'Ethernet1/1' } } }] } } }] } } });
    const y = svc(dir, ['query', 'device_ports', '--var', 'device=rt01-par01', '--format', 'yaml']);
    expect(y.code).toBe(0);
    expect(y.stdout).toMatch(/^data:\n {2}DcimDevice:\n/);
  });

  it('exits 1 for a query that does not fit the schema, 2 for an unknown query', () => {
    const dir = world();
    writeFileSync(join(dir, 'bad.gql'), '{ DcimDevice { edges { node { name { valu } } } } }\n');
    const r = svc(dir, ['query', 'bad.gql']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[query/invalid]: bad.gql:1:38: Cannot query field "valu" on type "TextAttribute". Did you mean "value"?');
    const u = svc(dir, ['query', 'device_port']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('no query "device_port"');
    expect(u.stderr).toContain('device_ports');
  });
});
