import { SvcError, UsageError, ValidationError } from '../errors.js';
import { HOLDER_ROOT, holderOfPath, originalKey, RETIRED_ROOT, retiredKey } from './layout.js';
import type { LedgerDraft } from './draft.js';
import type { Choose, LedgerOp, Reservation, ReservationConflict, ReservationRef } from './model.js';

export interface ReserveRequest {
  pool: string;
  key: string;
  /** Or the holder of whichever resource is chosen (a request id is its own branch's). */
  holder: string | ((resource: string) => string);
  /** An IP pool's space (ipSpace in ./overlap.ts): the resource must overlap nothing held there. */
  space?: string;
  /** The process making it (Reservation.process). */
  process?: string;
}

export interface ReserveResult {
  reservation: Reservation;
  /** True when the key already had its resource (idempotent repeat): nothing changed. */
  existing: boolean;
}

function checkText(what: string, v: string): void {
  if (!v) throw new UsageError('reservations/bad-request', `a reservation needs a ${what}`);
  if (/[\0]/.test(v)) throw new UsageError('reservations/bad-request', `the ${what} of a reservation cannot contain a NUL character`);
}

/**
 * Take a resource for `req.key`, or hand back the one it already has. `choose` sees what is
 * reserved (held or permanent, by any branch) and picks; it is asked again after a lost race.
 */
export async function reserve(draft: LedgerDraft, req: ReserveRequest, choose: Choose, now: Date): Promise<ReserveResult> {
  checkText('pool', req.pool);
  checkText('key', req.key);
  if (typeof req.holder === 'string') checkText('holder', req.holder);
  const prev = await draft.get(req.pool, req.key);
  if (prev) return { reservation: prev, existing: true };
  const used = draft.used(req.pool, req.space);
  const resource = await choose(used);
  if (resource === undefined) {
    throw new ValidationError('reservations/exhausted', `pool ${req.pool} has no free resource left for ${req.key}`, {
      hint: 'release what abandoned requests hold (`svc pools gc`) or grow the pool',
    });
  }
  checkText('resource', resource);
  const holder = typeof req.holder === 'string' ? req.holder : req.holder(resource);
  checkText('holder', holder);
  if (await used.has(resource)) {
    // The allocator ignored `used`: a bug in it, never something to paper over.
    throw new SvcError('reservations/chose-taken', `the allocator for ${req.pool} chose ${resource}, which is already reserved`);
  }
  const reservation: Reservation = { pool: req.pool, key: req.key, resource, holder, state: 'held', created: now.toISOString(), ...(req.space !== undefined ? { space: req.space } : {}), ...(req.process !== undefined ? { process: req.process } : {}) };
  await draft.put(reservation);
  return { reservation, existing: false };
}

const byRef = (a: ReservationRef, b: ReservationRef): number => (a.pool + '\0' + a.key < b.pool + '\0' + b.key ? -1 : 1);

/** What giving up a request (abandoned, or its branch gone) changed. */
export interface Undone {
  /** What it held, now free. */
  released: Reservation[];
  /** What it was letting go of, back under the key it came from (the request will never land). */
  restored: Reservation[];
}

/** Give up `holder`: free what it still holds (its permanent reservations stay) and restore what it let go of. */
export async function releaseHolder(draft: LedgerDraft, holder: string): Promise<Undone> {
  const released: Reservation[] = [];
  for (const { pool, key } of await draft.heldBy(holder)) {
    const r = await draft.drop(pool, key);
    if (r) released.push(r);
  }
  // Last, so the keys are free again: a modify's new resource held under the same key is gone now.
  const restored = await restoreRetired(draft, await draft.retiredBy(holder));
  return { released, restored };
}

/**
 * A request given up for good (abandoned): releaseHolder, except that what it holds in a pool
 * `keep` names stays taken, for good (a request id: the abandoned tip is kept under that name, so no
 * other request, on any clone, may be given it).
 */
export async function abandonHolder(draft: LedgerDraft, holder: string, keep: (pool: string) => boolean): Promise<Undone & { kept: Reservation[] }> {
  const kept = await makePermanent(draft, (await draft.heldBy(holder)).filter((r) => keep(r.pool)));
  return { ...(await releaseHolder(draft, holder)), kept };
}

