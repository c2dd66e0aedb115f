import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_REF, readLedger } from '../../src/adapters/git/ledger.js';
import { reserveResource } from '../../src/adapters/git/reservations.js';
import { LedgerSession } from '../../src/app/shared-reservations.js';
import type { Choose } from '../../src/core/reservations/model.js';
import { git, tempDir, tempRepo } from '../helpers/repo.js';
import { pinGitEnv } from '../git/env.js';

beforeAll(pinGitEnv);

const vlans: Choose = (used) =>
  used.firstFree((function* () {
    for (let v = 1000; v < 4000; v++) yield String(v);
  })());
const clock = () => new Date('2026-01-01T00:00:00Z');

/** The ledger ref's value, or null when it does not exist. */
const tip = (dir: string): string | null => {
  try {
    return git(dir, 'rev-parse', '--verify', '-q', LEDGER_REF).trim();
  } catch {
    return null;
  }
};
const held = (dir: string) => readLedger({ repo: dir }, async (d) => (await d.all()).map((r) => `${r.pool}:${r.key}=${r.resource}`).sort());

describe('a command\'s changes to the ledger, taken back when it fails', () => {
  it('with no ledger before: undo removes the ref it created', async () => {
    const dir = tempRepo({ a: '1' });
    const s = new LedgerSession(dir, clock);
    expect(await s.undo()).toBe('none');
    await s.reserve({ pool: 'vlan', key: 'k1', holder: 'request/r1' }, vlans);
    await s.reserve({ pool: 'vlan', key: 'k2', holder: 'request/r1' }, vlans);
    expect(tip(dir)).not.toBeNull();
    expect(await s.undo()).toBe('reset');
    expect(tip(dir)).toBeNull();
    expect(git(dir, 'for-each-ref', 'refs/svc/')).toBe('');
  });

  it('on a ledger with history: undo puts the ref back exactly, releases included', async () => {
    const dir = tempRepo({ a: '1' });
    await reserveResource({ repo: dir, clock }, { pool: 'vlan', key: 'old', holder: 'request/r0' }, vlans);
    const before = tip(dir);
    const s = new LedgerSession(dir, clock);
    await s.reserve({ pool: 'vlan', key: 'k1', holder: 'request/r1' }, vlans);
    await s.letGo([{ pool: 'vlan', key: 'old' }], 'request/r1');
    // r0's VLAN stays reserved, under a key of its own, until r1 is merged.
    expect(await held(dir)).toEqual(['vlan:k1=1001', 'vlan:old#released-by:request/r1=1000']);
    expect(await s.undo()).toBe('reset');
    expect(tip(dir)).toBe(before);
    expect(await held(dir)).toEqual(['vlan:old=1000']);
  });

  it('an idempotent repeat changes nothing, so there is nothing to undo', async () => {
    const dir = tempRepo({ a: '1' });
    await reserveResource({ repo: dir, clock }, { pool: 'vlan', key: 'k1', holder: 'request/r1' }, vlans);
    const before = tip(dir);
    const s = new LedgerSession(dir, clock);
    expect((await s.reserve({ pool: 'vlan', key: 'k1', holder: 'request/r1' }, vlans)).existing).toBe(true);
    expect(await s.undo()).toBe('none');
    expect(tip(dir)).toBe(before);
    expect(await held(dir)).toEqual(['vlan:k1=1000']);
  });

  it('another process committed on top: its reservation and history stay, ours is dropped by a new commit', async () => {
    const dir = tempRepo({ a: '1' });
    const s = new LedgerSession(dir, clock);
    await s.reserve({ pool: 'vlan', key: 'mine', holder: 'request/r1' }, vlans);
    await reserveResource({ repo: dir, clock }, { pool: 'vlan', key: 'theirs', holder: 'request/r2' }, vlans);
    const theirs = tip(dir)!;
    expect(await s.undo()).toBe('released');
    expect(git(dir, 'rev-parse', `${LEDGER_REF}^`).trim()).toBe(theirs);
    expect(await held(dir)).toEqual(['vlan:theirs=1001']);
  });

  it('shared with a remote: no history is rewritten, a new commit drops ours and restores what we let go of, here and there', async () => {
    const bare = join(tempDir(), 'remote.git');
    git(tempDir(), 'init', '-q', '--bare', bare);
    const dir = join(tempDir(), 'clone');
    git(tempDir(), 'clone', '-q', bare, dir);
    await reserveResource({ repo: dir, clock }, { pool: 'vlan', key: 'old', holder: 'request/r0' }, vlans);
    const before = tip(dir)!;
    const s = new LedgerSession(dir, clock);
    await s.reserve({ pool: 'vlan', key: 'k1', holder: 'request/r1' }, vlans);
    await s.letGo([{ pool: 'vlan', key: 'old' }], 'request/r1');
    const shared = git(bare, 'rev-parse', LEDGER_REF).trim();
    expect(s.offline).toBeUndefined();
    expect(await s.undo()).toBe('released');
    const after = tip(dir)!;
    expect(git(bare, 'rev-parse', LEDGER_REF).trim()).toBe(after);
    expect(git(dir, 'rev-parse', `${after}^`).trim()).toBe(shared);
    expect(await held(dir)).toEqual(['vlan:old=1000']);
    // The record reads as before, though its history grew.
    expect(git(dir, 'rev-parse', `${after}^{tree}`).trim()).toBe(git(dir, 'rev-parse', `${before}^{tree}`).trim());
  });
});
