import { describe, expect, it } from 'vitest';
import { LedgerDraft, type ShardSource } from '../../src/core/reservations/draft.js';
import { decodeName, encodeName, formatKeyShard, holderPath, parseKeyShard } from '../../src/core/reservations/layout.js';
import type { Choose } from '../../src/core/reservations/model.js';
import { abandonHolder, collectGarbage, letGo, pendingHolders, releaseHolder, releaseKeys, replay, reserve, restoreRetired, settleHolder } from '../../src/core/reservations/ops.js';

/** A ledger version held in a Map: the pure logic needs nothing else. */
function memory(files = new Map<string, string>()): ShardSource & { files: Map<string, string> } {
  return {
    files,
    read: async (p) => files.get(p),
    list: async (dir) => [...files.keys()].filter((p) => p.startsWith(`${dir}/`)).sort(),
  };
}

/** Commit a draft's edits into the Map, as the git adapter commits them into a tree. */
function apply(src: ReturnType<typeof memory>, draft: LedgerDraft): void {
  for (const [p, t] of draft.edits()) {
    if (t === null) src.files.delete(p);
    else src.files.set(p, t);
  }
}

const vlans = (from: number, to: number): Choose => (used) =>
  used.firstFree((function* () {
    for (let v = from; v <= to; v++) yield String(v);
  })());

const T0 = new Date('2026-01-01T00:00:00Z');