/** These reservations, for good (those already permanent are left as they are); the ones made so. */
async function makePermanent(draft: LedgerDraft, refs: readonly ReservationRef[]): Promise<Reservation[]> {
  const out: Reservation[] = [];
  for (const { pool, key } of refs) {
    const r = await draft.get(pool, key);
    if (!r || r.state === 'permanent') continue;
    const p: Reservation = { ...r, state: 'permanent' };
    await draft.put(p);
    out.push(p);
  }
  return out;
}

/** Release named reservations whatever their state (a request that failed gives back what it took). */
export async function releaseKeys(draft: LedgerDraft, refs: readonly ReservationRef[]): Promise<Reservation[]> {
  const out: Reservation[] = [];
  for (const { pool, key } of [...refs].sort(byRef)) {
    const r = await draft.drop(pool, key);
    if (r) out.push(r);
  }
  return out;
}

export interface LetGo {
  /** Reservations `by` itself held and no longer needs: free at once. */
  released: Reservation[];
  /** Reservations of others (the subscription's, permanent) that stay reserved until `by` is merged. */
  retired: Reservation[];
}

/**
 * The request `by` no longer needs these (a terminate, a modify that swaps a resource). What `by`
 * itself reserved and still holds is freed at once; anything else moves to a key of its own,
 * marked as let go of by `by`, and stays reserved until `by` is merged (settleHolder) or given up
 * (releaseHolder): until then the subscription on the default branch still uses it.
 */
export async function letGo(draft: LedgerDraft, refs: readonly ReservationRef[], by: string, now: Date): Promise<LetGo> {
  checkText('holder', by);
  const out: LetGo = { released: [], retired: [] };
  for (const { pool, key } of [...refs].sort(byRef)) {
    const r = await draft.get(pool, key);
    if (!r || r.releasedBy !== undefined) continue;
    await draft.drop(pool, key);
    if (r.state === 'held' && r.holder === by) {
      out.released.push(r);
      continue;
    }
    const retired: Reservation = { ...r, key: retiredKey(key, by), releasedBy: by, created: now.toISOString() };
    await draft.put(retired);
    out.retired.push(retired);
  }
  return out;
}

/**
 * Put reservations being let go of back under the key they came from. One whose key has meanwhile
 * taken another resource stays as it is (still reserved, never freed by mistake) and is not returned.
 */
export async function restoreRetired(draft: LedgerDraft, refs: readonly ReservationRef[]): Promise<Reservation[]> {
  const out: Reservation[] = [];
  for (const { pool, key } of [...refs].sort(byRef)) {
    const r = await draft.get(pool, key);
    if (!r || r.releasedBy === undefined) continue;
    const original = originalKey(r);
    if (await draft.get(pool, original)) continue;
    await draft.drop(pool, key);
    const { releasedBy: _, ...back } = r;
    const restored: Reservation = { ...back, key: original };
    await draft.put(restored);
    out.push(restored);
  }
  return out;
}

/** What a merged request changed in the ledger. */
export interface Settled {
  /** What it held, now permanent. */
  permanent: Reservation[];
  /** What it let go of, now free. */
  freed: Reservation[];
}

/** The holder's request was merged: what it holds becomes permanent, what it let go of is free. */
export async function settleHolder(draft: LedgerDraft, holder: string): Promise<Settled> {
  const out: Settled = { permanent: await makePermanent(draft, await draft.heldBy(holder)), freed: [] };
  for (const { pool, key } of await draft.retiredBy(holder)) {
    const r = await draft.drop(pool, key);
    if (r) out.freed.push(r);
  }
  return out;
}

/** Every request the ledger is waiting on: holders of reservations in flight, and requests letting go of some. */
export async function pendingHolders(draft: LedgerDraft): Promise<{ holding: string[]; lettingGo: string[] }> {
  const names = async (root: string) => [...new Set((await draft.source.list(root)).map(holderOfPath))].sort();
  return { holding: await names(HOLDER_ROOT), lettingGo: await names(RETIRED_ROOT) };
}

