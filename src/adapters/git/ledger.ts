import { setTimeout as sleep } from 'node:timers/promises';
import { GitError } from '../../core/errors.js';
import { LedgerDraft, type ShardSource } from '../../core/reservations/draft.js';
import type { LedgerOp, ReservationConflict } from '../../core/reservations/model.js';
import { replay } from '../../core/reservations/ops.js';
import { CatFile } from './catfile.js';
import { repoPaths } from './commit.js';
import { encodeCommit, makeObject, objectFormat, resolveIdentity, writeObjects, type GitObject, type Identity, type ObjectFormat } from './objects.js';
import { compareAndSwapRef, fetchRef, pushRef, resolveRef, sharedRemote } from './refs.js';
import { gitOk, gitRaw } from './run.js';
import { RefConflictError } from './errors.js';
import { withLedgerLock } from './ledger-lock.js';
import { editTree, listFiles } from './tree-edit.js';

/**
 * The shared reservation ledger: a commit on a dedicated ref (not a branch, so no checkout, merge
 * or pull request ever touches it) whose tree holds the reservations (layout: core/reservations/
 * layout.ts). Every update is a compare-and-swap on that ref, locally with update-ref and on the
 * remote with a leased push, retried with backoff when another process won the race.
 */
export const LEDGER_REF = 'refs/svc/reservations';
const OP_TRAILER = 'Svc-Ledger-Op: ';

export interface LedgerOptions {
  /** Any folder of the repository. */
  repo: string;
  /** The shared remote; undefined: `origin` when configured; null: local only. */
  remote?: string | null;
  ref?: string;
  clock?: () => Date;
  /** Attempts before giving up under contention (default 60). */
  maxAttempts?: number;
  networkTimeoutMs?: number;
  /** Who signs the commit; a function is asked only when there is one to sign. Default: resolveIdentity. */
  identity?: Identity | (() => Promise<Identity>);
  /**
   * A reader the caller keeps open across several updates (one git process for a whole request;
   * it sees refs and objects written after it started). Default: one per attempt, closed after it.
   */
  reader?: CatFile;
  /**
   * Run the plan on what the update would start from (the shared ledger fetched, this
   * repository's offline changes replayed on it) and write nothing: no object, no ref but the
   * remote-tracking one the fetch refreshes. The outcome's `commit` is that starting point.
   */
  dryRun?: boolean;
  /**
   * The remote's ledger as the caller fetched it a moment ago (its commit; null when the remote has
   * none): the first attempt builds on it instead of fetching again. Stale by then, it costs only
   * a retry: every change reaches the remote by compare-and-swap.
   */
  fetched?: string | null;
}

export interface LedgerOutcome<T> {
  value: T;
  /** True when the result is on the remote; false when it is only in this repository (offline, or no remote). */
  shared: boolean;
  /** Why it is not shared, when it is not and a remote was expected. */
  offlineReason?: string;
  /** The ledger commit after the operation, or null when the ledger is still empty. */
  commit: string | null;
  /**
   * The local ref's value the operation replaced (null: the ref did not exist). Equal to `commit`
   * when nothing changed. Lets a caller undo its own changes while nobody built on them (see
   * LedgerSession in app/shared-reservations.ts).
   */
  replaced: string | null;
  attempts: number;
  /** Offline changes that could not be replayed onto the shared record (the resource went elsewhere). */
  conflicts: ReservationConflict[];
}

export type LedgerPlan<T> = (draft: LedgerDraft, now: Date) => Promise<T>;

function shardSource(cf: CatFile, format: ObjectFormat, tree: string | null): ShardSource {
  return {
    read: async (path) => {
      if (!tree) return undefined;
      const o = await cf.read(`${tree}:${path}`);
      return o?.type === 'blob' ? o.body.toString('utf8') : undefined;
    },
    list: async (dir) => (tree ? listFiles(cf, format, tree, dir) : []),
  };
}

