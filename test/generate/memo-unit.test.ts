import { describe, expect, it } from 'vitest';
import { isFresh, isMemoEntry, ReadTracker, type MemoView } from '../../src/core/generate/memo.js';
import type { InventoryObject } from '../../src/core/inventory/model.js';

const obj = (id: string, name: string): InventoryObject => ({ id, kind: 'IpamVLAN', attributes: { name }, relationships: {} });
const same = (_id: string, a: InventoryObject, b: InventoryObject) => JSON.stringify(a) === JSON.stringify(b);

/** A view over fixed answers, with some ids changed "earlier in the run". */
function view(blobs: Record<string, string>, changed: string[] = [], answers: { hfid?: string; referrers?: string[] } = {}): MemoView {
  return {
    changedInRun: (id) => changed.includes(id),
    blobsOf: (ids) => new Map(ids.flatMap((id) => (blobs[id] === undefined ? [] : [[id, blobs[id]!] as [string, string]]))),
    idByHfid: () => answers.hfid,
    referrerIds: () => answers.referrers ?? [],
    queryIds: () => [],
  };
}

describe('remembered runs: what a tracker keeps and when an entry holds', () => {
  it('keeps the first version of each object read, and turns it into blob ids once settled', () => {
    const t = new ReadTracker();
    const a = obj('a', 'one');
    t.object('a', a);
    t.object('a', obj('a', 'changed by the run itself'));
    t.object('gone', undefined);
    t.lookup({ q: 'hfid', kind: 'IpamVLAN', hfid: ['one'], id: 'a' });
    t.lookup({ q: 'hfid', kind: 'IpamVLAN', hfid: ['one'], id: 'b' });
    const entry = t.settle('k', { logs: [] }, (id) => (id === 'a' ? a : undefined), same, (ids) => new Map(ids.filter((id) => id === 'a').map((id) => [id, 'blob-a'])));
    expect(entry).toEqual({ key: 'k', objects: [['a', 'blob-a'], ['gone', null]], lookups: [{ q: 'hfid', kind: 'IpamVLAN', hfid: ['one'], id: 'a' }], report: { logs: [] } });
    expect(isMemoEntry(entry)).toBe(true);
  });

  it('remembers nothing for a volatile run, or one whose reads no longer hold at the end', () => {
    const volatile = new ReadTracker();
    volatile.markVolatile('new allocation');
    expect(volatile.settle('k', { logs: [] }, () => undefined, same, () => new Map())).toBeUndefined();

    const stale = new ReadTracker();
    stale.object('a', obj('a', 'before'));
    expect(stale.settle('k', { logs: [] }, () => obj('a', 'after'), same, () => new Map([['a', 'blob']]))).toBeUndefined();

    const appeared = new ReadTracker();
    appeared.object('a', undefined);
    expect(appeared.settle('k', { logs: [] }, () => obj('a', 'new'), same, () => new Map([['a', 'blob']]))).toBeUndefined();
  });

  it('holds only with the same key, the same blobs, nothing changed earlier in the run, and the same lookups', () => {
    const entry = { key: 'k', objects: [['a', 'blob-a'], ['gone', null]] as [string, string | null][], lookups: [{ q: 'referrers' as const, id: 'a', kind: 'X', rel: 'r', ids: ['p', 'q'] }], report: { logs: [] } };
    const answers = { referrers: ['p', 'q'] };
    expect(isFresh(entry, 'k', view({ a: 'blob-a' }, [], answers))).toBe(true);
    expect(isFresh(entry, 'other', view({ a: 'blob-a' }, [], answers))).toBe(false);
    expect(isFresh(entry, 'k', view({ a: 'blob-b' }, [], answers))).toBe(false);
    expect(isFresh(entry, 'k', view({ a: 'blob-a', gone: 'blob-new' }, [], answers))).toBe(false);
    expect(isFresh(entry, 'k', view({ a: 'blob-a' }, ['a'], answers))).toBe(false);
    expect(isFresh(entry, 'k', view({ a: 'blob-a' }, [], { referrers: ['p'] }))).toBe(false);
    expect(isMemoEntry({ key: 'k', objects: [] })).toBe(false);
  });
});
