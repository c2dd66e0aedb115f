import { LEDGER_REF, openLedgerPreview, readLedger, updateLedger, type LedgerOutcome } from '../adapters/git/ledger.js';
import type { LedgerPrepare, Prepared } from './ledger-adopt.js';
import { processIdentityIn } from '../adapters/process.js';
import type { Identity } from '../adapters/git/objects.js';
import { CatFile } from '../adapters/git/catfile.js';
import { repoPaths } from '../adapters/git/commit.js';
import { RefConflictError } from '../adapters/git/errors.js';
import { mergedRequests } from '../adapters/git/merged.js';
import { compareAndSwapRef, deleteRef, sharedRemote } from '../adapters/git/refs.js';
import { letGoReservations, reserveResource, revertReservations, settleHolders } from '../adapters/git/reservations.js';
import type { Choose, ReservationRef } from '../core/reservations/model.js';
import { letGo, pendingHolders, reserve, settleHolder, type LetGo, type ReserveRequest, type ReserveResult } from '../core/reservations/ops.js';
import type { LedgerDraft } from '../core/reservations/draft.js';
import type { HolderOf, SharedReservations } from '../core/generate/shared.js';

/** What a request does to the shared ledger: for real (LedgerSession), or in memory only (PreviewLedger). */
export interface LedgerChanges {
  /** Why the changes are only local, when they are. */
  readonly offline: string | undefined;
  /** What the first reservation put back of request branches the ledger had never seen (see ledger-adopt.ts). */
  readonly adopted: Prepared | undefined;
  reserve(req: ReserveRequest, choose: Choose): Promise<ReserveResult>;
  letGo(refs: readonly ReservationRef[], by: string): Promise<LetGo>;
  settleMerged(): Promise<string[]>;
  /** Take back what the command changed (it failed). */
  undo(): Promise<unknown>;
  close(): void;
}

/**
 * Every change one command makes to the shared ledger (refs/svc/reservations), so that a command
 * that fails can take them back and leave the repository as it found it.
 *
 * Undoing has two forms. While the changes are this command's alone (none reached the remote, each
 * was built on the one before, and the ref still points at the last), the ref goes back to where it
 * was, by compare-and-swap: no commit, no trace. Otherwise someone may already have seen them (the
 * remote has them, or another process committed on top), and history is not rewritten under
 * anyone: a new ledger commit drops the reservations this command made and puts back under their
 * keys the ones it had begun to let go of.
 */
export class LedgerSession implements LedgerChanges {
  /** The ref's value before this session's first change; undefined while it has made none. */
  private before: string | null | undefined;
  private last: string | null = null;
  /** Whether the changes since `before` are this session's alone and only local. */
  private own = true;
  private readonly made: ReservationRef[] = [];
  /** What this session let go of, under the keys they moved to. */
  private readonly retired: ReservationRef[] = [];
  /** Why a change is only local (no remote, or it could not be reached), when one is. */
  offline: string | undefined;

  /** The shared remote (`origin`, or null for none), asked of git once for the whole session. */
  private remote: Promise<string | null> | undefined;

  constructor(
    private readonly repo: string,
    private readonly clock: () => Date,
    /** Who signs the ledger's commits; default: asked of git at each commit. */
    private readonly committer?: () => Promise<Identity>,
    /** Run in the first reservation's update, on the ledger it builds on (the shared one). */
    private readonly prepare?: LedgerPrepare,
  ) {}

  adopted: Prepared | undefined;

  /** One git process reads the ledger for all of the session's updates (see LedgerOptions.reader). */
  private reader: CatFile | undefined;
  /** After close(), each update starts its own reader again: none is left open to hold the process. */
  private closed = false;

  private async options(): Promise<{ repo: string; clock: () => Date; remote: string | null; identity?: () => Promise<Identity>; reader?: CatFile }> {
    this.remote ??= sharedRemote(this.repo);
    const remote = await this.remote;
    if (!this.closed) this.reader ??= new CatFile((await repoPaths(this.repo)).root);
    return { repo: this.repo, clock: this.clock, remote, ...(this.committer ? { identity: this.committer } : {}), ...(this.reader ? { reader: this.reader } : {}) };
  }

  private track(out: LedgerOutcome<unknown>): void {
    if (!out.shared) this.offline ??= out.offlineReason ?? 'the repository has no remote';
    if (out.commit === out.replaced) return;
    if (out.shared) this.own = false;
    if (this.before === undefined) this.before = out.replaced;
    else if (out.replaced !== this.last) this.own = false;
    this.last = out.commit;
  }

  /** This process in this repository, recorded in each reservation it makes (see releaseOrphans). */
  private identity: Promise<string | undefined> | undefined;

