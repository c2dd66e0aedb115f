import { SvcError, UsageError, ValidationError } from '../errors.js';
import { decodeName, HOLDER_ROOT } from './layout.js';
import type { LedgerDraft } from './draft.js';
import type { Choose, LedgerOp, Reservation, ReservationConflict, ReservationRef } from './model.js';

export interface ReserveRequest {
  pool: string;
  key: string;
  holder: string;
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
  checkText('holder', req.holder);
  const prev = await draft.get(req.pool, req.key);
  if (prev) return { reservation: prev, existing: true };
  const used = draft.used(req.pool);
  const resource = await choose(used);
  if (resource === undefined) {
    throw new ValidationError('reservations/exhausted', `pool ${req.pool} has no free resource left for ${req.key}`, {
      hint: 'release what abandoned requests hold (`svc pools gc`) or grow the pool',
    });
  }
  checkText('resource', resource);
  if (await used.has(resource)) {
    // The allocator ignored `used`: a bug in it, never something to paper over.
    throw new SvcError('reservations/chose-taken', `the allocator for ${req.pool} chose ${resource}, which is already reserved`);
  }
  const reservation: Reservation = { pool: req.pool, key: req.key, resource, holder: req.holder, state: 'held', created: now.toISOString() };
  await draft.put(reservation);
  return { reservation, existing: false };
}

/** Release everything `holder` still holds (its permanent reservations stay). */
export async function releaseHolder(draft: LedgerDraft, holder: string): Promise<Reservation[]> {
  const out: Reservation[] = [];
  for (const { pool, key } of await draft.heldBy(holder)) {
    const r = await draft.drop(pool, key);
    if (r) out.push(r);
  }
  return out;
}

/** Release named reservations whatever their state (a terminated subscription gives its resources back). */
export async function releaseKeys(draft: LedgerDraft, refs: readonly ReservationRef[]): Promise<Reservation[]> {
  const out: Reservation[] = [];
  for (const { pool, key } of [...refs].sort((a, b) => (a.pool + '\0' + a.key < b.pool + '\0' + b.key ? -1 : 1))) {
    const r = await draft.drop(pool, key);
    if (r) out.push(r);
  }
  return out;
}

/** The holder's request was merged: its reservations become permanent and leave the holder's list. */
export async function makePermanent(draft: LedgerDraft, holder: string): Promise<Reservation[]> {
  const out: Reservation[] = [];
  for (const { pool, key } of await draft.heldBy(holder)) {
    const r = await draft.get(pool, key);
    if (!r || r.state === 'permanent') continue;
    const p: Reservation = { ...r, state: 'permanent' };
    await draft.put(p);
    out.push(p);
  }
  return out;
}

export interface GcOptions {
  /** Whether the holder's branch still exists, locally or on the remote. */
  isAlive: (holder: string) => boolean;
  /** Holders of requests being created right now (their branch may not exist yet). */
  inFlight?: ReadonlySet<string>;
  now: Date;
  /** Reservations younger than this are kept even when their branch is missing. */
  graceMs: number;
}

export interface GcResult {
  released: Reservation[];
  /** Holders whose branch is gone but whose reservations are still inside the grace period. */
  kept: string[];
}

/** Release the reservations of branches that no longer exist, past the grace period. */
export async function collectGarbage(draft: LedgerDraft, opts: GcOptions): Promise<GcResult> {
  const released: Reservation[] = [];
  const kept: string[] = [];
  const holders = (await draft.source.list(HOLDER_ROOT)).map((p) => decodeName(p.slice(p.lastIndexOf('/') + 1))).sort();
  for (const holder of holders) {
    if (opts.inFlight?.has(holder) || opts.isAlive(holder)) continue;
    const refs = await draft.heldBy(holder);
    const rs = (await Promise.all(refs.map((r) => draft.get(r.pool, r.key)))).filter((r): r is Reservation => r !== undefined);
    const young = rs.some((r) => opts.now.getTime() - Date.parse(r.created) < opts.graceMs);
    if (young) {
      kept.push(holder);
      continue;
    }
    released.push(...(await releaseHolder(draft, holder)));
  }
  return { released, kept };
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
