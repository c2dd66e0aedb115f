import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { fromTemplate } from '../helpers/otter.js';
import { git, otterNetRepo, PROJECT_ROOT, svc, writeTree, type FileTree, type RunResult } from '../helpers/repo.js';

/**
 * The Otter-net catalog with its bootstrap data loaded and committed, as a team would start: the
 * catalog committed, then the bootstrap loaded by the real `svc load` in a commit of its own. Made
 * once per test file, copied per test.
 */
export function loadedOtterNet(): string {
  return fromTemplate('pools-loaded', () => {
    const repo = otterNetRepo();
    const files: FileTree = {};
    for (const f of readdirSync(join(PROJECT_ROOT, 'bootstrap'))) files[`bootstrap/${f}`] = readFileSync(join(PROJECT_ROOT, 'bootstrap', f), 'utf8');
    writeTree(repo, files);
    git(repo, 'config', 'user.name', 'Test Author');
    git(repo, 'config', 'user.email', 'author@example.test');
    ok(svc(repo, ['load', 'bootstrap']));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'bootstrap loaded');
    return repo;
  });
}

export function ok(r: RunResult): RunResult {
  expect(r.stderr, r.stderr).not.toMatch(/error/i);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

export const json = <T>(r: RunResult): T => JSON.parse(ok(r).stdout) as T;

/**
 * A Dedicated Internet subscription in provisioning, written by hand as a request would: the
 * product object and its block (`n` makes the ids and the subscription id).
 */
export function writeSubscription(repo: string, n: number, ipPackage: 'small' | 'medium' | 'large', site = 'par01'): { subscription: string; id: string } {
  const num = String(n).padStart(4, '0');
  const subscription = `dia-${num}`;
  const id = `aaaa00000000${num}`;
  const block = `bbbb00000000${num}`;
  const text = (o: unknown) => `${JSON.stringify(o, null, 2)}\n`;
  writeTree(repo, {
    [`inventory/ProductDedicatedInternet/${subscription}.json`]: text({
      id, subscription_id: subscription, product: 'dedicated internet 1000', customer: 'acme', status: 'provisioning',
      insync: true, version: 1, bandwidth: 1000, dedicated_internet: { id: block },
    }),
    [`inventory/BlockDedicatedInternet/${block}.json`]: text({
      id: block, ip_package: ipPackage, site, subscription: { kind: 'ProductDedicatedInternet', hfid: subscription },
    }),
  });
  return { subscription, id };
}

export interface PoolJson {
  pool: string;
  name: string;
  kind: string;
  type: string;
  extent: string;
  unit: string;
  size: string;
  used: string;
  free: string;
  percent: number;
  allocations: number;
  reservations: { held: number; permanent: number; releasing: number } | null;
}

export interface PoolsJson {
  ledger: boolean;
  pools: PoolJson[];
  otherReservations: { pool: string; held: number; permanent: number; releasing: number }[];
  diagnostics: unknown[];
}

export const poolsOf = (repo: string): PoolsJson => json<PoolsJson>(svc(repo, ['pools', '--format', 'json']));

export const byName = (p: PoolsJson, name: string): PoolJson => {
  const found = p.pools.find((x) => x.name === name);
  expect(found, `pool ${name}`).toBeDefined();
  return found!;
};
