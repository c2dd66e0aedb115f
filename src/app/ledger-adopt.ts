import { defaultBranch, diffTrees, listBranches, mergeBase, readBlobs, trailerValue, type BranchInfo } from '../adapters/git/read.js';
import { mergedRequests } from '../adapters/git/merged.js';
import type { LedgerDraft } from '../core/reservations/draft.js';
import { adoptHoldings, unknownHolders, type Adopted, type BranchHoldings } from '../core/reservations/rebuild.js';
import { releaseOrphans } from '../core/reservations/ops.js';
import { diedIn } from '../adapters/process.js';
import { repoPaths } from '../adapters/git/commit.js';
import { REQUEST_PREFIX, TRAILER } from '../core/request/names.js';
import { RUN_KIND } from '../core/generate/records.js';

/** What a request's first ledger update did before reserving. */
export interface Prepared extends Adopted {
  /** Holders released at once: requests killed on this host before their branch existed. */
  orphans: string[];
}

/** Run before a session's first reservation, on the ledger it builds on (see LedgerSession). */
export type LedgerPrepare = (draft: LedgerDraft, now: Date) => Promise<Prepared>;

/** The ledger pool of a product's subscription ids (as request.ts reserves them). */
export const ID_POOL_PREFIX = 'svc:ids:';

/**
 * Before a request reserves anything: release what requests killed on this host left (see
 * releaseOrphans), then rebuild what the ledger lacks from the request branches this repository knows (its own, and the
 * remote's as last fetched): each open branch the ledger has never seen (a remote made by
 * `git clone --bare`, which leaves refs/svc/reservations behind; a ledger ref deleted) has its
 * allocations, claims and subscription id put back, held by that branch. A branch merged into the
 * default branch is only marked as seen: main's inventory already holds what it holds. Costs one
 * for-each-ref and one read per branch while every branch is known; git reads per unknown branch.
 *
 * `spaceOf` gives an IP pool's space (its namespace), so adopted prefixes join the overlap index.
 */
export function adoptOpenRequests(repo: string, inventoryPrefix: string, spaceOf: (pool: string) => string | undefined): LedgerPrepare {
  let branches: Promise<Map<string, BranchInfo>> | undefined;
  const loaded = new Map<string, Promise<BranchHoldings>>();
  const at = (p: string) => (inventoryPrefix === '' ? p : `${inventoryPrefix}/${p}`);

  const list = async (): Promise<Map<string, BranchInfo>> => {
    const out = new Map<string, BranchInfo>();
    // Local branches first: where both exist, this repository's tip is the newer one it knows.
    for (const b of await listBranches(repo, [`refs/heads/${REQUEST_PREFIX}`, `refs/remotes/*/${REQUEST_PREFIX}*`])) {
      const holder = b.ref.replace(/^refs\/(heads|remotes\/[^/]+)\//, '');
      if (holder.startsWith(REQUEST_PREFIX) && !out.has(holder)) out.set(holder, b);
    }
    return out;
  };

  const load = async (holder: string, b: BranchInfo): Promise<BranchHoldings> => {
    const main = await defaultBranch(repo);
    const base = main ? await mergeBase(repo, main.ref, b.commit) : null;
    const dir = at(RUN_KIND);
    const paths = base
      ? (await diffTrees(repo, base, b.commit, dir)).filter((c) => c.status !== 'D').map((c) => c.path)
      : [];
    const records: BranchHoldings['records'] = [];
    for (const [, blob] of await readBlobs(repo, b.commit, paths)) {
      if (!blob) continue;
      let run: { allocations?: unknown };
      try {
        run = JSON.parse(blob.toString('utf8')) as { allocations?: unknown };
      } catch {
        continue;
      }
      for (const r of Array.isArray(run.allocations) ? (run.allocations as Record<string, unknown>[]) : []) {
        if (typeof r.pool !== 'string' || typeof r.key !== 'string' || typeof r.resource !== 'string') continue;
        const space = r.type === 'prefix' || r.type === 'address' ? spaceOf(r.pool) : undefined;
        records.push({ pool: r.pool, key: r.key, resource: r.resource, ...(space !== undefined ? { space } : {}) });
      }
    }
    const sid = trailerValue(b.trailers, TRAILER.subscription);
    const created = trailerValue(b.trailers, TRAILER.action) === 'create' && sid !== undefined;
    return {
      holder,
      tip: b.commit,
      records,
      ...(created ? { subscriptionId: { pool: `${ID_POOL_PREFIX}${sid.replace(/-\d+$/, '').toLowerCase()}`, resource: sid } } : {}),
    };
  };

  return async (draft, now) => {
    const out: Prepared = { put: [], conflicts: [], orphans: [] };
    const known = await (branches ??= list());
    // A request killed before its branch existed (during its ledger phase) left reservations
    // behind: released now when its process is provably dead, so no grace period holds them.
    const here = (await repoPaths(repo)).commonDir;
    out.orphans = (await releaseOrphans(draft, { isAlive: (h) => known.has(h), isDead: (p) => diedIn(p, here) })).holders;
    const unknown = await unknownHolders(draft, [...known.keys()]);
    if (!unknown.length) return out;
    const merged = new Set(await mergedRequests(repo, unknown));
    for (const holder of unknown) {
      const b = known.get(holder)!;
      if (merged.has(holder)) {
        draft.markSeen(holder, b.commit);
        continue;
      }
      let p = loaded.get(holder);
      if (!p) loaded.set(holder, (p = load(holder, b)));
      const a = await adoptHoldings(draft, await p, now);
      out.put.push(...a.put);
      out.conflicts.push(...a.conflicts);
    }
    return out;
  };
}
