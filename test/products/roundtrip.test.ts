import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../src/adapters/fs.js';
import { openInventory } from '../../src/app/inventory.js';
import { openCatalog } from '../../src/core/catalog/catalog.js';
import { decodeObject } from '../../src/core/inventory/codec.js';
import type { InventoryObject } from '../../src/core/inventory/model.js';
import { objectId } from '../../src/core/inventory/paths.js';
import { compileProducts, mergeProductKinds } from '../../src/core/products/compile.js';
import { loadCatalogProducts } from '../../src/core/products/load.js';
import { checkSchema } from '../../src/core/schema/check.js';
import { builtinSchemaFiles } from '../../src/core/schema/builtin.js';
import { loadCatalogSchema } from '../../src/core/schema/catalog-schema.js';
import { PROJECT_ROOT, tempRepo } from '../helpers/repo.js';
import { FIXTURES } from './helpers.js';

/** A catalog with the fixture schema (LocationSite) and the example products. */
function catalogRepo(): string {
  const config = 'schemas: [schemas]\nproducts: [products]\ngenerator_definitions:\n  - name: dedicated_internet\n    file_path: generators/dedicated_internet.ts\n    targets: dedicated internet\n';
  const dir = tempRepo({ '.orchestrator.yml': config, 'schemas/site.yml': readFileSync(join(FIXTURES, 'schema.yml'), 'utf8') });
  cpSync(join(PROJECT_ROOT, 'products'), join(dir, 'products'), { recursive: true });
  return dir;
}

function load(dir: string) {
  const { catalog } = openCatalog(dir, nodeFileHost);
  const schema = loadCatalogSchema(catalog!, nodeFileHost);
  const products = loadCatalogProducts(catalog!, nodeFileHost, schema.schema);
  expect(products.diagnostics).toEqual([]);
  return { catalog: catalog!, schemaFiles: schema.files, set: products.products! };
}

