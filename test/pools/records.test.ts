import { describe, expect, it } from 'vitest';
import { SvcError } from '../../src/core/errors.js';
import { findHeldTwice, parseRecords, serialiseRecords, type AllocationRecord, type Holding } from '../../src/core/pools/index.js';
import { formatCount } from '../../src/core/pools/index.js';
import { IntervalSet, subtractIntervals } from '../../src/core/pools/intervals.js';

const recs: AllocationRecord[] = [
  { pool: 'pool-vlan', key: 'sub-2:vlan', type: 'number', resource: '1001', target: 'sub-2' },
  { pool: 'pool-pfx', key: 'sub-1:prefix', type: 'prefix', resource: '10.0.0.0/29' },
  { pool: 'pool-vlan', key: 'sub-1:vlan', type: 'number', resource: '1000' },
];

describe('allocation records', () => {
  it('serialise the same whatever the order, one record per line, fields in a fixed order', () => {
    const text = serialiseRecords(recs);
    expect(text).toBe(
      '[\n' +
        '  {"pool":"pool-pfx","key":"sub-1:prefix","type":"prefix","resource":"10.0.0.0/29"},\n' +
        '  {"pool":"pool-vlan","key":"sub-1:vlan","type":"number","resource":"1000"},\n' +
        '  {"pool":"pool-vlan","key":"sub-2:vlan","type":"number","resource":"1001","target":"sub-2"}\n' +
        ']\n',
    );
    const shuffled = [recs[2]!, { target: 'sub-2', resource: '1001', type: 'number' as const, key: 'sub-2:vlan', pool: 'pool-vlan' }, recs[1]!];
    expect(serialiseRecords(shuffled)).toBe(text);
    expect(serialiseRecords([])).toBe('[]\n');
    expect(serialiseRecords(parseRecords(text))).toBe(text);
  });

  it('refuse malformed input with the file and entry named', () => {
    const e1 = (() => { try { parseRecords('{', 'inventory/allocations.json'); } catch (e) { return e as SvcError; } })();
    expect(e1?.code).toBe('pools/bad-records');
    expect(e1?.message).toMatch(/^inventory\/allocations.json: not valid JSON/);
    const e2 = (() => { try { parseRecords('[{"pool":"p","key":"k","type":"vlan","resource":"1"}]', 'a.json'); } catch (e) { return e as SvcError; } })();
    expect(e2?.message).toBe('a.json: entry 1 is not an allocation record');
  });
});

describe('resources held twice', () => {
  it('finds a number held by two keys in one pool, not across pools', () => {
    const d = findHeldTwice([
      { type: 'number', resource: '1000', holder: 'sub-1:vlan', pool: 'vlans' },
      { type: 'number', resource: '1000', holder: 'sub-2:vlan', pool: 'vlans' },
      { type: 'number', resource: '1000', holder: 'other', pool: 'site-b-vlans' },
      { type: 'number', resource: '1001', holder: 'sub-3:vlan', pool: 'vlans' },
    ]);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ severity: 'error', code: 'pools/held-twice', message: 'number 1000 in pool vlans is held twice: by sub-1:vlan and by sub-2:vlan' });
  });

  it('finds overlapping prefixes and equal addresses, but allows an address inside a prefix', () => {
    const holdings: Holding[] = [
      { type: 'prefix', resource: '10.0.0.0/27', holder: 'sub-1:prefix', file: 'inventory/IpamPrefix/a.yml', line: 3, column: 9 },
      { type: 'prefix', resource: '10.0.0.8/29', holder: 'sub-2:prefix' },
      { type: 'prefix', resource: '10.0.0.32/29', holder: 'sub-3:prefix' },
      { type: 'address', resource: '10.0.0.1/27', holder: 'gw-1' },
      { type: 'address', resource: '10.0.0.1/32', holder: 'gw-2' },
      { type: 'address', resource: '2001:db8::1/64', holder: 'v6-a' },
      { type: 'address', resource: '2001:DB8:0::1/128', holder: 'v6-b' },
    ];
    expect(findHeldTwice(holdings).map((d) => d.message)).toEqual([
      'address 10.0.0.1/32 is held twice: by gw-1 and by gw-2',
      'address 2001:DB8:0::1/128 is held twice: by v6-a and by v6-b',
      'prefix 10.0.0.8/29 held by sub-2:prefix overlaps 10.0.0.0/27 held by sub-1:prefix',
    ]);
    expect(findHeldTwice(holdings.slice(2, 4))).toEqual([]);
  });
});

describe('arithmetic helpers', () => {
  it('interval sets merge, split and count', () => {
    const s = new IntervalSet([{ start: 5n, end: 9n }, { start: 1n, end: 3n }]);
    s.add(4n, 4n);
    expect(s.intervals).toEqual([{ start: 1n, end: 9n }]);
    s.remove(3n, 5n);
    expect(s.intervals).toEqual([{ start: 1n, end: 2n }, { start: 6n, end: 9n }]);
    expect(s.countWithin([{ start: 2n, end: 7n }])).toBe(3n);
    expect(subtractIntervals([{ start: 0n, end: 10n }], [{ start: 2n, end: 3n }, { start: 10n, end: 12n }])).toEqual([
      { start: 0n, end: 1n },
      { start: 4n, end: 9n },
    ]);
  });

  it('counts print exactly when small, as powers of two or in short form when huge', () => {
    expect(formatCount(1000n)).toBe('1000');
    expect(formatCount(2n ** 64n)).toBe('2^64');
    expect(formatCount(3n * 2n ** 64n)).toBe('5.53e19');
    expect(formatCount(2n ** 64n - 3n)).toBe('1.84e19');
  });
});
