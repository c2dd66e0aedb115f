import { GitError } from '../../core/errors.js';
import type { Choose, Reservation, ReservationRef } from '../../core/reservations/model.js';
import { abandonHolder, collectGarbage, letGo, releaseKeys, reserve, restoreRetired, settleHolder, type GcResult, type LetGo, type ReserveRequest, type ReserveResult, type Settled, type Undone } from '../../core/reservations/ops.js';
import { repoPaths } from './commit.js';
import { diedIn } from '../process.js';
import { readLedger, updateLedger, type LedgerOptions, type LedgerOutcome } from './ledger.js';
import { sharedRemote } from './refs.js';
import { gitOk, gitRaw } from './run.js';

/**
 * The ledger operations svc commands call. Each returns the LedgerOutcome: `shared: false` means
 * the change is only in this repository (say so to the user: it is not yet visible to others).
 */
export function reserveResource(opts: LedgerOptions, req: ReserveRequest, choose: Choose): Promise<LedgerOutcome<ReserveResult>> {
  return updateLedger(opts, (draft, now) => reserve(draft, req, choose, now));
}

/**
 * Give up `holder` (its request abandoned): free what it holds, restore what it was letting go of;
 * but what it holds in the pools `keep` names stays taken, for good (see abandonHolder).
 */
export function abandonHeldBy(opts: LedgerOptions, holder: string, keep: (pool: string) => boolean): Promise<LedgerOutcome<Undone & { kept: Reservation[] }>> {
  return updateLedger(opts, (draft) => abandonHolder(draft, holder, keep));
}

/** `by` no longer needs these: see letGo (its own are freed, others' wait for its merge). */
export function letGoReservations(opts: LedgerOptions, refs: readonly ReservationRef[], by: string): Promise<LedgerOutcome<LetGo>> {
  return updateLedger(opts, (draft, now) => letGo(draft, refs, by, now));
}

/** Take back a failed command's changes once they are shared: free what it took, restore what it let go of. */
export function revertReservations(opts: LedgerOptions, took: readonly ReservationRef[], retired: readonly ReservationRef[]): Promise<LedgerOutcome<Undone>> {
  return updateLedger(opts, async (draft) => ({ released: await releaseKeys(draft, took), restored: await restoreRetired(draft, retired) }));
}

/** The holders' requests were merged: see settleHolder. */
export function settleHolders(opts: LedgerOptions, holders: readonly string[]): Promise<LedgerOutcome<Settled>> {
  return updateLedger(opts, async (draft) => {
    const out: Settled = { permanent: [], freed: [] };
    for (const h of holders) {
      const s = await settleHolder(draft, h);
      out.permanent.push(...s.permanent);
      out.freed.push(...s.freed);
    }
    return out;
  });
}

/** The reservation of `key` in `pool` as this repository knows it. */
export function lookupReservation(opts: Pick<LedgerOptions, 'repo' | 'ref'>, pool: string, key: string): Promise<Reservation | undefined> {
  return readLedger(opts, (d) => d.get(pool, key));
}

/** What `holder` holds, as this repository knows it. */
export function reservationsOf(opts: Pick<LedgerOptions, 'repo' | 'ref'>, holder: string): Promise<Reservation[]> {
  return readLedger(opts, async (d) => (await Promise.all((await d.heldBy(holder)).map((r) => d.get(r.pool, r.key)))).filter((r): r is Reservation => !!r));
}

/**
 * Branch names that exist locally or on the remote. Holders are branch names, so a holder is alive
 * while its branch is in this set. Without an answer from the configured remote, gc must not guess
 * (a branch pushed from another machine would look dead): that is an error.
 */
export async function liveBranches(repo: string, remote: string | null, opts: { timeoutMs?: number | undefined; lastFetchedFrom?: string } = {}): Promise<Set<string>> {
  const names = new Set<string>();
  // `lastFetchedFrom`: that remote's branches as this repository last fetched them count too (offline).
  const tracking = opts.lastFetchedFrom ? `refs/remotes/${opts.lastFetchedFrom}/` : null;
  const prefixes = ['refs/heads/', ...(tracking ? [tracking] : [])];
  const known = (await gitOk(repo, ['for-each-ref', '--format=%(refname)', ...prefixes])).toString('utf8');
  for (const l of known.split('\n')) {
    const p = prefixes.find((x) => l.startsWith(x));
    // The remote's HEAD is a pointer to one of its branches, not a branch of its own.
    if (p && !(p === tracking && l === `${p}HEAD`)) names.add(l.slice(p.length));
  }
  if (remote) {
    const r = await gitRaw(repo, ['ls-remote', '--heads', remote], { timeoutMs: opts.timeoutMs ?? 30_000 });
    if (r.code !== 0) {
      throw new GitError(`cannot list the branches of ${remote}: ${r.timedOut ? 'timed out' : r.stderr.trim()}`, {
        hint: 'gc needs the remote to know which requests are still open; retry when it is reachable',
      });
    }
    for (const l of r.stdout.toString('utf8').split('\n')) {
      const ref = l.split('\t')[1];
      if (ref?.startsWith('refs/heads/')) names.add(ref.slice('refs/heads/'.length));
    }
  }
  return names;
}

export interface GcLedgerOptions {
  /** Default one hour: a request reserves before its branch exists. */
  graceMs?: number;
  inFlight?: ReadonlySet<string>;
}

/** Release reservations whose branch exists neither here nor on the remote, past the grace period. */
export async function gcReservations(opts: LedgerOptions, gc: GcLedgerOptions = {}): Promise<LedgerOutcome<GcResult>> {
  const { root, commonDir } = await repoPaths(opts.repo);
  const remote = await sharedRemote(root, opts.remote);
  const live = await liveBranches(root, remote, { timeoutMs: opts.networkTimeoutMs });
  return updateLedger({ ...opts, remote }, (draft, now) =>
    collectGarbage(draft, { isAlive: (h) => live.has(h), now, graceMs: gc.graceMs ?? 3_600_000, isDead: (p) => diedIn(p, commonDir), ...(gc.inFlight ? { inFlight: gc.inFlight } : {}) }),
  );
}
