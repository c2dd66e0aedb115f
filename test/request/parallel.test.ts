import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { git, mergeRequest, SVC_BIN, svc, TEST_ENV } from '../helpers/repo.js';
import { NOW, otterNet, withRemote } from './helpers.js';

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Start bin/svc without waiting: the point is to run many at once. */
function start(cwd: string, args: string[], killAfterMs?: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SVC_BIN, ...args], { cwd, env: { ...TEST_ENV, ...NOW } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const create = (customer: string, site = 'par01') => ['request', 'create', 'dedicated internet 1000', '--customer', customer, '--set', `site=${site}`, '--set', 'ip_package=small', '--format', 'json'];

/** VLAN ids, prefixes and ports across the given request branches (or one tree). */
function resources(dir: string, refs: string[]): { vlans: number[]; prefixes: string[]; ports: string[] } {
  const out = { vlans: [] as number[], prefixes: [] as string[], ports: [] as string[] };
  for (const ref of refs) {
    for (const path of git(dir, 'ls-tree', '-r', '--name-only', ref, 'inventory/BlockDedicatedInternet').split('\n').filter(Boolean)) {
      const block = JSON.parse(git(dir, 'show', `${ref}:${path}`));
      const mine = JSON.parse(git(dir, 'show', `${ref}:inventory/ProductDedicatedInternet/${block.subscription.hfid}.json`));
      if (refs.length > 1 && !ref.endsWith(mine.subscription_id)) continue;
      out.vlans.push(block.vlan);
      out.prefixes.push(block.prefix);
      out.ports.push(JSON.stringify(block.customer_port));
    }
  }
  return out;
}

const distinct = <T>(xs: T[]) => new Set(xs).size === xs.length;

describe('parallel requests never collide', () => {
  it('20 svc request create processes at once on one repository: 20 committed requests, distinct VLANs, prefixes and ports', async () => {
    const dir = otterNet();
    const sites = ['par01', 'par02', 'fra01', 'bru01'];
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => start(dir, create(`c${i}`, sites[i % sites.length]))));
    for (const r of runs) expect(r.stderr.replace(/note: .*\n/g, '')).toBe('');
    expect(runs.map((r) => r.code)).toEqual(Array(20).fill(0));
    const ids = runs.map((r) => JSON.parse(r.stdout).request as string);
    expect(distinct(ids)).toBe(true);
    const branches = git(dir, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/request/').trim().split('\n');
    expect(branches).toHaveLength(20);
    const got = resources(dir, branches);
    expect(got.vlans).toHaveLength(20);
    expect(distinct(got.vlans)).toBe(true);
    expect(distinct(got.prefixes)).toBe(true);
    expect(distinct(got.ports)).toBe(true);
    // Merged one after another, main holds no duplicate and validates.
    for (const b of branches) mergeRequest(dir, b);
    const v = svc(dir, ['validate']);
    expect(v.stdout).not.toMatch(/error\[/);
    expect(v.code).toBe(0);
  }, 300_000);

  it('three clones of one bare remote requesting at once: no duplicate once every request is merged into main', async () => {
    const { clones } = withRemote(3);
    const runs = await Promise.all(clones.flatMap((dir, c) => [0, 1, 2].map((i) => start(dir, [...create(`clone${c}-${i}`), '--push']))));
    expect(runs.map((r) => r.code)).toEqual(Array(9).fill(0));
    const first = clones[0]!;
    git(first, 'fetch', '-q', 'origin');
    const branches = git(first, 'for-each-ref', '--format=%(refname:short)', 'refs/remotes/origin/request/').trim().split('\n');
    expect(branches).toHaveLength(9);
    for (const b of branches) mergeRequest(first, b);
    const got = resources(first, ['HEAD']);
    expect(got.vlans).toHaveLength(9);
    expect(distinct(got.vlans)).toBe(true);
    expect(distinct(got.prefixes)).toBe(true);
    expect(distinct(got.ports)).toBe(true);
    expect(svc(first, ['validate']).code).toBe(0);
  }, 300_000);

  it('requests killed with SIGKILL at random points: nothing is held twice, and what they held can be reclaimed', async () => {
    const dir = otterNet();
    // A fixed sequence of kill delays (no randomness in tests): early, mid-allocation, late.
    const delays = Array.from({ length: 50 }, (_, i) => 40 + ((i * 37) % 700));
    for (let i = 0; i < delays.length; i += 5) {
      await Promise.all(delays.slice(i, i + 5).map((ms, j) => start(dir, create(`k${i + j}`, ['par01', 'fra01'][j % 2]), ms)));
    }
    const branches = git(dir, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/request/').trim().split('\n').filter(Boolean);
    const got = resources(dir, branches);
    expect(distinct(got.vlans)).toBe(true);
    expect(distinct(got.prefixes)).toBe(true);
    expect(distinct(got.ports)).toBe(true);
    // Every request that exists is whole: validate passes on each merged one.
    for (const b of branches) mergeRequest(dir, b);
    expect(svc(dir, ['validate']).code).toBe(0);
    // What the killed requests had reserved is reclaimed by gc; what the merged ones hold is kept.
    const gc = JSON.parse(svc(dir, ['pools', 'gc', '--grace', '0s', '--format', 'json']).stdout) as { released: { holder: string }[]; settled: string[] };
    expect(gc.settled.sort()).toEqual([...branches].sort());
    for (const r of gc.released) expect(branches).not.toContain(r.holder);
    const again = JSON.parse(svc(dir, ['pools', 'gc', '--grace', '0s', '--dry-run', '--format', 'json']).stdout) as { released: unknown[] };
    expect(again.released).toEqual([]);
    // A request made now still works, and gets resources no killed request left held for good.
    const after = await start(dir, create('after'));
    expect(after.code).toBe(0);
    expect(git(dir, 'status', '--porcelain').trim()).toBe('');
    expect(git(dir, 'fsck', '--no-dangling').trim()).toBe('');
  }, 300_000);
});
