import { describe, expect, it } from 'vitest';
import type { InventoryObject } from '../../src/core/inventory/model.js';
import { PoolAllocator, poolFromObject } from '../../src/core/pools/index.js';

const objects: InventoryObject[] = [
  { id: 'pfx-parent', kind: 'IpamIPPrefix', attributes: { prefix: '10.100.0.0/24', is_pool: false }, relationships: {} },
  { id: 'pfx-loop', kind: 'IpamIPPrefix', attributes: { prefix: '10.200.0.0/29', is_pool: true }, relationships: {} },
  { id: 'vlan-pool', kind: 'CoreNumberPool', attributes: { name: 'Customer vlan pool', node: 'IpamVLAN', node_attribute: 'vlan_id', start_range: 100, end_range: 199, excluded_values: '100-101' }, relationships: {} },
  { id: 'pfx-pool', kind: 'CoreIPPrefixPool', attributes: { name: 'Customer prefixes pool', default_prefix_length: 29 }, relationships: { resources: [{ id: 'pfx-parent', kind: 'IpamIPPrefix' }] } },
  { id: 'addr-pool', kind: 'CoreIPAddressPool', attributes: { name: 'Loopbacks', default_address_type: 'IpamIPAddress' }, relationships: { resources: [{ id: 'pfx-loop', kind: 'IpamIPPrefix' }, { id: 'pfx-parent', kind: 'IpamIPPrefix' }] } },
  { id: 'broken', kind: 'CoreIPPrefixPool', attributes: { name: 'Broken' }, relationships: { resources: [{ id: 'vlan-pool', kind: 'CoreNumberPool' }] } },
];
const reader = { get: (id: string) => objects.find((o) => o.id === id) };
const obj = (id: string) => reader.get(id)!;

describe('pools from inventory objects of the Infrahub pool kinds', () => {
  it('reads number, prefix and address pools', () => {
    const vlan = poolFromObject(obj('vlan-pool'), reader).pool!;
    expect(vlan).toEqual({ type: 'number', id: 'vlan-pool', name: 'Customer vlan pool', start: 100, end: 199, excluded: '100-101' });
    expect(new PoolAllocator(vlan, [], []).allocate('s:vlan')).toBe('102');

    const pfx = poolFromObject(obj('pfx-pool'), reader).pool!;
    // the parent prefix is an inventory object too: passing it as used must not fill the pool
    expect(new PoolAllocator(pfx, ['10.100.0.0/24', '10.0.0.0/8', '10.100.0.0/29'], []).allocate('s:prefix')).toBe('10.100.0.8/29');

    const addr = poolFromObject(obj('addr-pool'), reader).pool!;
    // is_pool on 10.200.0.0/29 makes its network address usable
    expect(new PoolAllocator(addr, [], []).allocate('s:loopback')).toBe('10.100.0.1/24');
    expect(new PoolAllocator(addr, ['10.100.0.0/24'], []).utilisation().size).toBe(254n + 8n);
  });

  it('ignores other kinds and reports a pool that cannot be read', () => {
    expect(poolFromObject(obj('pfx-parent'), reader)).toEqual({ pool: undefined, diagnostics: [] });
    const r = poolFromObject(obj('broken'), reader);
    expect(r.pool).toBeUndefined();
    expect(r.diagnostics.map((d) => d.message)).toEqual(['pool Broken: resource vlan-pool is not an IP prefix in the inventory']);
  });
});
