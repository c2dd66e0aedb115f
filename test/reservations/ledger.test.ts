import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { commitToRef } from '../../src/adapters/git/commit.js';
import { LEDGER_REF, readLedger } from '../../src/adapters/git/ledger.js';
import { abandonHeldBy, gcReservations, liveBranches, lookupReservation, settleHolders, reserveResource } from '../../src/adapters/git/reservations.js';
import type { Choose } from '../../src/core/reservations/model.js';
import { git, TEST_ENV, tempDir, tempRepo } from '../helpers/repo.js';
import { pinGitEnv } from '../git/env.js';

beforeAll(pinGitEnv);

const WORKER = fileURLToPath(new URL('./fixtures/reserve.mjs', import.meta.url));
const vlans: Choose = (used) =>
  used.firstFree((function* () {
    for (let v = 1000; v < 4000; v++) yield String(v);
  })());
const clock = (iso: string) => () => new Date(iso);

interface Line {
  key: string;
  resource: string;
  shared: boolean;
  attempts: number;
}

/** Start a worker process; resolves with its JSON lines once it exits. */
function worker(repo: string, holder: string, count: number, remote = '-'): Promise<Line[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [WORKER, repo, holder, String(count), remote], { env: TEST_ENV });
    let out = '';
    let err = '';
    p.stdout.on('data', (b: Buffer) => (out += b));
    p.stderr.on('data', (b: Buffer) => (err += b));
    p.on('close', (code) => (code === 0 ? resolve(out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line)) : reject(new Error(`worker exit ${code}: ${err}`))));
  });
}

function bareRemote(): string {
  const bare = join(tempDir(), 'remote.git');
  git(tempDir(), 'init', '-q', '--bare', bare);
  return bare;
}

function clone(bare: string): string {
  const dir = join(tempDir(), 'clone');
  git(tempDir(), 'clone', '-q', bare, dir);
  return dir;
}

/** Nothing a crash could leave: lock files anywhere in .git, or temporary index files. */
function leftovers(gitDir: string): string[] {
  const found: string[] = [];
  for (const e of readdirSync(gitDir, { recursive: true, withFileTypes: true })) {
    if (e.isFile() && e.name.endsWith('.lock')) found.push(join(e.parentPath, e.name));
  }
  const tmp = join(gitDir, 'svc/tmp');
  if (existsSync(tmp)) found.push(...readdirSync(tmp));
  return found;
}

async function ledgerState(repo: string) {
  return readLedger({ repo }, async (d) => ({ all: await d.all(), problems: await d.audit() }));
}

