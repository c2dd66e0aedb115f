import { describe, expect, it } from 'vitest';
import { SvcError } from '../../src/core/errors.js';
import { claimItem, findHeldTwice, recordHoldings, releaseClaim, type AllocationRecord } from '../../src/core/pools/index.js';

const ports = ['port-1', 'port-2', 'port-3'];

describe('claims from a shared set', () => {
  it('takes the first candidate nobody holds, keeps it for the same key, and frees it on release', () => {
    let records: AllocationRecord[] = [{ pool: 'pool-vlan', key: 'x', type: 'number', resource: '1000' }];
    const a = claimItem('DcimInterface', ports, records, 'sub-1:port', { target: 'sub-1' });
    expect(a.item).toBe('port-1');
    records = a.records;
    const b = claimItem('DcimInterface', ports, records, 'sub-2:port');
    expect(b.item).toBe('port-2');
    records = b.records;
    // the generator's order decides (e.g. least used switch first); the held one stays
    expect(claimItem('DcimInterface', ['port-3', 'port-1'], records, 'sub-1:port').item).toBe('port-1');
    expect(records).toEqual([
      { pool: 'pool-vlan', key: 'x', type: 'number', resource: '1000' },
      { pool: 'DcimInterface', key: 'sub-1:port', type: 'claim', resource: 'port-1', target: 'sub-1' },
      { pool: 'DcimInterface', key: 'sub-2:port', type: 'claim', resource: 'port-2' },
    ]);
    records = releaseClaim('DcimInterface', records, 'sub-1:port');
    expect(claimItem('DcimInterface', ports, records, 'sub-3:port').item).toBe('port-1');
    expect(findHeldTwice(recordHoldings(records))).toEqual([]);
  });

  it('moves a claim whose object is no longer a candidate', () => {
    const { records } = claimItem('DcimInterface', ports, [], 'k');
    const moved = claimItem('DcimInterface', ['port-3'], records, 'k');
    expect(moved.item).toBe('port-3');
    expect(moved.records.map((r) => r.resource)).toEqual(['port-3']);
  });

  it('fails clearly when every candidate is held, changing nothing', () => {
    let records: AllocationRecord[] = [];
    for (const k of ['a', 'b']) records = claimItem('DcimInterface', ports.slice(0, 2), records, k).records;
    const before = JSON.stringify(records);
    let err: SvcError | undefined;
    try {
      claimItem('DcimInterface', ports.slice(0, 2), records, 'c');
    } catch (e) {
      err = e as SvcError;
    }
    expect(err?.code).toBe('claims/exhausted');
    expect(err?.exitCode).toBe(1);
    expect(err?.message).toBe('no free DcimInterface for c: all 2 candidates are held (a holds port-1; b holds port-2)');
    expect(JSON.stringify(records)).toBe(before);
  });

  it('an object claimed by two keys is reported with both', () => {
    const d = findHeldTwice(recordHoldings([
      { pool: 'DcimInterface', key: 'sub-1:port', type: 'claim', resource: 'port-1' },
      { pool: 'DcimInterface', key: 'sub-2:port', type: 'claim', resource: 'port-1' },
      { pool: 'DcimInterface', key: 'sub-3:port', type: 'claim', resource: 'port-2' },
    ]));
    expect(d.map((x) => x.message)).toEqual(['DcimInterface port-1 is held twice: by sub-1:port and by sub-2:port']);
  });
});
