import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeFileHost } from '../../src/adapters/fs.js';
import { openInventory } from '../../src/app/inventory.js';
import { openCatalog, type Catalog } from '../../src/core/catalog/catalog.js';
import { objectId, objectPath } from '../../src/core/inventory/paths.js';
import { loadCatalogSchema } from '../../src/core/schema/catalog-schema.js';
import type { SchemaSet } from '../../src/core/schema/model.js';
import { PROJECT_ROOT, tempRepo, type FileTree } from '../helpers/repo.js';

export const FIXTURE_SCHEMA = readFileSync(join(PROJECT_ROOT, 'test/fixtures/inventory/schema.yml'), 'utf8');

/** One object file as svc would name it: [path under the catalog, text]. Keys are written in the given order. */
export function objectFile(kind: string, hfid: string[] | undefined, fields: Record<string, unknown>, seed?: string): [string, string] {
  const id = objectId(kind, seed ?? hfid ?? 'x');
  return [`inventory/${objectPath(kind, id, hfid)}`, `${JSON.stringify({ id, ...fields }, null, 2)}\n`];
}

export const idOf = (kind: string, seed: string[] | string) => objectId(kind, seed);

/** A small valid inventory: a site, a switch with two interfaces, a router, a VLAN, a prefix. */
export function sampleInventory(): FileTree {
  return Object.fromEntries([
    objectFile('LocationSite', ['ATL1'], { name: 'ATL1', description: 'Atlanta' }),
    objectFile('DcimSwitch', ['atl1-core1'], { name: 'atl1-core1', status: 'active', asn: 65001, managed: true, site: 'ATL1' }),
    objectFile('DcimRouter', ['atl1-edge1'], { name: 'atl1-edge1', status: 'planned', loopback: '192.0.2.1/32', site: 'ATL1' }),
    objectFile('DcimInterface', ['atl1-core1', 'Ethernet1/1'], { name: 'Ethernet1/1', enabled: true, mtu: 9000, device: { kind: 'DcimSwitch', hfid: 'atl1-core1' }, tagged_vlans: [{ id: objectId('IpamVlan', 'v100') }] }),
    objectFile('DcimInterface', ['atl1-core1', 'Ethernet1/2'], { name: 'Ethernet1/2', enabled: false, device: { kind: 'DcimSwitch', hfid: 'atl1-core1' } }),
    objectFile('IpamVlan', undefined, { vid: 100, name: 'customers' }, 'v100'),
    objectFile('IpamPrefix', ['10.0.0.0/24'], { prefix: '10.0.0.0/24' }),
  ]);
}

/** A committed catalog (real git repository) with the fixture schema and `inventory` files. */
export function catalogRepo(inventory: FileTree = sampleInventory(), opts: { commit?: boolean } = {}): string {
  return tempRepo({ '.orchestrator.yml': 'schemas: [schemas]\n', 'schemas/inventory.yml': FIXTURE_SCHEMA, ...inventory }, opts);
}

export function load(dir: string): { catalog: Catalog; schema: SchemaSet } {
  const { catalog } = openCatalog(dir, nodeFileHost);
  const schema = loadCatalogSchema(catalog!, nodeFileHost).schema;
  if (!schema) throw new Error('fixture schema does not load');
  return { catalog: catalog!, schema };
}

/** Open the inventory, run `fn`, close it. */
export function withInventory<T>(dir: string, fn: (inv: ReturnType<typeof openInventory>) => T): T {
  const { catalog, schema } = load(dir);
  const inv = openInventory(catalog, schema);
  try {
    return fn(inv);
  } finally {
    inv.close();
  }
}