  async reserve(given: ReserveRequest, choose: Choose): Promise<ReserveResult> {
    const identity = await (this.identity ??= repoPaths(this.repo).then((p) => processIdentityIn(p.commonDir)));
    const req: ReserveRequest = identity === undefined ? given : { ...given, process: identity };
    const prepare = this.adopted === undefined ? this.prepare : undefined;
    const out = prepare
      ? await updateLedger(await this.options(), async (draft, now) => {
          // In the same update as the reservation: nothing is chosen before the ledger is whole.
          this.adopted = await prepare(draft, now);
          return reserve(draft, req, choose, now);
        })
      : await reserveResource(await this.options(), req, choose);
    this.adopted ??= { put: [], conflicts: [], orphans: [] };
    this.track(out);
    if (!out.value.existing) this.made.push({ pool: req.pool, key: req.key });
    return out.value;
  }

  /** `by` no longer needs these (see letGo in core/reservations/ops.ts). */
  async letGo(refs: readonly ReservationRef[], by: string): Promise<LetGo> {
    const out = await letGoReservations(await this.options(), refs, by);
    this.track(out);
    this.retired.push(...out.value.retired.map((r) => ({ pool: r.pool, key: r.key })));
    return out.value;
  }

  /**
   * Free what merged requests let go of, so that a terminate's resources serve the next request
   * once it is merged, without waiting for `svc pools gc`. Costs one read of the local ledger and,
   * only when some request is letting go of something, one `git log`.
   */
  async settleMerged(): Promise<string[]> {
    const { reader } = await this.options();
    const { lettingGo } = await readLedger({ repo: this.repo, ...(reader ? { reader } : {}) }, (d) => pendingHolders(d));
    const merged = await mergedRequests(this.repo, lettingGo);
    if (merged.length) this.track(await settleHolders(await this.options(), merged));
    return merged;
  }

  close(): void {
    // Every change is committed as it is made: only the reader stays open.
    this.closed = true;
    this.reader?.close();
    this.reader = undefined;
  }

  /**
   * Take back this session's changes (see the class). Best effort: when even that fails, what it
   * reserved belongs to a branch that never came to exist, and `svc pools gc` reclaims it.
   */
  async undo(): Promise<'none' | 'reset' | 'released' | 'failed'> {
    if (this.before === undefined) return 'none';
    try {
      if (this.own && this.last !== null) {
        try {
          if (this.before === null) await deleteRef(this.repo, LEDGER_REF, this.last);
          else await compareAndSwapRef(this.repo, LEDGER_REF, this.before, this.last, { reason: 'svc reservations: undo a failed command' });
          return 'reset';
        } catch (e) {
          // Another process committed on top meanwhile: its commit stays, ours are released instead.
          if (!(e instanceof RefConflictError)) throw e;
        }
      }
      if (this.made.length || this.retired.length) await revertReservations(await this.options(), this.made, this.retired);
      return 'released';
    } catch {
      return 'failed';
    }
  }
}

/**
 * A dry run's ledger: the ledger a real request would start from (the shared one fetched, this
 * repository's offline changes replayed on it; see openLedgerPreview), changed in memory by the very
 * operations a real request makes, and never written. So the preview picks the resources the
 * request would, unless someone reserves them first.
 */
export class PreviewLedger implements LedgerChanges {
  readonly offline = undefined;
  adopted: Prepared | undefined;
  private opened: ReturnType<typeof openLedgerPreview> | undefined;
  private prepared: Promise<void> | undefined;

  constructor(
    private readonly repo: string,
    private readonly clock: () => Date,
    private readonly prepare?: LedgerPrepare,
  ) {}

  private async draft(): Promise<LedgerDraft> {
    const { draft } = await (this.opened ??= openLedgerPreview({ repo: this.repo }));
    this.prepared ??= (async () => {
      this.adopted = this.prepare ? await this.prepare(draft, this.clock()) : undefined;
    })();
    await this.prepared;
    return draft;
  }

  async reserve(req: ReserveRequest, choose: Choose): Promise<ReserveResult> {
    return reserve(await this.draft(), req, choose, this.clock());
  }

  async letGo(refs: readonly ReservationRef[], by: string): Promise<LetGo> {
    return letGo(await this.draft(), refs, by, this.clock());
  }

  async settleMerged(): Promise<string[]> {
    const draft = await this.draft();
    const merged = await mergedRequests(this.repo, (await pendingHolders(draft)).lettingGo);
    for (const holder of merged) await settleHolder(draft, holder);
    return merged;
  }

  async undo(): Promise<'none'> {
    return 'none';
  }

  close(): void {
    void this.opened?.then((o) => o.close(), () => undefined);
  }
}

/** The shared reservations a request's generators make, held by the request's branch. */
export class LedgerReservations implements SharedReservations {
  constructor(
    private readonly session: LedgerChanges,
    private readonly holder: string,
  ) {}

  async reserve(pool: string, key: string, choose: (blocking: (r: string) => Promise<string | undefined>, holderOf: HolderOf) => Promise<string | undefined>, space?: string): Promise<string> {
    const out = await this.session.reserve({ pool, key, holder: this.holder, ...(space !== undefined ? { space } : {}) }, (used) => choose((r) => used.blocking(r), (r) => used.holderOf(r)));
    return out.reservation.resource;
  }

  async release(pool: string, key: string): Promise<void> {
    await this.session.letGo([{ pool, key }], this.holder);
  }
}
