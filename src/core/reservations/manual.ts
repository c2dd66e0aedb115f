import { ValidationError } from '../errors.js';
import type { LedgerDraft } from './draft.js';
import type { Choose, Reservation } from './model.js';

/**
 * Reservations people make by hand (`svc pools reserve`): a /31 for a link, a VLAN for a lab. They
 * live in the shared ledger like a request's, so requests skip them (same text in the pool, or any
 * overlap in the IP space), but no branch holds them: they are written permanent, which keeps them
 * out of the holder index that gc, settling and abandoning walk. Only `svc pools release` frees one.
 */
export const MANUAL_HOLDER = 'manual:';
const MANUAL_KEY = 'manual:';

/** The holder a hand-made reservation records: who made it. */
export const manualHolder = (who: string): string => `${MANUAL_HOLDER}${who}`;

export const isManual = (r: Pick<Reservation, 'holder'>): boolean => r.holder.startsWith(MANUAL_HOLDER);

/** Who made a hand-made reservation. */
export const manualBy = (r: Pick<Reservation, 'holder'>): string => r.holder.slice(MANUAL_HOLDER.length);

export interface ManualRequest {
  pool: string;
  /** The pool's IP space (ipSpace in ./overlap.ts), for prefix and address pools. */
  space?: string;
  who: string;
  why: string;
}

/**
 * Hold by hand the resource `choose` picks (a named one, or the next free). The key is the resource
 * itself, so asking again for the same resource is an idempotent repeat; a resource anyone else
 * holds, or that overlaps what anyone holds in the space, is refused.
 */
export async function holdByHand(draft: LedgerDraft, req: ManualRequest, choose: Choose, now: Date): Promise<{ reservation: Reservation; existing: boolean }> {
  if (!req.why.trim()) throw new ValidationError('reservations/no-reason', 'a reservation made by hand needs a reason', { hint: 'say why with --for, e.g. --for "lab VLAN for the NOC"' });
  const used = draft.used(req.pool, req.space);
  const resource = await choose(used);
  if (resource === undefined) {
    throw new ValidationError('reservations/exhausted', `pool ${req.pool} has no free resource left`, { hint: 'release what is held by hand (`svc pools release`) or by abandoned requests (`svc pools gc`), or grow the pool' });
  }
  const key = `${MANUAL_KEY}${resource}`;
  const prev = await draft.get(req.pool, key);
  if (prev) return { reservation: prev, existing: true };
  const reservation: Reservation = {
    pool: req.pool,
    key,
    resource,
    holder: manualHolder(req.who),
    state: 'permanent',
    created: now.toISOString(),
    ...(req.space !== undefined ? { space: req.space } : {}),
    note: req.why.trim(),
  };
  await draft.put(reservation);
  return { reservation, existing: false };
}

/** Free what was held by hand; refuses a resource nobody holds or that a request holds. */
export async function releaseByHand(draft: LedgerDraft, pool: string, resource: string, poolName = pool): Promise<Reservation> {
  const key = await draft.keyHolding(pool, resource);
  const r = key === undefined ? undefined : await draft.get(pool, key);
  if (!r) {
    throw new ValidationError('reservations/not-held', `${resource} is not reserved in pool ${poolName}`, { hint: 'see what is held by hand with `svc pools`' });
  }
  if (!isManual(r)) {
    throw new ValidationError('reservations/not-manual', `${resource} in pool ${poolName} is held by ${r.holder}, not by hand`, {
      hint: 'a request\'s reservations go when the request is merged, abandoned (`svc request abandon`) or its branch is gone (`svc pools gc`)',
    });
  }
  await draft.drop(pool, r.key);
  return r;
}