describe('products compile to schema kinds', () => {
  it('blocks become Block<Type>, products Product<Type>, fields typed attributes and relationships', () => {
    const { schemaFiles, set } = load(catalogRepo());
    const merged = mergeProductKinds(schemaFiles, set);
    const dia = merged.get('BlockDedicatedInternet')!;
    expect(dia.inherit_from).toEqual(['SvcProductBlock']);
    expect(dia.attributes.map((a) => [a.name, a.kind, a.optional])).toEqual([
      ['ip_package', 'Text', true], ['noc_contacts', 'List', true], ['vlan', 'Number', true], ['prefix', 'IPNetwork', true], ['gateway_address', 'IPHost', true],
      ['block_name', 'Text', true],
    ]);
    // Every block is known by its subscription's id and its name in the product.
    expect(dia.human_friendly_id).toEqual(['subscription__subscription_id__value', 'block_name__value']);
    expect(dia.attributes.find((a) => a.name === 'vlan')).toMatchObject({ min_value: 2, max_value: 4094 });
    expect(dia.relationships.map((r) => [r.name, r.peer, r.cardinality])).toEqual([
      ['site', 'LocationSite', 'one'], ['customer_port', 'DcimInterfaceL2', 'one'], ['subscription', 'SvcSubscription', 'one'],
    ]);
    // Positions point into the product file.
    expect(dia.attributes[2]!.source).toMatchObject({ file: 'products/dedicated-internet.yml', line: 41 });
    const sub = merged.get('ProductDedicatedInternet')!;
    expect(sub.attributes.map((a) => a.name)).toEqual(['bandwidth', 'subscription_id', 'product', 'customer', 'status', 'description', 'start_date', 'end_date', 'insync', 'note', 'version']);
    expect(sub.relationships.map((r) => [r.name, r.peer])).toEqual([['dedicated_internet', 'BlockDedicatedInternet']]);
    expect(merged.concreteKinds('SvcSubscription')).toEqual(['ProductDedicatedInternet', 'ProductNode', 'ProductPort']);
  });

  it("the compiled kinds pass the schema checks svc applies to every catalog", () => {
    const { schemaFiles, set } = load(catalogRepo());
    const merged = mergeProductKinds(schemaFiles, set);
    const found = checkSchema([...builtinSchemaFiles(), ...schemaFiles, compileProducts(set).file], merged);
    expect(found.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('typed round trips through the inventory files and the SQLite index', () => {
  it('every field type of a subscription and its blocks comes back as it went in', () => {
    const dir = catalogRepo();
    const { catalog, schemaFiles, set } = load(dir);
    const schema = mergeProductKinds(schemaFiles, set);
    const id = (kind: string, seed: string) => objectId(kind, seed);
    const site: InventoryObject = { id: id('LocationSite', 'ams1'), kind: 'LocationSite', attributes: { name: 'ams1' }, relationships: {} };
    const nodeSub = id('ProductNode', 'n'), nodeBlk = id('BlockNode', 'n'), portSub = id('ProductPort', 'p'), portBlk = id('BlockPort', 'p');
    const diaSub = id('ProductDedicatedInternet', 'd'), diaBlk = id('BlockDedicatedInternet', 'd');
    const port: InventoryObject = { id: id('DcimInterfaceL2', 'Ethernet1/1'), kind: 'DcimInterfaceL2', attributes: { name: 'Ethernet1/1' }, relationships: {} };
    const objects: InventoryObject[] = [
      site,
      port,
      {
        id: nodeSub, kind: 'ProductNode',
        attributes: { vendor: 'Nokia', product: 'node Nokia', customer: 'otter', status: 'active', description: 'pe', start_date: '2026-01-01T00:00:00.000Z', insync: true, note: 'a note', version: 2 },
        relationships: { node: { id: nodeBlk, kind: 'BlockNode' } },
      },
      {
        id: nodeBlk, kind: 'BlockNode',
        attributes: { node_name: 'ams-pe-01', loopback_ipv4: '10.0.0.1/32', node_description: 'first' },
        relationships: { subscription: { id: nodeSub, kind: 'ProductNode' }, site: { id: site.id, kind: 'LocationSite' } },
      },
      {
        id: portSub, kind: 'ProductPort',
        attributes: { speed: 10000, product: 'port 10000', customer: 'acme', status: 'terminated', end_date: '2026-02-01T00:00:00.000Z', insync: false, version: 1 },
        relationships: { port: { id: portBlk, kind: 'BlockPort' } },
      },
      {
        id: portBlk, kind: 'BlockPort',
        attributes: { port_name: 'et-0/0/1', port_mode: 'untagged', auto_negotiation: false },
        relationships: { subscription: { id: portSub, kind: 'ProductPort' }, node: { id: nodeBlk, kind: 'BlockNode' } },
      },
      {
        id: diaSub, kind: 'ProductDedicatedInternet',
        attributes: { bandwidth: 1000, product: 'dedicated internet 1000', customer: 'acme', status: 'provisioning', insync: true, version: 1 },
        relationships: { dedicated_internet: { id: diaBlk, kind: 'BlockDedicatedInternet' } },
      },
      {
        id: diaBlk, kind: 'BlockDedicatedInternet',
        attributes: { ip_package: 'medium', noc_contacts: ['noc@acme.test', 'ops@acme.test'], vlan: 1203, prefix: '192.0.2.16/28', gateway_address: '192.0.2.17/28' },
        relationships: { subscription: { id: diaSub, kind: 'ProductDedicatedInternet' }, site: { id: site.id, kind: 'LocationSite' }, customer_port: { id: port.id, kind: 'DcimInterfaceL2' } },
      },
    ];
    const dbPath = join(dir, '.svc/index.sqlite');
    const inv = openInventory(catalog, schema, { dbPath });
    try {
      inv.apply({ upserts: objects, deletes: [] });
    } finally {
      inv.close();
    }
    const again = openInventory(catalog, schema, { dbPath });
    try {
      for (const o of objects) {
        expect(again.get(o.id)).toEqual(o);
        const path = again.pathOf(o.id)!;
        const decoded = decodeObject(schema, path.replace(/^inventory\//, ''), readFileSync(join(dir, path), 'utf8'), path);
        expect(decoded.diagnostics).toEqual([]);
        expect(decoded.object!.attributes).toEqual(o.attributes);
      }
      expect(again.list('SvcSubscription').map((o) => o.id).sort()).toEqual([diaSub, nodeSub, portSub].sort());
    } finally {
      again.close();
    }
  });
});
