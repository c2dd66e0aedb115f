import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../src/adapters/fs.js';
import { loadSchemaPaths } from '../../src/core/schema/catalog-schema.js';
import type { SchemaSet } from '../../src/core/schema/model.js';
import { PROJECT_ROOT } from '../helpers/repo.js';
import { expandItem, hfidOf, walkObjectFiles, type Walk } from './object-walk.js';

const BOOTSTRAP = join(PROJECT_ROOT, 'bootstrap');
const SCHEMA_PATHS = ['schemas/base', 'schemas/location_minimal', 'schemas/vlan', 'schemas/service'].map((p) => join(PROJECT_ROOT, p));

let schema: SchemaSet;
let walk: Walk;
const files = readdirSync(BOOTSTRAP).filter((f) => f.endsWith('.yml')).sort();

beforeAll(() => {
  const load = loadSchemaPaths(SCHEMA_PATHS, nodeFileHost, PROJECT_ROOT);
  expect(load.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  schema = load.schema!;
  walk = walkObjectFiles(files.map((f) => ({ name: f, text: readFileSync(join(BOOTSTRAP, f), 'utf8') })), schema);
});

const ofKind = (kind: string) => walk.objects.filter((o) => o.kind === kind);

describe('the Otter-net bootstrap data', () => {
  it('is numbered in dependency order, one Infrahub object file per kind', () => {
    expect(files).toEqual([
      '01_locations.yml', '02_devices.yml', '03_l2domains.yml', '04_namespaces.yml',
      '05_prefixes.yml', '06_vlan_pool.yml', '07_prefix_pools.yml', '08_address_pools.yml',
    ]);
  });

  it('loads against the schema: known keys, valid values, mandatory values present, every reference defined', () => {
    expect(walk.problems).toEqual([]);
  });

  it('has 3 countries, 5 metros and 6 sites in one tree', () => {
    expect(ofKind('LocationCountry').map((o) => o.attributes.name)).toEqual(['France', 'Belgium', 'Germany']);
    expect(ofKind('LocationMetro')).toHaveLength(5);
    const sites = ofKind('LocationSite');
    expect(sites.map((o) => o.attributes.name)).toEqual(['par01', 'par02', 'lys01', 'bru01', 'fra01', 'ber01']);
    for (const s of sites) expect(walk.objects[s.refs.parent![0] as number]!.kind).toBe('LocationMetro');
  });

  it('has two core switches and two edge routers, numbered 1 and 2, at every site', () => {
    const devices = ofKind('DcimDevice');
    expect(devices).toHaveLength(24);
    for (const site of ofKind('LocationSite').map((o) => o.attributes.name as string)) {
      const here = devices.filter((d) => JSON.stringify(d.refs.location) === JSON.stringify([[site]]));
      const pairs = here.map((d) => `${d.attributes.role as string}${d.attributes.index as number}`).sort();
      expect(pairs, site).toEqual(['core1', 'core2', 'edge1', 'edge2']);
    }
  });

  it('gives every core switch 8 free customer ports (expanded from a range) and 2 uplinks', () => {
    const switches = ofKind('DcimDevice').map((d, i) => ({ d, i })).filter(({ d }) => d.attributes.role === 'core');
    const index = new Map(walk.objects.map((o, i) => [o, i]));
    for (const { d } of switches) {
      const me = index.get(d)!;
      const ports = walk.objects.filter((o) => o.kind === 'DcimInterfaceL2' && o.refs.device?.[0] === me);
      const customer = ports.filter((p) => p.attributes.role === 'customer');
      expect(customer.map((p) => p.attributes.name), d.attributes.name as string).toEqual(
        Array.from({ length: 8 }, (_, i) => `Ethernet1/${i + 1}`),
      );
      expect(customer.every((p) => p.attributes.status === 'free' && p.attributes.enabled === false)).toBe(true);
      expect(ports.filter((p) => p.attributes.role === 'backbone')).toHaveLength(2);
    }
    expect(ofKind('DcimInterfaceL2').filter((p) => p.attributes.status === 'free')).toHaveLength(96);
  });

  it('identifies interfaces by device and name, as the schema says', () => {
    const i = walk.objects.findIndex((o) => o.kind === 'DcimInterfaceL2');
    expect(hfidOf(walk.objects, i, schema)).toEqual(['sw01-par01', 'Ethernet1/1']);
  });

  it('has the pools the Dedicated Internet generator looks up by name, over resources of the right kind', () => {
    const [vlanPool] = ofKind('CoreNumberPool');
    expect(vlanPool!.attributes).toMatchObject({ name: 'Customer vlan pool', node: 'IpamVLAN', node_attribute: 'vlan_id', start_range: 1000, end_range: 1999 });
    const vlanId = schema.get('IpamVLAN')!.attributes.find((a) => a.name === 'vlan_id')!;
    expect(vlanId.kind).toBe('Number');
    expect(vlanId.min_value! <= 1000 && 1999 <= vlanId.max_value!).toBe(true);

    const prefixPool = ofKind('CoreIPPrefixPool').find((p) => p.attributes.name === 'Customer prefixes pool')!;
    expect(prefixPool.refs.resources).toEqual([['default', '203.0.113.0/24'], ['default', '198.51.100.0/24']]);
    expect(schema.isA(prefixPool.attributes.default_prefix_type as string, 'BuiltinIPPrefix')).toBe(true);

    const addressPool = ofKind('CoreIPAddressPool').find((p) => p.attributes.name === 'Management addresses pool')!;
    expect(addressPool.refs.resources).toEqual([['default', '10.100.0.0/16']]);
    expect(schema.isA(addressPool.attributes.default_address_type as string, 'BuiltinIPAddress')).toBe(true);
    expect(ofKind('IpamL2Domain').map((o) => o.attributes.name)).toEqual(['default']);
  });
});

describe('the test oracle itself', () => {
  const tiny = (text: string) => walkObjectFiles([{ name: 'x.yml', text }], schema);
  const head = 'apiVersion: infrahub.app/v1\nkind: Object\nspec:\n';

  it('expands ranges, zipping equal-length ones and refusing unequal ones', () => {
    expect(expandItem({ name: 'e[1-2]', description: 'to sw0[1-2]' })).toEqual([
      { name: 'e1', description: 'to sw01' },
      { name: 'e2', description: 'to sw02' },
    ]);
    expect(expandItem({ name: 'e[1-2]', description: 'x[1-3]' })).toBe('ranges of unequal length');
  });

  it('reports an unknown key, a bad choice, a missing mandatory value and a dangling reference', () => {
    const w = tiny(`${head}  kind: DcimDevice\n  data:\n    - name: sw09-xxx01\n      role: spine\n      colour: red\n      location: nowhere\n`);
    expect(w.problems).toEqual([
      'x.yml: spec.data[0].role: "spine" is not a choice of role',
      'x.yml: spec.data[0].colour: DcimDevice has no attribute or relationship "colour"',
      'x.yml: spec.data[0]: DcimDevice: mandatory attribute "index" is missing',
      'x.yml: DcimDevice.location → LocationSite ["nowhere"] is not defined',
    ]);
  });
});
