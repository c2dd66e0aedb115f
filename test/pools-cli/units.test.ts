import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { PoolsReport } from '../../src/app/pools.js';
import { bar, renderPools } from '../../src/cli/render/pools.js';
import { parseDuration } from '../../src/core/pools/duration.js';
import { poolUsage, type PoolSource } from '../../src/core/pools/usage.js';
import type { InventoryObject } from '../../src/core/inventory/model.js';
import type { AllocationRecord } from '../../src/core/pools/records.js';

describe('parseDuration', () => {
  it.each([
    ['0', 0], ['30s', 30_000], ['30m', 1_800_000], ['1h', 3_600_000], ['1h30m', 5_400_000], ['2d', 172_800_000], ['1w', 604_800_000], ['250ms', 250],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '5', '5x', 'h', '-1h', '1.5h', '1h 30m'])('refuses %j as a usage error naming the option', (text) => {
    expect(() => parseDuration(text)).toThrow(expect.objectContaining({ code: 'pools/bad-duration', exitCode: 2, message: `--grace ${text}: not a duration` }));
  });
});

const obj = (id: string, kind: string, attributes: InventoryObject['attributes'], relationships: InventoryObject['relationships'] = {}): InventoryObject => ({ id, kind, attributes, relationships });

/** An inventory in memory: pools, the values they count, nothing else. */
function source(objects: InventoryObject[]): PoolSource {
  const kinds: Record<string, string[]> = { BuiltinIPPrefix: ['IpamPrefix'], BuiltinIPAddress: ['IpamIPAddress'] };
  return {
    get: (id) => objects.find((o) => o.id === id),
    list: (kind) => objects.filter((o) => o.kind === kind || kinds[kind]?.includes(o.kind)).sort((a, b) => (a.id < b.id ? -1 : 1)),
    hasKind: (kind) => ['CoreNumberPool', 'CoreIPPrefixPool', 'CoreIPAddressPool', 'IpamVLAN', 'BuiltinIPPrefix', 'BuiltinIPAddress'].includes(kind),
  };
}

const rec = (pool: string, key: string, type: AllocationRecord['type'], resource: string): AllocationRecord => ({ pool, key, type, resource });