function commitMessage(ops: readonly LedgerOp[]): string {
  const puts = ops.filter((o) => o.op === 'put').length;
  const subject = `svc reservations: ${puts} put, ${ops.length - puts} dropped`;
  return `${subject}\n\n${ops.map((o) => OP_TRAILER + JSON.stringify(o)).join('\n')}\n`;
}

/** The ops recorded by the commits in `from..to`, oldest first. */
async function opsBetween(repo: string, from: string, to: string): Promise<LedgerOp[]> {
  const out = (await gitOk(repo, ['log', '--reverse', '--format=%B', `${from}..${to}`])).toString('utf8');
  return out
    .split('\n')
    .filter((l) => l.startsWith(OP_TRAILER))
    .map((l) => JSON.parse(l.slice(OP_TRAILER.length)) as LedgerOp);
}

async function isAncestor(repo: string, a: string, b: string): Promise<boolean> {
  return (await gitRaw(repo, ['merge-base', '--is-ancestor', a, b])).code === 0;
}

/** The commit `ref` names, read by the batch reader (as `rev-parse --verify <ref>^{commit}` would answer). */
async function tipOf(cf: CatFile, ref: string): Promise<string | null> {
  return (await cf.read(`${ref}^{commit}`))?.id ?? null;
}

async function treeOf(cf: CatFile, commit: string | null): Promise<string | null> {
  if (!commit) return null;
  const o = await cf.read(commit);
  const m = o ? /^tree ([0-9a-f]+)/.exec(o.body.toString('utf8')) : null;
  return m?.[1] ?? null;
}

/**
 * The version of the ledger to build on, and the offline ops of this repository that the shared
 * record lacks (to replay on it): the shared tip when there is one, else the local one.
 */
async function startingPoint(repo: string, local: string | null, shared: string | null): Promise<{ base: string | null; pending: LedgerOp[] }> {
  if (!shared) return { base: local, pending: [] };
  if (!local || local === shared || (await isAncestor(repo, local, shared))) return { base: shared, pending: [] };
  if (await isAncestor(repo, shared, local)) return { base: local, pending: [] };
  return { base: shared, pending: await opsBetween(repo, shared, local) };
}

/** A fetch that failed because another process of this repository updated the same tracking ref: a race, not a network failure. */
const isTrackingRace = (message: string): boolean => /cannot lock ref|unable to update local ref/i.test(message);

const trackingRef = (remote: string, ref: string): string => `refs/svc/remotes/${remote}/${ref.replace(/^refs\/svc\//, '')}`;

/** Wait before the next attempt: exponential with jitter, so racing processes spread out. */
const backoff = (attempt: number): Promise<void> => sleep(Math.min(400, 5 * 2 ** Math.min(attempt, 7)) * (0.5 + Math.random()));

/**
 * Run `plan` against the latest ledger and commit what it changed, as one compare-and-swap.
 * `plan` may run several times (after a lost race): it must only act through the draft.
 */
export async function updateLedger<T>(opts: LedgerOptions, plan: LedgerPlan<T>): Promise<LedgerOutcome<T>> {
  const { root, commonDir } = await repoPaths(opts.repo);
  // A dry run writes nothing, so it needs no turn (./ledger-lock.ts).
  if (opts.dryRun) return attempts(root, opts, plan);
  return withLedgerLock(commonDir, () => attempts(root, opts, plan));
}

