import { describe, expect, it } from 'vitest';
import { sameObject } from '../../src/core/inventory/equality.js';
import type { InventoryObject } from '../../src/core/inventory/model.js';

const base: InventoryObject = {
  id: 'a',
  kind: 'DcimInterfaceL2',
  attributes: { name: 'Ethernet1/1', speed: 1000, tags: ['x', 'y'], meta: { b: 1, a: 2 } },
  relationships: { device: { id: 'd', kind: 'DcimDevice' }, vlans: [{ id: 'v1', kind: 'IpamVLAN' }, { id: 'v2', kind: 'IpamVLAN' }] },
};

describe('sameObject: equal when the files would be', () => {
  it('ignores key order, absent versus null, peer order and empty peer lists', () => {
    const other: InventoryObject = {
      kind: 'DcimInterfaceL2',
      id: 'a',
      attributes: { meta: { a: 2, b: 1 }, tags: ['x', 'y'], speed: 1000, name: 'Ethernet1/1', description: null },
      relationships: { vlans: [{ id: 'v2', kind: 'IpamVLAN' }, { id: 'v1', kind: 'IpamVLAN' }], device: { id: 'd', kind: 'DcimDevice' }, untagged: [] },
    };
    expect(sameObject(base, other)).toBe(true);
    expect(sameObject(other, base)).toBe(true);
  });

  it('tells every real difference', () => {
    const changes: ((o: InventoryObject) => void)[] = [
      (o) => (o.kind = 'DcimInterfaceL3'),
      (o) => (o.attributes.speed = 100),
      (o) => (o.attributes.tags = ['y', 'x']),
      (o) => delete o.attributes.name,
      (o) => (o.attributes.enabled = false),
      (o) => (o.relationships.device = { id: 'e', kind: 'DcimDevice' }),
      (o) => (o.relationships.vlans = [{ id: 'v1', kind: 'IpamVLAN' }]),
      (o) => delete o.relationships.device,
    ];
    for (const change of changes) {
      const o = structuredClone(base);
      change(o);
      expect(sameObject(base, o)).toBe(false);
      expect(sameObject(o, base)).toBe(false);
    }
  });
});