describe('poolUsage', () => {
  const objects = [
    obj('vlanpool', 'CoreNumberPool', { name: 'vlans', node: 'IpamVLAN', node_attribute: 'vlan_id', start_range: 100, end_range: 199, excluded_values: '150-159' }),
    obj('v1', 'IpamVLAN', { vlan_id: 100 }),
    obj('v2', 'IpamVLAN', { vlan_id: 101 }),
    obj('v3', 'IpamVLAN', { vlan_id: 155 }),
    obj('v4', 'IpamVLAN', { vlan_id: 4000 }),
    obj('parent6', 'IpamPrefix', { prefix: '2001:db8::/48' }),
    obj('p6pool', 'CoreIPPrefixPool', { name: 'v6' }, { resources: [{ id: 'parent6', kind: 'IpamPrefix' }] }),
    obj('broken', 'CoreNumberPool', { name: 'broken', start_range: 10, end_range: 5 }),
  ];

  it('counts inventory values and records once each, inside the pool only; a broken pool is a diagnostic, not a failure', () => {
    // 100 is both an object and a record (one holder seen twice): counted once; 120 only a record.
    const records = [rec('vlanpool', 's1:vlan', 'number', '100'), rec('vlanpool', 's2:vlan', 'number', '120'), rec('p6pool', 's1:p', 'prefix', '2001:db8:0:100::/56')];
    const { pools, diagnostics } = poolUsage(source(objects), records);
    expect(pools.map((p) => [p.name, p.extent, p.size, p.used, p.free, p.percent, p.allocations])).toEqual([
      ['v6', '2001:db8::/48', 2n ** 80n, 2n ** 72n, 2n ** 80n - 2n ** 72n, 0.39, 1],
      ['vlans', '100-199 excluding 150-159', 90n, 3n, 87n, 3.33, 2],
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual(['pool broken: start 10 is after end 5']);
  });

  it('reports a resource held twice by two records without failing (validate names it)', () => {
    const records = [rec('vlanpool', 's1:vlan', 'number', '130'), rec('vlanpool', 's2:vlan', 'number', '130')];
    const vlans = poolUsage(source(objects), records).pools.find((p) => p.name === 'vlans')!;
    expect([vlans.used, vlans.allocations]).toEqual([3n, 2]);
  });
});

describe('poolUsage across IP namespaces', () => {
  it('an IP pool counts only the prefixes of its own namespace; one naming none is in the default namespace', () => {
    const ns = (id: string) => ({ ip_namespace: { id, kind: 'IpamNamespace' } });
    const objects = [
      obj('nsdefault', 'IpamNamespace', { name: 'default' }),
      obj('nsvrf', 'IpamNamespace', { name: 'customer-a' }),
      obj('agg', 'IpamPrefix', { prefix: '10.0.0.0/24' }),
      obj('aggvrf', 'IpamPrefix', { prefix: '10.0.0.0/24' }, ns('nsvrf')),
      obj('pool', 'CoreIPPrefixPool', { name: 'global' }, { resources: [{ id: 'agg', kind: 'IpamPrefix' }] }),
      obj('poolvrf', 'CoreIPPrefixPool', { name: 'vrf' }, { resources: [{ id: 'aggvrf', kind: 'IpamPrefix' }], ...ns('nsvrf') }),
      obj('p1', 'IpamPrefix', { prefix: '10.0.0.0/29' }, ns('nsdefault')),
      obj('p2', 'IpamPrefix', { prefix: '10.0.0.8/29' }),
      obj('p3', 'IpamPrefix', { prefix: '10.0.0.16/28' }, ns('nsvrf')),
    ];
    const src = { ...source(objects), hasKind: (k: string) => ['CoreIPPrefixPool', 'BuiltinIPPrefix', 'BuiltinIPNamespace'].includes(k), list: (k: string) => objects.filter((o) => o.kind === k || (k === 'BuiltinIPPrefix' && o.kind === 'IpamPrefix') || (k === 'BuiltinIPNamespace' && o.kind === 'IpamNamespace')) };
    const used = Object.fromEntries(poolUsage(src, []).pools.map((p) => [p.name, p.used]));
    expect(used).toEqual({ global: 16n, vrf: 16n });
  });
});

describe('renderPools', () => {
  const report: PoolsReport = {
    ledger: null,
    otherReservations: [], manual: [],
    diagnostics: [],
    pools: [
      { pool: 'a', name: 'half', kind: 'CoreNumberPool', type: 'number', unit: 'values', extent: '1-10', size: 10n, used: 5n, free: 5n, percent: 50, allocations: 5, reservations: null },
      { pool: 'b', name: 'full', kind: 'CoreNumberPool', type: 'number', unit: 'values', extent: '1-4', size: 4n, used: 4n, free: 0n, percent: 100, allocations: 4, reservations: null },
      { pool: 'c', name: 'tiny', kind: 'CoreIPPrefixPool', type: 'prefix', unit: 'addresses', extent: '2001:db8::/32', size: 2n ** 96n, used: 2n ** 64n, free: 2n ** 96n - 2n ** 64n, percent: 0, allocations: 1, reservations: null },
    ],
  };

  it('draws a bar on a terminal, plain when NO_COLOR gives a colourless chalk', () => {
    const out = renderPools(report, { bar: true, color: new Chalk({ level: 0 }) });
    expect(out).toContain('[#####-----] 50%');
    expect(out).toContain('[##########] 100%');
    // Something used shows at least one mark and a percentage that is not a misleading 0.
    expect(out).toContain('[#---------] <0.01%');
    expect(out).not.toContain('\x1b[');
  });

  it('colours the bar by fill when colour is on', () => {
    const c = new Chalk({ level: 1 });
    expect(bar(50, c)).toBe(`[${c.green('#####')}${c.dim('-----')}]`);
    expect(bar(80, c)).toContain(c.yellow('########'));
    expect(bar(95, c)).toBe(`[${c.red('#########')}${c.dim('-')}]`);
  });

  it('has no bar when piped, and says how to get pools when there are none', () => {
    expect(renderPools(report, { bar: false, color: new Chalk({ level: 1 }) })).not.toContain('#');
    expect(renderPools({ ...report, pools: [] }, { bar: false, color: new Chalk({ level: 0 }) })).toMatch(/^no pools in the inventory .*svc load/);
  });
});