async function attempts<T>(repo: string, opts: LedgerOptions, plan: LedgerPlan<T>): Promise<LedgerOutcome<T>> {
  const ref = opts.ref ?? LEDGER_REF;
  const clock = opts.clock ?? (() => new Date());
  const format = await objectFormat(repo);
  let remote = await sharedRemote(repo, opts.remote);
  const wantedRemote = remote;
  let offlineReason: string | undefined;
  let who: Identity | undefined = typeof opts.identity === 'function' ? undefined : opts.identity;
  const max = opts.maxAttempts ?? 60;

  for (let attempt = 1; attempt <= max; attempt++) {
    // One reader reads the ref and everything after it: no rev-parse of its own.
    const cf = opts.reader ?? new CatFile(repo);
    try {
      const local = await tipOf(cf, ref);
      let remoteValue: string | null = null;
      if (remote && attempt === 1 && opts.fetched !== undefined) remoteValue = opts.fetched;
      else if (remote) {
        const f = await fetchRef(repo, remote, ref, trackingRef(remote, ref), { timeoutMs: opts.networkTimeoutMs });
        if (f.status === 'unreachable') {
          if (isTrackingRace(f.message)) {
            await backoff(attempt);
            continue;
          }
          offlineReason = `remote ${remote} unreachable: ${f.message.split('\n')[0]}`;
          remote = null;
        } else if (f.status === 'ok') remoteValue = f.value;
      }

      const { base, pending } = await startingPoint(repo, local, remote ? remoteValue : null);

      const now = clock();
      const baseTree = await treeOf(cf, base);
      const draft = new LedgerDraft(shardSource(cf, format, baseTree));
      const conflicts = await replay(draft, pending);
      const value = await plan(draft, now);
      if (opts.dryRun) return { value, shared: false, ...(wantedRemote && !remote ? { offlineReason } : {}), commit: base, replaced: local, attempts: attempt, conflicts };
      const edits = draft.edits();
      let commit: string | null;
      if (draft.log.length === 0 && pending.length === 0) {
        commit = base;
      } else {
        const objects: GitObject[] = [];
        const bufs = new Map([...edits].map(([p, t]) => [p, t === null ? null : { body: Buffer.from(t, 'utf8') }]));
        const tree = (await editTree(cf, format, baseTree, bufs, objects)) ?? makeObject(format, 'tree', Buffer.alloc(0)).id;
        if (objects.length === 0) objects.push(makeObject(format, 'tree', Buffer.alloc(0)));
        who ??= typeof opts.identity === 'function' ? await opts.identity() : await resolveIdentity(repo);
        const c = makeObject(format, 'commit', encodeCommit(tree, base ? [base] : [], who, now, commitMessage(draft.log)));
        objects.push(c);
        await writeObjects(repo, format, objects);
        commit = c.id;
      }

      if (remote) {
        if (commit !== remoteValue) {
          const p = await pushRef(repo, remote, commit!, ref, remoteValue, { timeoutMs: opts.networkTimeoutMs });
          if (p.status === 'rejected') {
            await backoff(attempt);
            continue;
          }
          if (p.status === 'unreachable') {
            offlineReason = `remote ${remote} unreachable: ${p.message.split('\n')[0]}`;
            remote = null;
            continue;
          }
        }
        await advanceLocal(repo, ref, local, commit);
        return { value, shared: true, commit, replaced: local, attempts: attempt, conflicts };
      }

      if (commit === local) return { value, shared: false, ...(wantedRemote ? { offlineReason } : {}), commit, replaced: local, attempts: attempt, conflicts };
      try {
        await compareAndSwapRef(repo, ref, commit!, local, { reason: 'svc reservations' });
      } catch (e) {
        if (e instanceof RefConflictError) {
          await backoff(attempt);
          continue;
        }
        throw e;
      }
      return { value, shared: false, ...(wantedRemote ? { offlineReason } : {}), commit, replaced: local, attempts: attempt, conflicts };
    } finally {
      if (cf !== opts.reader) cf.close();
    }
  }
  throw new GitError(`the reservation ledger stayed busy: gave up after ${max} attempts`, { hint: `many processes are allocating at once, or a killed git left ${ref}.lock under .git: run the command again, and remove that file if it stays and no svc is running` });
}

/**
 * After a push, bring the local ledger ref up to the shared commit. If another local process moved
 * it meanwhile to something the commit does not contain (an offline change), leave it: the next
 * update replays that change.
 */