describe('reservation logic', () => {
  it('is idempotent by key and never hands out a resource twice', async () => {
    const src = memory();
    const d = new LedgerDraft(src);
    const a = await reserve(d, { pool: 'vlan', key: 'sub-1', holder: 'request/r1' }, vlans(1000, 1999), T0);
    const b = await reserve(d, { pool: 'vlan', key: 'sub-2', holder: 'request/r2' }, vlans(1000, 1999), T0);
    const again = await reserve(d, { pool: 'vlan', key: 'sub-1', holder: 'request/other' }, vlans(1000, 1999), T0);
    expect([a.reservation.resource, b.reservation.resource]).toEqual(['1000', '1001']);
    expect(again).toEqual({ reservation: a.reservation, existing: true });
    // Another pool is another namespace.
    expect((await reserve(d, { pool: 'other', key: 'sub-1', holder: 'request/r1' }, vlans(1000, 1999), T0)).reservation.resource).toBe('1000');
    apply(src, d);
    expect(await new LedgerDraft(src).audit()).toEqual([]);
    expect((await new LedgerDraft(src).all()).map((r) => `${r.pool}/${r.key}=${r.resource}`)).toEqual(['other/sub-1=1000', 'vlan/sub-1=1000', 'vlan/sub-2=1001']);
  });

  it('says clearly when a pool is exhausted, and refuses an allocator that ignores what is used', async () => {
    const d = new LedgerDraft(memory());
    await reserve(d, { pool: 'p', key: 'a', holder: 'h' }, vlans(1, 1), T0);
    await expect(reserve(d, { pool: 'p', key: 'b', holder: 'h' }, vlans(1, 1), T0)).rejects.toMatchObject({ code: 'reservations/exhausted', exitCode: 1 });
    await expect(reserve(d, { pool: 'p', key: 'b', holder: 'h' }, () => '1', T0)).rejects.toMatchObject({ code: 'reservations/chose-taken' });
    await expect(reserve(d, { pool: '', key: 'b', holder: 'h' }, () => '2', T0)).rejects.toMatchObject({ code: 'reservations/bad-request' });
    expect(d.log).toHaveLength(1);
  });

  it('releases by holder (held only), by key (any state), and makes a holder permanent', async () => {
    const src = memory();
    const d = new LedgerDraft(src);
    for (const k of ['a', 'b']) await reserve(d, { pool: 'p', key: k, holder: 'request/r1' }, vlans(1, 9), T0);
    await reserve(d, { pool: 'p', key: 'c', holder: 'request/r2' }, vlans(1, 9), T0);
    expect((await settleHolder(d, 'request/r1')).permanent.map((r) => r.state)).toEqual(['permanent', 'permanent']);
    expect(await d.heldBy('request/r1')).toEqual([]);
    expect(await releaseHolder(d, 'request/r1')).toEqual({ released: [], restored: [] });
    expect((await releaseHolder(d, 'request/r2')).released.map((r) => r.key)).toEqual(['c']);
    expect((await releaseKeys(d, [{ pool: 'p', key: 'a' }])).map((r) => r.resource)).toEqual(['1']);
    apply(src, d);
    expect([...src.files.keys()].some((p) => p.startsWith('h/'))).toBe(false);
    const d2 = new LedgerDraft(src);
    expect((await d2.all()).map((r) => `${r.key}=${r.resource}:${r.state}`)).toEqual(['b=2:permanent']);
    // The released resource is free again.
    expect((await reserve(d2, { pool: 'p', key: 'd', holder: 'request/r3' }, vlans(1, 9), T0)).reservation.resource).toBe('1');
  });

  it('abandoning keeps what the kept pools hold, for good, and frees and restores the rest', async () => {
    const src = memory();
    const d = new LedgerDraft(src);
    await reserve(d, { pool: 'svc:ids:dia', key: 'n1', holder: 'request/dia-2' }, () => 'dia-2', T0);
    await reserve(d, { pool: 'vlan', key: 'dia-2:vlan', holder: 'request/dia-2' }, vlans(1000, 1999), T0);
    const out = await abandonHolder(d, 'request/dia-2', (pool) => pool.startsWith('svc:ids:'));
    expect(out.kept.map((r) => `${r.pool} ${r.resource} ${r.state}`)).toEqual(['svc:ids:dia dia-2 permanent']);
    expect(out.released.map((r) => r.resource)).toEqual(['1000']);
    expect(await d.heldBy('request/dia-2')).toEqual([]);
    apply(src, d);
    const d2 = new LedgerDraft(src);
    expect((await d2.all()).map((r) => `${r.pool} ${r.resource}:${r.state}`)).toEqual(['svc:ids:dia dia-2:permanent']);
    // Abandoning again keeps nothing new.
    expect(await abandonHolder(d2, 'request/dia-2', () => true)).toEqual({ kept: [], released: [], restored: [] });
  });

  it('letting go: a request frees its own at once; the subscription\'s stay reserved until it is merged', async () => {
    const src = memory();
    const d = new LedgerDraft(src);
    // dia-1's VLAN and prefix, permanent since its creation merged.
    await reserve(d, { pool: 'vlan', key: 'dia-1:vlan', holder: 'request/dia-1' }, vlans(1000, 1999), T0);
    await reserve(d, { pool: 'prefix', key: 'dia-1:prefix', holder: 'request/dia-1' }, vlans(1, 9), T0);
    await settleHolder(d, 'request/dia-1');
    // A modify swaps the prefix: it lets go of the old one and takes a new one under the same key.
    const m = 'request/dia-1-modify-1';
    const first = await letGo(d, [{ pool: 'prefix', key: 'dia-1:prefix' }], m, T0);
    expect(first.released).toEqual([]);
    expect(first.retired.map((r) => `${r.key}=${r.resource}:${r.releasedBy}`)).toEqual([`dia-1:prefix#released-by:${m}=1:${m}`]);
    expect((await reserve(d, { pool: 'prefix', key: 'dia-1:prefix', holder: m }, vlans(1, 9), T0)).reservation.resource).toBe('2');
    // Nobody can take the old prefix meanwhile.
    expect((await reserve(d, { pool: 'prefix', key: 'other', holder: 'request/x' }, vlans(1, 9), T0)).reservation.resource).toBe('3');
    expect(await d.retiredBy(m)).toEqual([{ pool: 'prefix', key: `dia-1:prefix#released-by:${m}` }]);
    expect(await d.heldBy(m)).toEqual([{ pool: 'prefix', key: 'dia-1:prefix' }]);
    // What the request reserved itself it frees at once; letting go twice changes nothing.
    expect((await letGo(d, [{ pool: 'prefix', key: 'other' }], 'request/x', T0)).released.map((r) => r.resource)).toEqual(['3']);
    expect(await letGo(d, [{ pool: 'prefix', key: `dia-1:prefix#released-by:${m}` }, { pool: 'prefix', key: 'gone' }], m, T0)).toEqual({ released: [], retired: [] });
    apply(src, d);
    expect(await new LedgerDraft(src).audit()).toEqual([]);
    expect(await pendingHolders(new LedgerDraft(src))).toEqual({ holding: [m], lettingGo: [m] });

    // Merged: the new prefix is permanent, the old one free.
    const merged = new LedgerDraft(src);
    const settled = await settleHolder(merged, m);
    expect(settled.permanent.map((r) => r.resource)).toEqual(['2']);
    expect(settled.freed.map((r) => r.resource)).toEqual(['1']);
    expect((await reserve(merged, { pool: 'prefix', key: 'next', holder: 'request/y' }, vlans(1, 9), T0)).reservation.resource).toBe('1');
    expect(await merged.retiredBy(m)).toEqual([]);

    // Abandoned instead: the new prefix is freed first, then the old one goes back under its key.
    const abandoned = new LedgerDraft(src);
    const undone = await releaseHolder(abandoned, m);
    expect(undone.released.map((r) => r.resource)).toEqual(['2']);
    expect(undone.restored.map((r) => `${r.key}=${r.resource}:${r.state}:${r.releasedBy ?? '-'}`)).toEqual(['dia-1:prefix=1:permanent:-']);
    expect((await abandoned.get('prefix', 'dia-1:prefix'))?.resource).toBe('1');
    expect(await abandoned.retiredBy(m)).toEqual([]);
    expect(await abandoned.audit()).toEqual([]);
  });

  it('restoring never frees a resource by mistake: a key that took another one meanwhile leaves the old one reserved', async () => {
    const src = memory();
    const d = new LedgerDraft(src);
    await reserve(d, { pool: 'p', key: 'k', holder: 'request/a' }, vlans(1, 9), T0);
    const { retired } = await letGo(d, [{ pool: 'p', key: 'k' }], 'request/b', T0);
    await reserve(d, { pool: 'p', key: 'k', holder: 'request/c' }, vlans(1, 9), T0);
    expect(await restoreRetired(d, retired)).toEqual([]);
    apply(src, d);
    expect((await new LedgerDraft(src).all()).map((r) => `${r.key}=${r.resource}`)).toEqual(['k=2', 'k#released-by:request/b=1']);
  });

  it('reads key shards written before the seventh column existed, and writes that column only when set', () => {
    const old = 'vlan\tk\t1000\trequest/r1\tpermanent\t2026-01-01T00:00:00.000Z\n';
    const m = parseKeyShard(old);
    expect([...m.values()]).toEqual([{ pool: 'vlan', key: 'k', resource: '1000', holder: 'request/r1', state: 'permanent', created: '2026-01-01T00:00:00.000Z' }]);
    expect(formatKeyShard(m)).toBe(old);
    const r = { ...m.get('vlan\0k')!, key: 'k#released-by:request/t', releasedBy: 'request/t' };
    const text = formatKeyShard(new Map([['x', r]]));
    expect(text.trimEnd().split('\t')).toHaveLength(7);
    expect([...parseKeyShard(text).values()]).toEqual([r]);
  });

  it('gc gives up requests that are gone: what they let go of is restored, unless they are young or alive', async () => {
    const src = memory();
    const d = new LedgerDraft(src);
    for (const k of ['a', 'b']) await reserve(d, { pool: 'p', key: k, holder: 'request/sub' }, vlans(1, 9), T0);
    await settleHolder(d, 'request/sub');
    await letGo(d, [{ pool: 'p', key: 'a' }], 'request/gone', T0);
    await letGo(d, [{ pool: 'p', key: 'b' }], 'request/open', T0);
    apply(src, d);
    const later = new Date(T0.getTime() + 7_200_000);
    const g = new LedgerDraft(src);
    const r = await collectGarbage(g, { isAlive: (h) => h === 'request/open', now: later, graceMs: 3_600_000 });
    expect(r.restored.map((x) => `${x.key}=${x.resource}`)).toEqual(['a=1']);
    expect(r.released).toEqual([]);
    const young = await collectGarbage(new LedgerDraft(src), { isAlive: () => false, now: T0, graceMs: 3_600_000 });
    expect(young.kept).toEqual(['request/gone', 'request/open']);
    apply(src, g);
    expect((await new LedgerDraft(src).all()).map((x) => x.key)).toEqual(['a', 'b#released-by:request/open']);
  });

  it('gc releases dead holders past the grace period, never live or in-flight ones', async () => {
    const src = memory();
    const d = new LedgerDraft(src);
    await reserve(d, { pool: 'p', key: 'old', holder: 'request/gone' }, vlans(1, 9), T0);
    await reserve(d, { pool: 'p', key: 'live', holder: 'request/live' }, vlans(1, 9), T0);
    await reserve(d, { pool: 'p', key: 'flight', holder: 'request/flight' }, vlans(1, 9), T0);
    await reserve(d, { pool: 'p', key: 'young', holder: 'request/young' }, vlans(1, 9), new Date('2026-01-01T00:59:00Z'));
    apply(src, d);
    const g = new LedgerDraft(src);
    const r = await collectGarbage(g, { isAlive: (h) => h === 'request/live', inFlight: new Set(['request/flight']), now: new Date('2026-01-01T01:00:00Z'), graceMs: 3_600_000 });
    expect(r.released.map((x) => x.holder)).toEqual(['request/gone']);
    expect(r.kept).toEqual(['request/young']);
  });

  it('replays offline ops and reports those the shared record contradicts', async () => {
    const shared = new LedgerDraft(memory());
    await reserve(shared, { pool: 'p', key: 'theirs', holder: 'request/a' }, vlans(1, 9), T0);
    const offline = new LedgerDraft(memory());
    await reserve(offline, { pool: 'p', key: 'mine', holder: 'request/b' }, vlans(1, 9), T0);
    await reserve(offline, { pool: 'p', key: 'other', holder: 'request/b' }, vlans(1, 9), T0);
    const conflicts = await replay(shared, offline.log);
    expect(conflicts.map((c) => c.message)).toEqual(['p: 1 is already reserved by request/a (key theirs)']);
    expect(conflicts[0]?.existing?.key).toBe('theirs');
    expect((await shared.get('p', 'other'))?.resource).toBe('2');
    expect(await shared.get('p', 'mine')).toBeUndefined();
  });

  it('encodes holders as safe file names and back', () => {
    for (const h of ['request/r-1', '.hidden', 'a b%c', 'späť', '..']) {
      const n = encodeName(h);
      expect(n).toMatch(/^[A-Za-z0-9_%-][A-Za-z0-9_.%-]*$/);
      expect(decodeName(n)).toBe(h);
    }
    expect(holderPath('request/r-1')).toMatch(/^h\/[0-9a-f]{2}\/request%2Fr-1$/);
  });
});
