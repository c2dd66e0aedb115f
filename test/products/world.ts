import { mergeProductKinds } from '../../src/core/products/compile.js';
import type { ProductSet } from '../../src/core/products/model.js';
import type { InventoryObject, InventoryReader, PeerRef } from '../../src/core/inventory/model.js';
import type { SchemaSet } from '../../src/core/schema/model.js';
import { EXAMPLE_GENERATORS, exampleProductFiles, fixtureSchema, loadOk } from './helpers.js';

/**
 * The example catalog's products with a small inventory held in memory: a site, a node, a port on
 * it, and a Dedicated Internet service at the site on a switch interface, each subscription owning its blocks.
 */
export interface World {
  set: ProductSet;
  schema: SchemaSet;
  objects: Map<string, InventoryObject>;
  reader: InventoryReader;
  put(obj: InventoryObject): void;
}

export const ref = (id: string, kind: string): PeerRef => ({ id, kind });

export function world(): World {
  const set = loadOk(exampleProductFiles(), EXAMPLE_GENERATORS);
  const schema = mergeProductKinds(fixtureSchema().files, set);
  const objects = new Map<string, InventoryObject>();
  const reader: InventoryReader = {
    get: (id) => objects.get(id),
    findByHfid: () => undefined,
    list: (kind) => [...objects.values()].filter((o) => schema.isA(o.kind, kind)).sort((a, b) => a.id.localeCompare(b.id)),
  };
  const put = (o: InventoryObject) => void objects.set(o.id, o);
  put({ id: 'site-ams', kind: 'LocationSite', attributes: { name: 'ams1' }, relationships: {} });
  put({ id: 'if-ams-1', kind: 'DcimInterfaceL2', attributes: { name: 'Ethernet1/1' }, relationships: {} });
  put(sub('sub-node', 'ProductNode', 'node Nokia', 'active', { node: ref('blk-node', 'BlockNode') }));
  put({ id: 'blk-node', kind: 'BlockNode', attributes: { node_name: 'ams-pe-01', loopback_ipv4: '10.0.0.1' }, relationships: { subscription: ref('sub-node', 'ProductNode'), site: ref('site-ams', 'LocationSite') } });
  put(sub('sub-port', 'ProductPort', 'port 10000', 'active', { port: ref('blk-port', 'BlockPort') }));
  put({ id: 'blk-port', kind: 'BlockPort', attributes: { port_name: 'et-0/0/1', port_mode: 'tagged' }, relationships: { subscription: ref('sub-port', 'ProductPort'), node: ref('blk-node', 'BlockNode') } });
  put(sub('sub-dia', 'ProductDedicatedInternet', 'dedicated internet 1000', 'initial', { dedicated_internet: ref('blk-dia', 'BlockDedicatedInternet') }));
  put({ id: 'blk-dia', kind: 'BlockDedicatedInternet', attributes: { ip_package: 'small' }, relationships: { subscription: ref('sub-dia', 'ProductDedicatedInternet'), site: ref('site-ams', 'LocationSite') } });
  return { set, schema, objects, reader, put };
}

export function sub(id: string, kind: string, product: string, status: string, relationships: Record<string, PeerRef>): InventoryObject {
  return {
    id,
    kind,
    attributes: { product, customer: 'acme', status, insync: true, version: 1, ...(status === 'active' ? { start_date: '2026-01-01T00:00:00.000Z' } : {}) },
    relationships,
  };
}

/** Fill in the Dedicated Internet's outputs, as its generator would. */
export function provisionDia(w: World): void {
  const blk = w.objects.get('blk-dia')!;
  w.put({
    ...blk,
    attributes: { ...blk.attributes, vlan: 100, prefix: '192.0.2.0/29', gateway_address: '192.0.2.1' },
    relationships: { ...blk.relationships, customer_port: ref('if-ams-1', 'DcimInterfaceL2') },
  });
}
