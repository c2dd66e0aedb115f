import { beforeAll, describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../src/adapters/fs.js';
import { commitToRef } from '../../src/adapters/git/commit.js';
import { LEDGER_REF } from '../../src/adapters/git/ledger.js';
import { letGoReservations, reserveResource, settleHolders } from '../../src/adapters/git/reservations.js';
import { ledgerAudit } from '../../src/app/pools.js';
import { openCatalog } from '../../src/core/catalog/catalog.js';
import { resourceShardPath } from '../../src/core/reservations/layout.js';
import type { Choose } from '../../src/core/reservations/model.js';
import { validateCatalog } from '../../src/core/validate.js';
import { pinGitEnv } from '../git/env.js';
import { join } from 'node:path';
import { git, svc, tempDir, tempRepo } from '../helpers/repo.js';
import { byName, json, loadedOtterNet, ok, poolsOf } from './helpers.js';

beforeAll(pinGitEnv);

const T0 = '2026-03-01T10:00:00.000Z';
const LATER = '2026-03-01T12:00:00.000Z';
const VLAN = 'Customer vlan pool';
const PREFIX = 'Customer prefixes pool';

const from = (values: string[]): Choose => (used) => used.firstFree(values);
const ledgerAt = (repo: string): string => git(repo, 'rev-parse', LEDGER_REF).trim();

/** A loaded catalog whose ledger holds reservations of a live branch, a deleted branch and a merged request. */
async function withLedger(): Promise<{ repo: string; vlanPool: string }> {
  const repo = loadedOtterNet();
  const vlanPool = byName(poolsOf(repo), VLAN).pool;
  git(repo, 'branch', 'request/live');
  git(repo, 'branch', 'request/gone');
  const opts = { repo, remote: null, clock: () => new Date(T0) };
  const vlans = from(['1000', '1001', '1002', '1003']);
  await reserveResource(opts, { pool: vlanPool, key: 'dia-0001:vlan', holder: 'request/live' }, vlans);
  await reserveResource(opts, { pool: vlanPool, key: 'dia-0002:vlan', holder: 'request/gone' }, vlans);
  // Older reservations may name the pool rather than its id: they count for it all the same.
  await reserveResource(opts, { pool: PREFIX, key: 'dia-0002:prefix', holder: 'request/gone' }, from(['203.0.113.0/29']));
  await reserveResource(opts, { pool: 'DcimInterfaceL2', key: 'dia-0001:customer-port', holder: 'request/live' }, from(['81753dc8b3e5a3af']));
  await reserveResource(opts, { pool: vlanPool, key: 'dia-0003:vlan', holder: 'request/merged' }, vlans);
  await settleHolders(opts, ['request/merged']);
  git(repo, 'branch', '-D', 'request/gone');
  return { repo, vlanPool };
}

interface GcJson {
  dryRun: boolean;
  ledger: boolean;
  applied: boolean;
  released: { pool: string; key: string; resource: string; holder: string }[];
  kept: string[];
}

const gc = (repo: string, args: string[] = [], now = LATER) => svc(repo, ['pools', 'gc', '--format', 'json', ...args], { env: { SVC_NOW: now } });

describe('svc pools with a reservation ledger', () => {
  it('shows held and permanent reservations per pool, and those of claims apart', async () => {
    const { repo } = await withLedger();
    const p = poolsOf(repo);
    expect(p.ledger).toBe(true);
    expect(byName(p, VLAN).reservations).toEqual({ held: 2, permanent: 1, releasing: 0 });
    expect(byName(p, PREFIX).reservations).toEqual({ held: 1, permanent: 0, releasing: 0 });
    expect(byName(p, 'Management addresses pool').reservations).toEqual({ held: 0, permanent: 0, releasing: 0 });
    expect(p.otherReservations).toEqual([{ pool: 'DcimInterfaceL2', held: 1, permanent: 0, releasing: 0 }]);
    const table = ok(svc(repo, ['pools'])).stdout;
    expect(table.split('\n')[0]).toMatch(/USE\s+RESERVED \(held\/permanent\)$/);
    expect(table.split('\n').find((l) => l.startsWith(VLAN))).toMatch(/0%\s+2\/1$/);
    expect(table).toContain('ledger also reserves in DcimInterfaceL2: 1 held, 0 permanent');
  });

  it('gc releases only what deleted branches hold, past the grace period; a dry run and a long grace change nothing', async () => {
    const { repo, vlanPool } = await withLedger();
    const start = ledgerAt(repo);

    const dry = json<GcJson>(gc(repo, ['--dry-run']));
    expect(dry).toMatchObject({ dryRun: true, ledger: true, applied: false, kept: [] });
    expect(dry.released.map((r) => [r.pool, r.resource, r.holder])).toEqual([
      [vlanPool, '1001', 'request/gone'],
      [PREFIX, '203.0.113.0/29', 'request/gone'],
    ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
    expect(ledgerAt(repo)).toBe(start);

    const young = json<GcJson>(gc(repo, ['--grace', '1d']));
    expect(young).toMatchObject({ applied: false, released: [], kept: ['request/gone'] });
    expect(ledgerAt(repo)).toBe(start);

    const text = ok(svc(repo, ['pools', 'gc'], { env: { SVC_NOW: LATER } })).stdout;
    expect(text).toContain(`released  ${vlanPool}  1001  (key dia-0002:vlan, held by request/gone)`);
    expect(text).toContain('released 2 reservation(s)');
    expect(ledgerAt(repo)).not.toBe(start);
    expect(byName(poolsOf(repo), VLAN).reservations).toEqual({ held: 1, permanent: 1, releasing: 0 });

    const again = json<GcJson>(gc(repo));
    expect(again).toMatchObject({ applied: false, released: [], kept: [] });
  });

  it('gc settles what a merged terminate let go of and restores what an abandoned one did', async () => {
    const { repo, vlanPool } = await withLedger();
    // request/merged's VLAN (permanent) is let go of by two terminates: one merged into main, one whose branch is gone.
    const opts = { repo, remote: null, clock: () => new Date(T0) };
    await letGoReservations(opts, [{ pool: vlanPool, key: 'dia-0003:vlan' }], 'request/dia-0003-terminate-1');
    await reserveResource(opts, { pool: vlanPool, key: 'dia-0004:vlan', holder: 'request/dia-0004' }, from(['1004']));
    await settleHolders(opts, ['request/dia-0004']);
    await letGoReservations(opts, [{ pool: vlanPool, key: 'dia-0004:vlan' }], 'request/dia-0004-terminate-1');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'terminate dia-0004', '-m', 'Svc-Request: dia-0004-terminate-1');
    const r = json<GcJson & { restored: { key: string; resource: string }[]; settled: string[] }>(gc(repo));
    expect(r.settled).toContain('request/dia-0004-terminate-1');
    expect(r.restored.map((x) => `${x.key}=${x.resource}`)).toEqual(['dia-0003:vlan=1002']);
    const text = ok(svc(repo, ['pools', 'gc', '--dry-run'], { env: { SVC_NOW: LATER } })).stdout;
    expect(text).not.toContain('would restore');
    // 1004 is free again; dia-0003's VLAN is back under its key, still reserved.
    expect(byName(poolsOf(repo), VLAN).reservations).toEqual({ held: 1, permanent: 1, releasing: 0 });
  });

  it('keeps a fresh reservation whose branch is gone inside the default hour', async () => {
    const { repo } = await withLedger();
    const r = json<GcJson>(gc(repo, [], '2026-03-01T10:30:00.000Z'));
    expect(r).toMatchObject({ released: [], kept: ['request/gone'] });
  });

  it('refuses a grace that is not a duration, with exit 2 and the ledger untouched', async () => {
    const { repo } = await withLedger();
    const start = ledgerAt(repo);
    const r = svc(repo, ['pools', 'gc', '--grace', '5x'], { env: { SVC_NOW: LATER } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--grace 5x: not a duration');
    expect(r.stderr).toContain('30m, 1h');
    expect(ledgerAt(repo)).toBe(start);
  });

  it('refuses, with exit 2 and the ledger untouched, when the remote cannot be reached (settle-only too)', async () => {
    const { repo } = await withLedger();
    git(repo, 'remote', 'add', 'origin', join(tempDir(), 'nowhere.git'));
    const start = ledgerAt(repo);
    for (const args of [[], ['--settle-only']]) {
      const r = svc(repo, ['pools', 'gc', ...args], { env: { SVC_NOW: LATER } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('cannot fetch the reservation ledger from origin');
      expect(r.stderr).toContain('retry when the remote is reachable');
      expect(ledgerAt(repo)).toBe(start);
    }
  });

  it('a dry run with the remote out of reach previews this repository\'s ledger, says so, and writes nothing', async () => {
    const { repo, vlanPool } = await withLedger();
    const nowhere = join(tempDir(), 'nowhere.git');
    git(repo, 'remote', 'add', 'origin', nowhere);
    // A branch this repository last saw on the remote counts as alive.
    git(repo, 'update-ref', 'refs/remotes/origin/request/gone', 'HEAD');
    const start = ledgerAt(repo);
    const keeps = json<GcJson & { offlineReason: string }>(gc(repo, ['--dry-run']));
    expect(keeps).toMatchObject({ dryRun: true, applied: false, released: [] });
    expect(keeps.offlineReason).toContain('cannot fetch the reservation ledger from origin');
    expect(keeps.offlineReason).toContain("previewed on this repository's ledger");
    git(repo, 'update-ref', '-d', 'refs/remotes/origin/request/gone');
    const text = ok(svc(repo, ['pools', 'gc', '--dry-run'], { env: { SVC_NOW: LATER } })).stdout;
    expect(text).toContain(`would release  ${vlanPool}  1001  (key dia-0002:vlan, held by request/gone)`);
    expect(text).toContain('offline: cannot fetch the reservation ledger from origin');
    expect(ledgerAt(repo)).toBe(start);
    expect(git(repo, 'for-each-ref', '--format=%(refname)', 'refs/svc/remotes')).toBe('');
  });

  it('says there is nothing to collect in a repository without a ledger', () => {
    const repo = tempRepo({ '.orchestrator.yml': 'schemas: []\n' });
    const r = ok(svc(repo, ['pools', 'gc']));
    expect(r.stdout).toContain('no reservation ledger');
    expect(git(repo, 'for-each-ref', 'refs/svc')).toBe('');
  });

  it('the ledger audit finds a broken index, and validate reports it when handed the audit', async () => {
    const { repo, vlanPool } = await withLedger();
    expect(await ledgerAudit(repo)).toEqual([]);
    expect(await ledgerAudit(tempRepo({ 'a.txt': 'a' }))).toBeUndefined();

    // An old svc (or a hand edit) dropped the resource index of VLAN 1000.
    const head = ledgerAt(repo);
    await commitToRef({ repo, base: head, changes: [{ path: resourceShardPath(vlanPool, '1000'), delete: true }], message: 'hand edit', ref: LEDGER_REF, expectedOld: head });
    const problems = (await ledgerAudit(repo))!;
    expect(problems).toEqual([`${vlanPool}: 1000 (key dia-0001:vlan) is missing from the resource index`]);

    const { catalog } = openCatalog(repo, nodeFileHost);
    const report = validateCatalog(catalog!, nodeFileHost, { ledgerProblems: problems });
    expect(report.diagnostics.filter((d) => d.code === 'reservations/ledger-inconsistent').map((d) => d.message)).toEqual([
      `reservation ledger: ${vlanPool}: 1000 (key dia-0001:vlan) is missing from the resource index`,
    ]);
  });
});
