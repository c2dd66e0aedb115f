import { describe, expect, it } from 'vitest';
import { LedgerDraft, type ShardSource } from '../../src/core/reservations/draft.js';
import { formatKeyShard, parseKeyShard } from '../../src/core/reservations/layout.js';
import { ipSpace } from '../../src/core/reservations/overlap.js';
import { letGo, releaseHolder, replay, reserve, restoreRetired } from '../../src/core/reservations/ops.js';
import { formatPrefix, parsePrefix } from '../../src/core/pools/ip.js';

function memory(files = new Map<string, string>()): ShardSource & { files: Map<string, string> } {
  return { files, read: async (p) => files.get(p), list: async (dir) => [...files.keys()].filter((p) => p.startsWith(`${dir}/`)).sort() };
}
function apply(src: ReturnType<typeof memory>, draft: LedgerDraft): void {
  for (const [p, t] of draft.edits()) {
    if (t === null) src.files.delete(p);
    else src.files.set(p, t);
  }
}

const T0 = new Date('2026-01-01T00:00:00Z');
const NS = ipSpace('prefix', 'ns-default');
const take = (d: LedgerDraft, pool: string, key: string, resource: string, space: string | undefined = NS) =>
  reserve(d, { pool, key, holder: `request/${key}`, ...(space ? { space } : {}) }, () => resource, T0);

describe('the ledger refuses overlapping IP resources', () => {
  it('a /27 over a held /29, a /29 inside a held /27, and the same prefix in another pool of the namespace are taken', async () => {
    const src = memory();
    const d = new LedgerDraft(src);
    await take(d, 'p1', 'a', '198.51.100.0/29');
    const used = d.used('p1', NS);
    expect(await used.blocking('198.51.100.0/27')).toBe('198.51.100.0/29');
    expect(await used.blocking('198.51.100.0/28')).toBe('198.51.100.0/29');
    expect(await used.blocking('198.51.100.0/24')).toBe('198.51.100.0/29');
    expect(await used.blocking('198.51.100.4/30')).toBe('198.51.100.0/29');
    expect(await used.blocking('198.51.100.8/29')).toBeUndefined();
    // Another pool of the same namespace shares its addresses; another namespace does not.
    expect(await d.used('p2', NS).blocking('198.51.100.0/30')).toBe('198.51.100.0/29');
    expect(await d.used('p2', ipSpace('prefix', 'other')).blocking('198.51.100.0/30')).toBeUndefined();
    // An allocator that ignores the answer is caught, and so is a direct write.
    await expect(take(d, 'p2', 'b', '198.51.100.0/25')).rejects.toMatchObject({ code: 'reservations/chose-taken' });
    await expect(d.put({ pool: 'p2', key: 'b', resource: '198.51.100.0/25', holder: 'request/b', state: 'held', created: T0.toISOString(), space: NS })).rejects.toMatchObject({ code: 'reservations/taken', message: expect.stringContaining('overlaps 198.51.100.0/29') });
    await take(d, 'p2', 'c', '198.51.100.0/25', ipSpace('prefix', 'other'));
    // Committed and read again from the shards: the same answers.
    apply(src, d);
    const again = new LedgerDraft(src);
    expect(await again.used('p1', NS).blocking('198.51.100.0/26')).toBe('198.51.100.0/29');
    expect(await again.used('p1', NS).blocking('198.51.100.128/25')).toBeUndefined();
  });

  it('IPv6 likewise, at every prefix length', async () => {
    const d = new LedgerDraft(memory());
    await take(d, 'v6', 'a', '2001:db8:100:ab00::/56');
    for (let len = 0; len <= 128; len++) {
      const p = parsePrefix(`2001:db8:100:ab12::7/${len}`)!;
      const q = formatPrefix(6, p.start, len);
      expect(await d.used('v6', NS).blocking(q), q).toBe('2001:db8:100:ab00::/56');
    }
    expect(await d.used('v6', NS).blocking('2001:db8:100:ac00::/56')).toBeUndefined();
  });

  it('answers as a brute-force comparison does, for random IPv4 prefixes of every length', async () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const src = memory();
    const d = new LedgerDraft(src);
    const held: { start: bigint; end: bigint; text: string; key: string }[] = [];
    // Inside 10.0.0.0/16, so prefixes meet often.
    const random = () => {
      const len = 8 + Math.floor(rnd() * 25);
      const p = parsePrefix(`10.0.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}/${len}`)!;
      return { ...p, text: formatPrefix(4, p.start, len) };
    };
    for (let i = 0; i < 400; i++) {
      const p = random();
      const clash = held.find((h) => h.start <= p.end && p.start <= h.end);
      const blocker = await d.used('p', NS).blocking(p.text);
      expect(blocker !== undefined, `${p.text} vs ${clash?.text}`).toBe(clash !== undefined);
      if (!clash) {
        await take(d, 'p', `k${i}`, p.text);
        held.push({ ...p, key: `k${i}` });
      } else if (rnd() < 0.3) {
        // Release one now and then, so removal is exercised too.
        const k = held.indexOf(clash);
        await releaseHolder(d, `request/${clash.key}`);
        held.splice(k, 1);
      }
    }
    apply(src, d);
    // Every node count matches what remains: releasing everything empties the index.
    const fresh = new LedgerDraft(src);
    for (const r of await fresh.all()) await releaseHolder(fresh, r.holder);
    apply(src, fresh);
    expect([...src.files.keys()].filter((p) => p.startsWith('o/'))).toEqual([]);
  });

  it('addresses are compared with addresses, by value, whatever length is written after them', async () => {
    const d = new LedgerDraft(memory());
    const A = ipSpace('address', 'ns-default');
    await take(d, 'mgmt', 'a', '10.100.0.5/16', A);
    expect(await d.used('mgmt', A).blocking('10.100.0.5/24')).toBe('10.100.0.5/16');
    expect(await d.used('mgmt', A).blocking('10.100.0.6/16')).toBeUndefined();
    // A prefix holding the address is no conflict: a gateway lives in its customer's prefix.
    expect(await d.used('p', NS).blocking('10.100.0.0/24')).toBeUndefined();
  });

  it('follows a reservation let go of and restored, and reports a replayed overlap as a conflict', async () => {
    const src = memory();
    const d = new LedgerDraft(src);
    await take(d, 'p', 'sub', '198.51.100.0/28');
    const gone = await letGo(d, [{ pool: 'p', key: 'sub' }], 'request/t1', T0);
    // Let go of but not merged: still taken, under its retired key.
    expect(await d.used('p', NS).blocking('198.51.100.0/29')).toBe('198.51.100.0/28');
    await restoreRetired(d, gone.retired);
    expect(await d.used('p', NS).blocking('198.51.100.0/29')).toBe('198.51.100.0/28');
    const conflicts = await replay(d, [{ op: 'put', reservation: { pool: 'q', key: 'x', resource: '198.51.100.8/29', holder: 'request/x', state: 'held', created: T0.toISOString(), space: NS } }]);
    expect(conflicts.map((c) => c.message)).toEqual([expect.stringContaining('overlaps 198.51.100.0/28')]);
  });

  it('keeps the space in the key shard, after the optional seventh column', () => {
    const r = { pool: 'p', key: 'k', resource: '10.0.0.0/29', holder: 'h', state: 'held' as const, created: 'c', space: NS };
    const text = formatKeyShard(new Map([['p\0k', r]]));
    expect(text).toBe(`p\tk\t10.0.0.0/29\th\theld\tc\t\t${NS}\n`);
    expect([...parseKeyShard(text).values()]).toEqual([r]);
  });
});