describe('the reservation ledger in git', () => {
  it('reserves idempotently: the same key gets the same resource and the ref does not move', async () => {
    const dir = tempRepo({ a: '1' });
    const o = { repo: dir, remote: null, clock: clock('2026-01-01T00:00:00Z') };
    const first = await reserveResource(o, { pool: 'vlan', key: 'sub-1', holder: 'request/r1' }, vlans);
    const tip = git(dir, 'rev-parse', LEDGER_REF);
    const again = await reserveResource(o, { pool: 'vlan', key: 'sub-1', holder: 'request/r1' }, vlans);
    expect(first.value.reservation.resource).toBe('1000');
    expect(again.value).toEqual({ reservation: first.value.reservation, existing: true });
    expect(first.shared).toBe(false);
    expect(first.offlineReason).toBeUndefined();
    expect(git(dir, 'rev-parse', LEDGER_REF)).toBe(tip);
    // The user's branch and files are not involved at all.
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(git(dir, 'log', '--format=%s', 'main')).toBe('initial\n');
  });

  it('8 processes reserving at once from one repository: all distinct, no lost update', async () => {
    const dir = tempRepo({ a: '1' });
    const results = (await Promise.all(Array.from({ length: 8 }, (_, i) => worker(dir, `request/p${i}`, 3)))).flat();
    const resources = results.map((r) => r.resource);
    expect(results).toHaveLength(24);
    expect(new Set(resources).size).toBe(24);
    const { all, problems } = await ledgerState(dir);
    expect(problems).toEqual([]);
    expect(all.map((r) => r.resource).sort()).toEqual([...resources].sort());
    // One commit per reservation: none was overwritten by a racing process.
    expect(git(dir, 'rev-list', '--count', LEDGER_REF).trim()).toBe('24');
    // Each took its turn (the ledger lock): no process planned and wrote objects in vain.
    expect(results.map((r) => r.attempts)).toEqual(Array(24).fill(1));
    expect(leftovers(join(dir, '.git'))).toEqual([]);
  });

  it('three clones through a bare remote, reserving concurrently: distinct and shared', async () => {
    const bare = bareRemote();
    const seed = clone(bare);
    git(seed, 'commit', '-q', '--allow-empty', '-m', 'initial');
    git(seed, 'push', '-q', 'origin', 'HEAD:main');
    const clones = [clone(bare), clone(bare), clone(bare)];
    const results = (await Promise.all(clones.flatMap((c, i) => [worker(c, `request/c${i}a`, 3, 'origin'), worker(c, `request/c${i}b`, 2, 'origin')]))).flat();
    expect(results).toHaveLength(15);
    expect(results.every((r) => r.shared)).toBe(true);
    expect(new Set(results.map((r) => r.resource)).size).toBe(15);
    // The remote holds them all; a clone that reserved nothing sees them after one update.
    const viewer = clone(bare);
    const peek = await reserveResource({ repo: viewer }, { pool: 'vlan', key: 'late', holder: 'request/late' }, vlans);
    expect(peek.shared).toBe(true);
    expect(results.map((r) => r.resource)).not.toContain(peek.value.reservation.resource);
    const { all, problems } = await ledgerState(viewer);
    expect(problems).toEqual([]);
    expect(all).toHaveLength(16);
    expect(git(bare, 'rev-parse', LEDGER_REF).trim()).toBe(peek.commit);
  });

  it('offline: reserves locally, says it is not shared, and shares (or reports the conflict) on the next update', async () => {
    const bare = bareRemote();
    const a = clone(bare);
    const b = clone(bare);
    await reserveResource({ repo: b }, { pool: 'vlan', key: 'b-1', holder: 'request/b' }, vlans); // shared: 1000
    git(a, 'remote', 'set-url', 'origin', join(tempDir(), 'unreachable.git'));
    const off = await reserveResource({ repo: a }, { pool: 'vlan', key: 'a-1', holder: 'request/a' }, vlans);
    const off2 = await reserveResource({ repo: a }, { pool: 'vlan', key: 'a-2', holder: 'request/a' }, vlans);
    expect(off.shared).toBe(false);
    expect(off.offlineReason).toMatch(/remote origin unreachable/);
    expect([off.value.reservation.resource, off2.value.reservation.resource]).toEqual(['1000', '1001']);
    expect(git(bare, 'rev-parse', LEDGER_REF).trim()).not.toBe(off2.commit);

    git(a, 'remote', 'set-url', 'origin', bare);
    const back = await reserveResource({ repo: a }, { pool: 'vlan', key: 'a-3', holder: 'request/a' }, vlans);
    expect(back.shared).toBe(true);
    // a-1 took 1000 offline, but b had it first: reported, not duplicated. a-2 (1001) is now shared.
    expect(back.conflicts.map((c) => c.message)).toEqual(['vlan: 1000 is already reserved by request/b (key b-1)']);
    const { all, problems } = await ledgerState(a);
    expect(problems).toEqual([]);
    expect(all.map((r) => `${r.key}=${r.resource}`)).toEqual(['a-2=1001', 'a-3=1002', 'b-1=1000']);
    expect(git(bare, 'rev-parse', LEDGER_REF).trim()).toBe(back.commit);
  });

  it('a process killed with SIGKILL mid-update leaves a valid ref, no locks or temporary files; gc reclaims what it held', async () => {
    const dir = tempRepo({ a: '1' });
    for (let round = 0; round < 10; round++) {
      const p = spawn(process.execPath, [WORKER, dir, `request/k${round}`, '1000', '-'], { env: TEST_ENV });
      const closed = new Promise((r) => p.on('close', r));
      // Killed once it is inside its loop of updates (its first reservation is written), at a
      // point that moves from round to round: a fixed delay from the spawn would, on a slow or busy
      // machine, kill some workers before they start and make the test depend on the machine.
      await Promise.race([new Promise((r) => p.stdout.once('data', r)), closed]);
      await new Promise((r) => setTimeout(r, (round * 37) % 60));
      p.kill('SIGKILL');
      await closed;
    }
    // Git children of a killed worker finish on their own (a busy machine may take a while).
    for (let waited = 0; leftovers(join(dir, '.git')).length > 0 && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    expect(git(dir, 'cat-file', '-t', LEDGER_REF).trim()).toBe('commit');
    expect(git(dir, 'fsck', '--no-dangling', '--no-progress')).toBe('');
    expect(leftovers(join(dir, '.git'))).toEqual([]);
    const before = await ledgerState(dir);
    expect(before.problems).toEqual([]);
    expect(before.all.length).toBeGreaterThan(0);
    expect(new Set(before.all.map((r) => r.resource)).size).toBe(before.all.length);
    // None of the killed requests has a branch: gc gives everything back.
    const gc = await gcReservations({ repo: dir, remote: null }, { graceMs: 0 });
    expect(gc.value.released).toHaveLength(before.all.length);
    expect((await ledgerState(dir)).all).toEqual([]);
  });

  it('gc releases the reservations of deleted branches only: live, remote-only, young and permanent ones stay', async () => {
    const bare = bareRemote();
    const dir = clone(bare);
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'initial');
    git(dir, 'push', '-q', 'origin', 'HEAD:main');
    for (const id of ['live', 'gone', 'pushed']) await commitToRef({ repo: dir, base: 'HEAD', changes: [], message: id, ref: `refs/heads/request/${id}` });
    git(dir, 'push', '-q', 'origin', 'request/pushed');
    git(dir, 'branch', '-q', '-D', 'request/pushed');
    const o = { repo: dir, clock: clock('2026-01-01T00:00:00Z') };
    for (const h of ['live', 'gone', 'pushed', 'merged', 'young']) {
      await reserveResource({ ...o, clock: clock(h === 'young' ? '2026-01-01T01:30:00Z' : '2026-01-01T00:00:00Z') }, { pool: 'vlan', key: h, holder: `request/${h}` }, vlans);
    }
    await settleHolders(o, ['request/merged']);
    git(dir, 'branch', '-q', '-D', 'request/gone');
    const r = await gcReservations({ ...o, clock: clock('2026-01-01T02:00:00Z') }, { graceMs: 3_600_000 });
    expect(r.shared).toBe(true);
    expect(r.value.released.map((x) => x.holder)).toEqual(['request/gone']);
    expect(r.value.kept).toEqual(['request/young']);
    expect(await lookupReservation({ repo: dir }, 'vlan', 'gone')).toBeUndefined();
    expect((await lookupReservation({ repo: dir }, 'vlan', 'merged'))?.state).toBe('permanent');
    expect((await abandonHeldBy(o, 'request/live', () => false)).value.released.map((x) => x.key)).toEqual(['live']);
  });

  it('live branches: local ones, and offline the remote\'s as last fetched, without the remote\'s HEAD pointer', async () => {
    const bare = bareRemote();
    const dir = clone(bare);
    git(dir, 'checkout', '-q', '-b', 'main');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'initial');
    git(dir, 'push', '-q', 'origin', 'HEAD:main', 'HEAD:request/pushed');
    git(dir, 'fetch', '-q', 'origin');
    git(dir, 'remote', 'set-head', 'origin', 'main');
    // Git's porcelain refuses a branch named HEAD; plumbing can make one, and it is a branch like any other.
    git(dir, 'update-ref', 'refs/heads/HEAD', git(dir, 'rev-parse', 'HEAD').trim());
    git(dir, 'branch', '-q', 'request/local');
    const local = [...(await liveBranches(dir, null))].sort();
    expect(local).toEqual(['HEAD', 'main', 'request/local']);
    const offline = [...(await liveBranches(dir, null, { lastFetchedFrom: 'origin' }))].sort();
    expect(offline).toEqual(['HEAD', 'main', 'request/local', 'request/pushed']);
    git(dir, 'update-ref', '-d', 'refs/heads/HEAD');
    expect([...(await liveBranches(dir, null, { lastFetchedFrom: 'origin' }))].sort()).toEqual(['main', 'request/local', 'request/pushed']);
  });

  it('gc refuses to guess when the remote cannot be asked, and changes nothing', async () => {
    const dir = tempRepo({ a: '1' });
    git(dir, 'remote', 'add', 'origin', join(tempDir(), 'nowhere.git'));
    await reserveResource({ repo: dir }, { pool: 'vlan', key: 'k', holder: 'request/x' }, vlans);
    const tip = git(dir, 'rev-parse', LEDGER_REF);
    await expect(gcReservations({ repo: dir }, { graceMs: 0 })).rejects.toMatchObject({ code: 'git/failed', message: expect.stringContaining('cannot list the branches of origin') });
    expect(git(dir, 'rev-parse', LEDGER_REF)).toBe(tip);
  });
});
