import { ValidationError } from '../errors.js';
import type { LedgerDraft } from './draft.js';
import type { Reservation } from './model.js';

/**
 * Request branches the ledger never saw: a catalog's remote made with `git clone --bare` (which
 * carries branches, not refs/svc/reservations), a ledger ref deleted or replaced. Before a request
 * allocates, what those branches hold is put back in the ledger under their names, so nothing they
 * hold is handed out again.
 */
export interface BranchHoldings {
  /** The request branch, `request/<id>`. */
  holder: string;
  tip: string;
  /** What the branch's generator runs hold, beyond what its base held. */
  records: { pool: string; key: string; resource: string; space?: string }[];
  /** A create request's subscription id, as the ledger reserves it. */
  subscriptionId?: { pool: string; resource: string };
}

export interface Adopted {
  /** Reservations put back, held by their branch. */
  put: Reservation[];
  /** What a branch holds that the ledger already gives to someone else (two holders: merge only one). */
  conflicts: string[];
}

/** The branches among `holders` that the ledger does not know (see LedgerDraft.knows). */
export async function unknownHolders(draft: LedgerDraft, holders: readonly string[]): Promise<string[]> {
  const known = await Promise.all(holders.map((h) => draft.knows(h)));
  return holders.filter((_, i) => !known[i]);
}

/**
 * Put what `b` holds into the ledger, held by `b.holder`: each allocation whose key the ledger
 * lacks, and the subscription id. What the ledger already holds under the same key is left alone
 * (the branch got it through the ledger); what it gives to another key is a conflict, reported.
 */
export async function adoptHoldings(draft: LedgerDraft, b: BranchHoldings, now: Date): Promise<Adopted> {
  const out: Adopted = { put: [], conflicts: [] };
  const created = now.toISOString();
  const entries = [...b.records];
  if (b.subscriptionId) {
    const owner = await draft.keyHolding(b.subscriptionId.pool, b.subscriptionId.resource);
    if (owner === undefined) entries.push({ ...b.subscriptionId, key: `adopted:${b.holder}` });
  }
  for (const e of entries) {
    if (await draft.get(e.pool, e.key)) continue;
    const r: Reservation = { pool: e.pool, key: e.key, resource: e.resource, holder: b.holder, state: 'held', created, ...(e.space !== undefined ? { space: e.space } : {}) };
    try {
      await draft.put(r);
      out.put.push(r);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      out.conflicts.push(`${b.holder}: ${err.message}`);
    }
  }
  draft.markSeen(b.holder, b.tip);
  return out;
}
