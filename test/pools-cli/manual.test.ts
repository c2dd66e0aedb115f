import { beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_REF } from '../../src/adapters/git/ledger.js';
import { pinGitEnv } from '../git/env.js';
import { git, svc } from '../helpers/repo.js';
import { NOW } from '../request/helpers.js';
import { json, loadedOtterNet, ok, poolsOf } from './helpers.js';

beforeAll(pinGitEnv);

const VLAN = 'Customer vlan pool';
const PREFIX = 'Customer prefixes pool';

interface ManualJson {
  action: string;
  pool: string;
  resource: string;
  reason: string;
  by: string;
  existing: boolean;
}

const reserve = (repo: string, args: string[]) => svc(repo, ['pools', 'reserve', ...args, '--format', 'json'], { env: NOW });
const release = (repo: string, args: string[]) => svc(repo, ['pools', 'release', ...args, '--format', 'json'], { env: NOW });
const createRequest = (repo: string) =>
  JSON.parse(ok(svc(repo, ['request', 'create', 'dedicated internet 1000', '--customer', 'acme', '--set', 'site=par01', '--set', 'ip_package=small', '--format', 'json'], { env: NOW })).stdout) as { request: string };
/** The VLAN and prefix a request's branch gave its block. */
function blockOf(repo: string, id: string): { vlan: number; prefix: string } {
  const branch = git(repo, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/request/').split('\n').find((b) => b.includes(id))!;
  const path = git(repo, 'diff', '--name-only', `main...${branch}`).split('\n').find((p) => p.startsWith('inventory/BlockDedicatedInternet/'))!;
  return JSON.parse(git(repo, 'show', `${branch}:${path}`));
}

describe('svc pools reserve and release (manual IPAM through the shared ledger)', () => {
  it('a VLAN and a prefix held by hand are skipped by a request; released, the next request gets them', () => {
    const repo = loadedOtterNet();
    const vlan = json<ManualJson>(reserve(repo, [VLAN, '--for', 'lab VLAN']));
    expect(vlan).toMatchObject({ action: 'reserved', pool: VLAN, resource: '1000', reason: 'lab VLAN', existing: false });
    expect(vlan.by).toMatch(/<.*@.*>/);
    const net = json<ManualJson>(reserve(repo, [PREFIX, '--size', '/29', '--for', 'core link']));
    expect(net.resource).toBe('198.51.100.0/29');

    const first = blockOf(repo, createRequest(repo).request);
    expect(first.vlan).toBe(1001);
    expect(first.prefix).not.toBe('198.51.100.0/29');

    ok(release(repo, [VLAN, '1000']));
    ok(release(repo, [PREFIX, '198.51.100.0/29']));
    const second = blockOf(repo, createRequest(repo).request);
    expect(second.vlan).toBe(1000);
    expect(second.prefix).toBe('198.51.100.0/29');
  }, 120_000);

  it('holds a named resource against overlap: a /31 inside a held /29 is refused, as is one a request holds', () => {
    const repo = loadedOtterNet();
    ok(reserve(repo, [PREFIX, '203.0.113.8/29', '--for', 'peering']));
    const before = git(repo, 'rev-parse', LEDGER_REF);
    const inside = reserve(repo, [PREFIX, '203.0.113.10/31', '--for', 'link']);
    expect(inside.code).toBe(1);
    expect(inside.stderr).toContain('overlaps 203.0.113.8/29');
    expect(git(repo, 'rev-parse', LEDGER_REF)).toBe(before);
    // The same resource again is an idempotent repeat.
    expect(json<ManualJson>(reserve(repo, [PREFIX, '203.0.113.8/29', '--for', 'peering'])).existing).toBe(true);
    const { request } = createRequest(repo);
    const taken = blockOf(repo, request).vlan;
    const r = reserve(repo, [VLAN, String(taken), '--for', 'mine']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`already reserved by request/${request}`);
    const rel = release(repo, [VLAN, String(taken)]);
    expect(rel.code).toBe(1);
    expect(rel.stderr).toContain('not by hand');
  }, 120_000);

  it('refuses what is outside the pool, not a network address, or without a reason; gc never frees a hold; svc pools lists it', () => {
    const repo = loadedOtterNet();
    expect(reserve(repo, [VLAN, '5', '--for', 'x']).stderr).toContain('outside pool');
    const odd = reserve(repo, [PREFIX, '203.0.113.1/31', '--for', 'x']);
    expect(odd.code).toBe(2);
    expect(odd.stderr).toContain('did you mean 203.0.113.0/31');
    expect(svc(repo, ['pools', 'reserve', VLAN]).code).toBe(2);
    expect(reserve(repo, [VLAN, '1500', '--for', ' ']).code).toBe(1);
    expect(reserve(repo, ['nope', '--for', 'x']).stderr).toContain('pools/unknown-pool');
    ok(reserve(repo, [VLAN, '1500', '--for', 'lab']));
    ok(svc(repo, ['pools', 'gc', '--grace', '0s'], { env: { SVC_NOW: '2030-01-01T00:00:00Z' } }));
    const p = poolsOf(repo) as ReturnType<typeof poolsOf> & { manual: { pool: string; resource: string; reason: string; by: string }[] };
    expect(p.manual).toEqual([expect.objectContaining({ pool: VLAN, resource: '1500', reason: 'lab' })]);
    expect(ok(svc(repo, ['pools'])).stdout).toMatch(/held by hand[\s\S]*Customer vlan pool\s+1500\s+lab/);
    expect(ok(release(repo, [VLAN, '1500'])).code).toBe(0);
    expect(release(repo, [VLAN, '1500']).stderr).toContain('not reserved');
  }, 120_000);
});