export interface GcOptions {
  /** Whether the holder's branch still exists, locally or on the remote. */
  isAlive: (holder: string) => boolean;
  /** Holders of requests being created right now (their branch may not exist yet). */
  inFlight?: ReadonlySet<string>;
  now: Date;
  /** Reservations younger than this are kept even when their branch is missing. */
  graceMs: number;
  /** Whether the process a reservation names is provably dead: then no grace applies (see releaseOrphans). */
  isDead?: (process: string) => boolean;
}

/** Every reservation names a process, and each of those is provably dead. */
const allDead = (rs: readonly Reservation[], isDead: ((p: string) => boolean) | undefined): boolean =>
  isDead !== undefined && rs.length > 0 && rs.every((r) => r.process !== undefined && isDead(r.process));

export interface GcResult {
  released: Reservation[];
  /** Reservations that requests gone for good were letting go of, back under their keys. */
  restored: Reservation[];
  /** Holders whose branch is gone but whose reservations are still inside the grace period. */
  kept: string[];
}

/**
 * Give up requests whose branch no longer exists, past the grace period: release what they held,
 * restore what they were letting go of. (A merged request is settled first, by the caller.)
 */
export async function collectGarbage(draft: LedgerDraft, opts: GcOptions): Promise<GcResult> {
  const out: GcResult = { released: [], restored: [], kept: [] };
  const { holding, lettingGo } = await pendingHolders(draft);
  for (const holder of [...new Set([...holding, ...lettingGo])].sort()) {
    if (opts.inFlight?.has(holder) || opts.isAlive(holder)) continue;
    const refs = [...(await draft.heldBy(holder)), ...(await draft.retiredBy(holder))];
    const rs = (await Promise.all(refs.map((r) => draft.get(r.pool, r.key)))).filter((r): r is Reservation => r !== undefined);
    if (rs.some((r) => opts.now.getTime() - Date.parse(r.created) < opts.graceMs) && !allDead(rs, opts.isDead)) {
      out.kept.push(holder);
      continue;
    }
    const undone = await releaseHolder(draft, holder);
    out.released.push(...undone.released);
    out.restored.push(...undone.restored);
  }
  return out;
}

/**
 * Release at once what requests killed before their branch existed still hold: a holder with no
 * branch (`isAlive` false, not in flight) whose every held reservation names a process that is
 * provably dead (`isDead`: on this host, pid gone or started at another time). A holder on another
 * host, or from an svc that did not record its process, waits for gc's grace period.
 */
export async function releaseOrphans(draft: LedgerDraft, opts: Pick<GcOptions, 'isAlive' | 'inFlight'> & { isDead: (process: string) => boolean }): Promise<Undone & { holders: string[] }> {
  const out: Undone & { holders: string[] } = { released: [], restored: [], holders: [] };
  for (const holder of (await pendingHolders(draft)).holding) {
    if (opts.inFlight?.has(holder) || opts.isAlive(holder)) continue;
    const rs = (await Promise.all((await draft.heldBy(holder)).map((r) => draft.get(r.pool, r.key)))).filter((r): r is Reservation => r !== undefined);
    if (!allDead(rs, opts.isDead)) continue;
    const undone = await releaseHolder(draft, holder);
    out.released.push(...undone.released);
    out.restored.push(...undone.restored);
    out.holders.push(holder);
  }
  return out;
}

/**
 * Re-apply ops recorded on another version of the ledger (offline changes) on top of this one.
 * An op the record now contradicts (the resource went to someone else meanwhile) is skipped and
 * returned as a conflict, so the caller can tell the request it must choose again.
 */
export async function replay(draft: LedgerDraft, ops: readonly LedgerOp[]): Promise<ReservationConflict[]> {
  const conflicts: ReservationConflict[] = [];
  for (const op of ops) {
    if (op.op === 'drop') {
      await draft.drop(op.pool, op.key);
      continue;
    }
    try {
      await draft.put(op.reservation);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const r = op.reservation;
      const existing = (await draft.get(r.pool, r.key)) ?? (await draft.get(r.pool, (await draft.keyHolding(r.pool, r.resource)) ?? ''));
      conflicts.push({ op, message: e.message, existing });
    }
  }
  return conflicts;
}
