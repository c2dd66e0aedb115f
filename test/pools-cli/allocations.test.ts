import { describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../src/adapters/fs.js';
import { requireModel } from '../../src/app/model.js';
import { openCatalog } from '../../src/core/catalog/catalog.js';
import { checkAllocations } from '../../src/core/inventory-check/allocations.js';
import type { ObjectFileText } from '../../src/core/inventory-check/model.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

const schema = requireModel(openCatalog(PROJECT_ROOT, nodeFileHost).catalog!).schema;

/** Object files as the work tree holds them (the check reads text, as validate does). */
const file = (kind: string, o: Record<string, unknown>): ObjectFileText => {
  const path = `${kind}/${String(o.id)}.json`;
  return { path, file: `inventory/${path}`, text: `${JSON.stringify(o, null, 2)}\n` };
};
const ns = { kind: 'IpamNamespace', hfid: 'default' };
const base = [
  file('IpamNamespace', { id: 'a000000000000001', name: 'default' }),
  file('IpamPrefix', { id: 'b000000000000001', prefix: '10.100.0.0/16', status: 'active', ip_namespace: ns }),
  file('IpamPrefix', { id: 'b000000000000002', prefix: '2001:db8:100::/48', status: 'active', ip_namespace: ns }),
  file('CoreIPAddressPool', { id: 'c000000000000001', name: 'mgmt', resources: [{ id: 'b000000000000001' }] }),
  file('CoreIPPrefixPool', { id: 'c000000000000002', name: 'v6', default_prefix_length: 56, resources: [{ id: 'b000000000000002' }] }),
];
const address = (id: string, a: string) => file('IpamIPAddress', { id, address: a, status: 'active', ip_namespace: ns });
const run = (id: string, target: string, allocations: unknown[], produced: unknown[] = []) =>
  file('SvcGeneratorRun', { id, generator: 'g', target, produced, allocations });

describe('checkAllocations (pure)', () => {
  it('finds one address held twice inside an address pool, whatever the prefix length written after it', () => {
    const r = checkAllocations(schema, [...base, address('d000000000000001', '10.100.0.5/16'), address('d000000000000002', '10.100.0.5/24'), address('d000000000000003', '10.100.0.6/16')]);
    expect(r.diagnostics.map((d) => [d.code, d.file, d.message])).toEqual([
      ['pools/held-twice', 'inventory/IpamIPAddress/d000000000000002.json', expect.stringMatching(/^address 10\.100\.0\.5\/24 is held twice: by IpamIPAddress .*d000000000000001\.json.* and by IpamIPAddress .*d000000000000002\.json/)],
    ]);
  });

  it('ignores duplicates outside every pool (two VRFs may reuse an address)', () => {
    expect(checkAllocations(schema, [...base, address('d000000000000001', '192.0.2.1/24'), address('d000000000000002', '192.0.2.1/24')]).diagnostics).toEqual([]);
  });

  it('compares addresses within one IP namespace: the same address in two namespaces is two resources', () => {
    const vrf = { kind: 'IpamNamespace', hfid: 'customer-a' };
    const other = [
      file('IpamNamespace', { id: 'a000000000000002', name: 'customer-a' }),
      file('IpamPrefix', { id: 'b000000000000003', prefix: '10.100.0.0/16', status: 'active', ip_namespace: vrf }),
      file('CoreIPAddressPool', { id: 'c000000000000003', name: 'customer-a mgmt', ip_namespace: { id: 'a000000000000002' }, resources: [{ id: 'b000000000000003' }] }),
    ];
    const inVrf = (id: string, a: string) => file('IpamIPAddress', { id, address: a, status: 'active', ip_namespace: vrf });
    expect(checkAllocations(schema, [...base, ...other, address('d000000000000001', '10.100.0.5/16'), inVrf('d000000000000002', '10.100.0.5/16')]).diagnostics).toEqual([]);
    const twice = checkAllocations(schema, [...base, ...other, address('d000000000000001', '10.100.0.5/16'), inVrf('d000000000000002', '10.100.0.5/16'), inVrf('d000000000000003', '10.100.0.5/24')]);
    expect(twice.diagnostics.map((d) => [d.code, d.file])).toEqual([['pools/held-twice', 'inventory/IpamIPAddress/d000000000000003.json']]);
    expect(twice.diagnostics[0]!.message).toMatch(/d000000000000002\.json.* and by .*d000000000000003\.json/);
  });

  it('an IPv6 record overlapping another run\'s record is named with both runs; its own object is not a second holder', () => {
    const files = [
      ...base,
      file('IpamPrefix', { id: 'e000000000000001', prefix: '2001:db8:100::/56', status: 'active', ip_namespace: ns }),
      run('f000000000000001', 'sub-1', [{ pool: 'c000000000000002', key: 'sub-1:p', type: 'prefix', resource: '2001:db8:100::/56', target: 'sub-1' }], [{ id: 'e000000000000001', generated: true }]),
      run('f000000000000002', 'sub-2', [{ pool: 'c000000000000002', key: 'sub-2:p', type: 'prefix', resource: '2001:db8:100::/60', target: 'sub-2' }]),
    ];
    const r = checkAllocations(schema, files);
    expect(r.records).toBe(2);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'prefix 2001:db8:100::/60 held by allocation sub-2:p of generator g for sub-2 (inventory/SvcGeneratorRun/f000000000000002.json) overlaps 2001:db8:100::/56 held by allocation sub-1:p of generator g for sub-1 (inventory/SvcGeneratorRun/f000000000000001.json; IpamPrefix "default / 2001:db8:100::/56" (inventory/IpamPrefix/e000000000000001.json))',
    ]);
  });

  it('reports each of the ledger\'s own problems, and nothing else on a clean inventory', () => {
    const r = checkAllocations(schema, base, ['vlan: 1000 is held twice, by request/a (key a) and request/b (key b)']);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', code: 'reservations/ledger-inconsistent', message: 'reservation ledger: vlan: 1000 is held twice, by request/a (key a) and request/b (key b)' }),
    ]);
    expect(checkAllocations(schema, base).diagnostics).toEqual([]);
  });

  it('names a pool it cannot read at its file', () => {
    const r = checkAllocations(schema, [...base, file('CoreNumberPool', { id: 'c000000000000009', name: 'backwards', node: 'IpamVLAN', node_attribute: 'vlan_id', start_range: 20, end_range: 10 })]);
    expect(r.diagnostics.map((d) => [d.code, d.file, d.message])).toEqual([['pools/invalid-pool', 'inventory/CoreNumberPool/c000000000000009.json', 'pool backwards: start 20 is after end 10']]);
  });
});
