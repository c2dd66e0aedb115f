import { describe, expect, it } from 'vitest';
import { SvcError } from '../../src/core/errors.js';
import {
  PoolAllocator,
  allocate,
  release,
  type AddressPoolDefinition,
  type NumberPoolDefinition,
  type PrefixPoolDefinition,
} from '../../src/core/pools/index.js';

const vlans: NumberPoolDefinition = { type: 'number', id: 'pool-vlan', name: 'Customer vlan pool', start: 1000, end: 1999 };
const prefixes: PrefixPoolDefinition = { type: 'prefix', id: 'pool-pfx', name: 'Customer prefixes pool', prefixes: ['10.0.0.0/24'] };
const addresses: AddressPoolDefinition = { type: 'address', id: 'pool-addr', name: 'Loopbacks', prefixes: ['10.9.0.0/29'] };

/** The thrown error, for asserting its code and message. */
function thrown(f: () => unknown): SvcError {
  try {
    f();
  } catch (e) {
    if (e instanceof SvcError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('number pools', () => {
  it('hands out the lowest free value, skipping used and excluded ones', () => {
    const a = new PoolAllocator({ ...vlans, excluded: '1001, 1003-1004' }, [1000, '1002'], []);
    expect(a.allocate('s1:vlan')).toBe('1005');
    expect(a.allocate('s2:vlan')).toBe('1006');
    expect(new PoolAllocator({ ...vlans, excluded: [1000, [1001, 1002]] }, [], []).allocate('k')).toBe('1003');
  });

  it('is idempotent by key, also across runs through the records', () => {
    const a = new PoolAllocator(vlans, [], []);
    const first = a.allocate('s1:vlan');
    expect(a.allocate('s2:vlan')).toBe('1001');
    expect(a.allocate('s1:vlan')).toBe(first);
    const again = new PoolAllocator(vlans, [], a.records());
    expect(again.allocate('s2:vlan')).toBe('1001');
    expect(again.allocate('s3:vlan')).toBe('1002');
  });

  it('frees a released key for the next allocation, unless the inventory still uses the value', () => {
    const a = new PoolAllocator(vlans, [], []);
    a.allocate('s1:vlan');
    a.allocate('s2:vlan');
    expect(a.release('s1:vlan')).toBe('1000');
    expect(a.release('s1:vlan')).toBeUndefined();
    expect(a.allocate('s3:vlan')).toBe('1000');

    const b = new PoolAllocator(vlans, ['1000'], [{ pool: 'pool-vlan', key: 's1:vlan', type: 'number', resource: '1000' }]);
    b.release('s1:vlan');
    expect(b.allocate('s3:vlan')).toBe('1001');
  });

  it('re-allocates a held value that the pool no longer allows', () => {
    const records = allocate(vlans, [], [], 's1:vlan').records;
    expect(records).toEqual([{ pool: 'pool-vlan', key: 's1:vlan', type: 'number', resource: '1000' }]);
    expect(allocate({ ...vlans, excluded: '1000' }, [], records, 's1:vlan').resource).toBe('1001');
  });

  it('the pure functions return updated records and leave their input alone', () => {
    const start = [{ pool: 'other', key: 'x', type: 'number' as const, resource: '5' }];
    const r = allocate(vlans, [], start, 's1:vlan', { target: 'sub-1' });
    expect(start).toHaveLength(1);
    expect(r.records).toEqual([start[0], { pool: 'pool-vlan', key: 's1:vlan', type: 'number', resource: '1000', target: 'sub-1' }]);
    expect(release(vlans, r.records, 's1:vlan')).toEqual(start);
  });

  it('exhaustion names the pool, its size and what is used', () => {
    const small: NumberPoolDefinition = { ...vlans, end: 1003 };
    const a = new PoolAllocator(small, [1000, 1001], []);
    a.allocate('a');
    a.allocate('b');
    const e = thrown(() => a.allocate('c'));
    expect(e.code).toBe('pools/exhausted');
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe('Customer vlan pool (1000-1003, 4 values): all 4 in use');
    expect(e.hint).toMatch(/release/);
    // nothing was recorded for the failed key
    expect(a.holding('c')).toBeUndefined();
    expect(a.records().map((r) => r.key)).toEqual(['a', 'b']);

    const full = new PoolAllocator(vlans, Array.from({ length: 1000 }, (_, i) => 1000 + i), []);
    expect(thrown(() => full.allocate('x')).message).toBe('Customer vlan pool (1000-1999, 1000 values): all 1000 in use');
    const excl = new PoolAllocator({ ...small, excluded: '1001-1002' }, [1000, 1003], []);
    expect(thrown(() => excl.allocate('x')).message).toBe('Customer vlan pool (1000-1003 excluding 1001-1002, 2 values): all 2 in use');
  });

  it('rejects a broken pool definition with every problem', () => {
    const e = thrown(() => new PoolAllocator({ ...vlans, start: 10, end: 5, excluded: 'a, 3-x' }, [], []));
    expect(e.code).toBe('pools/invalid-pool');
    expect(e.diagnostics.map((d) => d.message)).toEqual([
      'pool Customer vlan pool: start 10 is after end 5',
      'pool Customer vlan pool: excluded value "a" is neither a number nor a range like 1010-1020',
      'pool Customer vlan pool: excluded value "3-x" is neither a number nor a range like 1010-1020',
    ]);
  });

  it('refuses records that hold one value twice, naming both keys', () => {
    const e = thrown(
      () =>
        new PoolAllocator(vlans, [], [
          { pool: 'pool-vlan', key: 's1:vlan', type: 'number', resource: '1000' },
          { pool: 'pool-vlan', key: 's2:vlan', type: 'number', resource: '1000' },
        ]),
    );
    expect(e.code).toBe('pools/held-twice');
    expect(e.message).toContain('by s1:vlan and by s2:vlan');
  });
});

describe('prefix pools', () => {
  it('allocates aligned prefixes, lowest first, around used and overlapping prefixes', () => {
    const a = new PoolAllocator(prefixes, ['10.0.0.0/29', '10.0.0.16/28', '10.0.0.9/32', '192.168.0.0/16'], []);
    // 10.0.0.8/29 holds the used 10.0.0.9, 10.0.0.16/28 is used: the first free /29 is 10.0.0.32.
    expect(a.allocate('s1:prefix', { length: 29 })).toBe('10.0.0.32/29');
    expect(a.allocate('s2:prefix', { length: 29 })).toBe('10.0.0.40/29');
    // a /27 must start on a /27 boundary: 10.0.0.0/27 and 10.0.0.32/27 are touched
    expect(a.allocate('s3:prefix', { length: 27 })).toBe('10.0.0.64/27');
    expect(a.allocate('s4:prefix', { length: 29 })).toBe('10.0.0.48/29');
  });

  it('finds space freed below where the last search ended, for every block size', () => {
    const a = new PoolAllocator(prefixes, [], []);
    for (let i = 0; i < 8; i++) a.allocate(`s${i}`, { length: 29 });
    expect(a.allocate('big', { length: 27 })).toBe('10.0.0.64/27');
    // Freeing the four /29s of 10.0.0.0/27 makes room for a /27 there, and a /29 at the very start.
    for (const k of ['s0', 's1', 's2', 's3']) a.release(k);
    expect(a.allocate('big2', { length: 27 })).toBe('10.0.0.0/27');
    a.release('s5');
    expect(a.allocate('s9', { length: 29 })).toBe('10.0.0.40/29');
    expect(a.allocate('s10', { length: 29 })).toBe('10.0.0.96/29');
  });

  it('a changed length swaps the prefix and releases the old one', () => {
    const a = new PoolAllocator(prefixes, [], []);
    expect(a.allocate('s1:prefix', { length: 29 })).toBe('10.0.0.0/29');
    expect(a.allocate('s2:prefix', { length: 29 })).toBe('10.0.0.8/29');
    expect(a.allocate('s1:prefix', { length: 27 })).toBe('10.0.0.32/27');
    expect(a.allocate('s3:prefix', { length: 29 })).toBe('10.0.0.0/29');
    expect(a.allocate('s1:prefix', { length: 27 })).toBe('10.0.0.32/27');
  });

  it('walks several parents in address order, IPv4 before IPv6, and uses the default length', () => {
    const pool: PrefixPoolDefinition = { ...prefixes, prefixes: ['2001:db8::/48', '10.1.0.0/30', '10.0.0.0/30'], defaultPrefixLength: 31 };
    const a = new PoolAllocator(pool, [], []);
    expect([1, 2, 3, 4].map((i) => a.allocate(`k${i}`))).toEqual(['10.0.0.0/31', '10.0.0.2/31', '10.1.0.0/31', '10.1.0.2/31']);
    // IPv4 parents cannot hold a /64: only the IPv6 parent can
    expect(a.allocate('v6', { length: 64 })).toBe('2001:db8::/64');
    expect(a.allocate('v6b', { length: 64 })).toBe('2001:db8:0:1::/64');
  });

  it('works on huge IPv6 spaces without enumerating them', () => {
    const pool: PrefixPoolDefinition = { type: 'prefix', id: 'p6', name: 'v6 pool', prefixes: ['2001:db8::/32'] };
    const used = Array.from({ length: 2000 }, (_, i) => `2001:db8:0:${i.toString(16)}::/64`);
    const a = new PoolAllocator(pool, used, []);
    expect(a.allocate('k', { length: 64 })).toBe('2001:db8:0:7d0::/64');
    expect(a.allocate('k2', { length: 56 })).toBe('2001:db8:0:800::/56');
    const u = a.utilisation();
    expect(u.size).toBe(2n ** 96n);
    expect(u.used).toBe(2001n * 2n ** 64n + 2n ** 72n);
  });

  it('exhaustion says which length did not fit and how full the pool is', () => {
    const a = new PoolAllocator(prefixes, ['10.0.0.0/25', '10.0.0.128/26', '10.0.0.200/29'], []);
    const e = thrown(() => a.allocate('big', { length: 26 }));
    expect(e.code).toBe('pools/exhausted');
    expect(e.message).toBe('Customer prefixes pool (10.0.0.0/24, 256 addresses): no free /26; 200 of 256 addresses in use (78.12%)');
  });

  it('asks for a length it can satisfy', () => {
    const a = new PoolAllocator(prefixes, [], []);
    expect(thrown(() => a.allocate('k')).code).toBe('pools/invalid-request');
    const e = thrown(() => a.allocate('k', { length: 16 }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('pool Customer prefixes pool: no parent prefix can hold a /16 (parents: 10.0.0.0/24)');
  });
});

describe('address pools', () => {
  it('skips the IPv4 network and broadcast addresses and keeps the parent length', () => {
    const a = new PoolAllocator(addresses, ['10.9.0.1/29'], []);
    expect(a.allocate('a')).toBe('10.9.0.2/29');
    expect(a.utilisation()).toMatchObject({ size: 6n, used: 2n, free: 4n, percent: 33.33 });
  });

  it('uses every address of a /31, or of any prefix marked as a pool', () => {
    expect(new PoolAllocator({ ...addresses, prefixes: ['10.9.0.0/31'] }, [], []).allocate('a')).toBe('10.9.0.0/31');
    expect(new PoolAllocator({ ...addresses, allAddresses: true }, [], []).allocate('a')).toBe('10.9.0.0/29');
  });

  it('continues into the next prefix, then IPv6, and exhausts with a clear message', () => {
    const pool: AddressPoolDefinition = { ...addresses, prefixes: ['2001:db8::/127', '10.9.0.8/30', '10.9.0.0/30'], defaultPrefixLength: 32 };
    const a = new PoolAllocator(pool, ['10.9.0.1'], []);
    expect(['a', 'b', 'c', 'd'].map((k) => a.allocate(k))).toEqual(['10.9.0.2/32', '10.9.0.9/32', '10.9.0.10/32', '2001:db8::/32']);
    a.allocate('e');
    const e = thrown(() => a.allocate('f'));
    expect(e.message).toBe('Loopbacks (10.9.0.0/30, 10.9.0.8/30, 2001:db8::/127, 6 addresses): all 6 in use');
  });

  it('IPv6 addresses are taken one by one from a /64 without enumerating it', () => {
    const pool: AddressPoolDefinition = { type: 'address', id: 'a6', name: 'v6 hosts', prefixes: ['2001:db8:1::/64'] };
    const a = new PoolAllocator(pool, ['2001:db8:1::/128', '2001:DB8:1::1/64'], []);
    expect(a.allocate('x')).toBe('2001:db8:1::2/64');
    expect(a.utilisation().free).toBe(2n ** 64n - 3n);
  });
});