async function advanceLocal(repo: string, ref: string, expected: string | null, commit: string | null): Promise<void> {
  if (!commit || commit === expected) return;
  let old = expected;
  for (let i = 0; i < 5; i++) {
    try {
      await compareAndSwapRef(repo, ref, commit, old, { reason: 'svc reservations (shared)' });
      return;
    } catch (e) {
      if (!(e instanceof RefConflictError)) throw e;
      old = e.actual;
      if (old === commit || (old && !(await isAncestor(repo, old, commit)))) return;
    }
  }
}

/**
 * Bring the remote's ledger into its tracking ref (never the local ref, which may hold offline
 * changes): the ref to read it from, or null when the remote has no ledger.
 */
export async function fetchSharedLedger(repo: string, remote: string, opts: { timeoutMs?: number } = {}): Promise<string | null> {
  const tracking = trackingRef(remote, LEDGER_REF);
  const f = await fetchRef(repo, remote, LEDGER_REF, tracking, opts);
  if (f.status === 'unreachable') throw new GitError(`cannot fetch the reservation ledger from ${remote}: ${f.message.split('\n')[0]}`, { hint: 'retry when the remote is reachable' });
  return f.status === 'ok' ? tracking : null;
}

/** Read the ledger without changing it (the local ref: what this repository knows). */
export async function readLedger<T>(opts: Pick<LedgerOptions, 'repo' | 'ref' | 'reader'>, read: (draft: LedgerDraft) => Promise<T>): Promise<T> {
  const open = await openLedger(opts);
  try {
    return await read(open.draft);
  } finally {
    open.close();
  }
}

/**
 * The local ledger as a draft that is never committed: changes made to it stay in memory. `close`
 * ends the git process that reads its shards (unless it is the caller's `reader`).
 */
export function openLedger(opts: Pick<LedgerOptions, 'repo' | 'ref' | 'reader'>): Promise<{ draft: LedgerDraft; close(): void }> {
  return openDraft(opts, null);
}

/**
 * The ledger as the next update would start from it, as a draft that is never committed (a dry
 * run's): the shared ledger fetched (into its remote-tracking ref, the only ref this changes) with
 * this repository's offline changes replayed on it; the local one when there is no remote, or when
 * it cannot be reached. So a preview sees what other clones have reserved.
 */
export async function openLedgerPreview(opts: Pick<LedgerOptions, 'repo' | 'ref' | 'remote' | 'networkTimeoutMs'>): Promise<{ draft: LedgerDraft; close(): void }> {
  const { root: repo } = await repoPaths(opts.repo);
  const ref = opts.ref ?? LEDGER_REF;
  const remote = await sharedRemote(repo, opts.remote);
  let shared: string | null = null;
  if (remote) {
    const tracking = trackingRef(remote, ref);
    const f = await fetchRef(repo, remote, ref, tracking, { timeoutMs: opts.networkTimeoutMs });
    if (f.status === 'ok') shared = f.value;
    // Another process of this repository fetching at the same moment: its answer is as fresh.
    else if (f.status === 'unreachable' && isTrackingRace(f.message)) shared = await resolveRef(repo, tracking);
  }
  return openDraft(opts, shared);
}

/** A draft of the ledger an update would build on, given the shared tip (null: none, the local one). */
async function openDraft(opts: Pick<LedgerOptions, 'repo' | 'ref' | 'reader'>, shared: string | null): Promise<{ draft: LedgerDraft; close(): void }> {
  const { root: repo } = await repoPaths(opts.repo);
  const format = await objectFormat(repo);
  const cf = opts.reader ?? new CatFile(repo);
  const close = () => {
    if (cf !== opts.reader) cf.close();
  };
  try {
    const { base, pending } = await startingPoint(repo, await tipOf(cf, opts.ref ?? LEDGER_REF), shared);
    const draft = new LedgerDraft(shardSource(cf, format, await treeOf(cf, base)));
    await replay(draft, pending);
    return { draft, close };
  } catch (e) {
    close();
    throw e;
  }
}
