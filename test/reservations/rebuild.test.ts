import { describe, expect, it } from 'vitest';
import { LedgerDraft, type ShardSource } from '../../src/core/reservations/draft.js';
import { adoptHoldings, unknownHolders } from '../../src/core/reservations/rebuild.js';
import { reserve } from '../../src/core/reservations/ops.js';
import { ipSpace } from '../../src/core/reservations/overlap.js';

function memory(files = new Map<string, string>()): ShardSource & { files: Map<string, string> } {
  return { files, read: async (p) => files.get(p), list: async (dir) => [...files.keys()].filter((p) => p.startsWith(`${dir}/`)).sort() };
}
const T0 = new Date('2026-01-01T00:00:00Z');
const NS = ipSpace('prefix', 'ns');

describe('adopting request branches the ledger never saw', () => {
  it('puts back what a branch holds, keeps what the ledger already has, reports what another holds, and knows the branch after', async () => {
    const src = memory();
    const d = new LedgerDraft(src);
    await reserve(d, { pool: 'vlan', key: 'other:vlan', holder: 'request/b', space: undefined }, () => '1001', T0);
    await reserve(d, { pool: 'pfx', key: 'other:prefix', holder: 'request/b', space: NS }, () => '10.0.0.0/27', T0);
    expect(await unknownHolders(d, ['request/a', 'request/b'])).toEqual(['request/a']);
    const out = await adoptHoldings(d, {
      holder: 'request/a',
      tip: 'abc',
      records: [
        { pool: 'vlan', key: 'a:vlan', resource: '1000' },
        { pool: 'vlan', key: 'other:vlan', resource: '1001' },
        { pool: 'pfx', key: 'a:prefix', resource: '10.0.0.8/29', space: NS },
      ],
      subscriptionId: { pool: 'svc:ids:dia', resource: 'dia-0001' },
    }, T0);
    expect(out.put.map((r) => `${r.pool} ${r.resource} ${r.holder}`)).toEqual(['vlan 1000 request/a', 'svc:ids:dia dia-0001 request/a']);
    expect(out.conflicts).toEqual([expect.stringContaining('10.0.0.8/29 overlaps 10.0.0.0/27')]);
    expect(await d.used('vlan').has('1000')).toBe(true);
    expect(await unknownHolders(d, ['request/a'])).toEqual([]);
    // Committed: the mark stays.
    for (const [p, t] of d.edits()) if (t !== null) src.files.set(p, t);
    expect(await unknownHolders(new LedgerDraft(src), ['request/a', 'request/c'])).toEqual(['request/c']);
  });
});
