import { describe, expect, it } from 'vitest';
import { diedIn, processIdentity, processIdentityIn, processIsDead } from '../../src/adapters/process.js';
import { LedgerDraft, type ShardSource } from '../../src/core/reservations/draft.js';
import { collectGarbage, releaseOrphans } from '../../src/core/reservations/ops.js';

function memory(files = new Map<string, string>()): ShardSource {
  return { read: async (p) => files.get(p), list: async (dir) => [...files.keys()].filter((p) => p.startsWith(`${dir}/`)).sort() };
}
const T = '2026-01-01T00:00:00.000Z';

describe('orphaned reservations', () => {
  it('a holder without a branch whose every process is dead is released at once; gc skips the grace for it', async () => {
    const put = async (d: LedgerDraft) => {
      await d.put({ pool: 'p', key: 'a', resource: '1', holder: 'request/dead', state: 'held', created: T, process: 'h b 1 dead' });
      await d.put({ pool: 'p', key: 'b', resource: '2', holder: 'request/mixed', state: 'held', created: T, process: 'h b 2 dead' });
      await d.put({ pool: 'p', key: 'c', resource: '3', holder: 'request/mixed', state: 'held', created: T, process: 'h b 3 live' });
      await d.put({ pool: 'p', key: 'd', resource: '4', holder: 'request/old-svc', state: 'held', created: T });
      await d.put({ pool: 'p', key: 'e', resource: '5', holder: 'request/branch', state: 'held', created: T, process: 'h b 5 dead' });
    };
    const isDead = (p: string) => p.endsWith('dead');
    // Committed, as a later command reads them.
    const committed = async () => {
      const files = new Map<string, string>();
      const w = new LedgerDraft(memory(files));
      await put(w);
      for (const [p, t] of w.edits()) if (t !== null) files.set(p, t);
      return new LedgerDraft(memory(files));
    };
    const d = await committed();
    const out = await releaseOrphans(d, { isAlive: (h) => h === 'request/branch', isDead });
    expect(out.holders).toEqual(['request/dead']);
    expect(out.released.map((r) => r.resource)).toEqual(['1']);
    const g = await committed();
    const gc = await collectGarbage(g, { isAlive: (h) => h === 'request/branch', now: new Date(T), graceMs: 3_600_000, isDead });
    expect(gc.released.map((r) => r.resource)).toEqual(['1']);
    expect(gc.kept).toEqual(['request/mixed', 'request/old-svc']);
  });

  it('a process is provably dead when its pid is gone, its start time differs, or the host rebooted; never on another host', () => {
    const me = processIdentity()!;
    const [host, boot, pid, start] = me.split(' ');
    expect(processIsDead(me)).toBe(false);
    expect(processIsDead(`${host} ${boot} ${pid} ${Number(start) + 1}`)).toBe(true);
    expect(processIsDead(`${host} another-boot ${pid} ${start}`)).toBe(true);
    expect(processIsDead(`${host} ${boot} 999999999 ${start}`)).toBe(true);
    expect(processIsDead(`elsewhere ${boot} 999999999 ${start}`)).toBe(false);
    // Recorded with its repository: only there is a missing branch proof.
    const gone = `${host} ${boot} 999999999 ${start} ${encodeURIComponent('/a repo/.git')}`;
    expect(diedIn(gone, '/a repo/.git')).toBe(true);
    expect(diedIn(gone, '/another/.git')).toBe(false);
    expect(diedIn(processIdentityIn('/a repo/.git')!, '/a repo/.git')).toBe(false);
  });
});
