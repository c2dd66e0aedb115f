import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../src/adapters/fs.js';
import { Overlay } from '../../src/core/generate/overlay.js';
import type { Inventory } from '../../src/core/inventory/api.js';
import type { InventoryObject } from '../../src/core/inventory/model.js';
import { loadSchemaPaths } from '../../src/core/schema/catalog-schema.js';
import type { SchemaSet } from '../../src/core/schema/model.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

const dir = join(PROJECT_ROOT, 'test/fixtures/load/ipam');
const schema = loadSchemaPaths([join(dir, 'schema.yml')], nodeFileHost, dir).schema!;

/** The index underneath a run, over a list: only what Overlay asks of it. */
function base(schema: SchemaSet, objects: InventoryObject[]): Inventory {
  const list = (kind: string) => objects.filter((o) => schema.isA(o.kind, kind));
  return { schema, get: (id: string) => objects.find((o) => o.id === id), list, query: list, findByHfid: () => undefined, idByHfid: () => undefined, referrers: () => [], referrerObjects: () => [] } as unknown as Inventory;
}
const prefix = (id: string, p: string, rel: InventoryObject['relationships'] = {}): InventoryObject => ({ id, kind: 'IpamPrefix', attributes: { prefix: p }, relationships: rel });

describe('a generator\'s prefix without a namespace is in the default one', () => {
  it('made when nothing holds one, and written with the prefix', () => {
    const run = new Overlay(base(schema, []), schema);
    run.put(prefix('b000000000000001', '10.0.0.0/24'));
    const { upserts } = run.changeSet();
    const ns = upserts.find((o) => o.kind === 'IpamNamespace')!;
    expect(ns.attributes).toEqual({ name: 'default', default: true });
    expect(upserts.find((o) => o.kind === 'IpamPrefix')!.relationships.ip_namespace).toEqual({ id: ns.id, kind: 'IpamNamespace' });
  });

  it('the inventory\'s default when there is one; a namespace given or already held stays', () => {
    const global: InventoryObject = { id: 'a000000000000001', kind: 'IpamNamespace', attributes: { name: 'default' }, relationships: {} };
    const vrf = { id: 'a000000000000002', kind: 'IpamNamespace' };
    const held = prefix('b000000000000009', '10.9.0.0/24', { ip_namespace: vrf });
    const run = new Overlay(base(schema, [global, { ...vrf, attributes: { name: 'vrf' }, relationships: {} }, held]), schema);
    run.put(prefix('b000000000000001', '10.0.0.0/24'));
    run.put(prefix('b000000000000002', '10.1.0.0/24', { ip_namespace: vrf }));
    run.put(prefix('b000000000000009', '10.9.0.0/23'));
    expect(run.changeSet().upserts.map((o) => [o.id, (o.relationships.ip_namespace as { id: string }).id])).toEqual([
      ['b000000000000001', global.id],
      ['b000000000000002', vrf.id],
      ['b000000000000009', vrf.id],
    ]);
  });
});
