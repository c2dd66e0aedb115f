import { readLedger } from '../adapters/git/ledger.js';
import { isMerged } from '../adapters/git/read.js';
import { refState } from '../adapters/git/refs.js';
import type { Catalog } from '../core/catalog/catalog.js';
import type { InventoryObject } from '../core/inventory/model.js';
import { repoOf } from './revision-inventory.js';

/**
 * The objects among `objects` that an open request has claimed in the shared ledger (a customer port
 * a request not yet merged took), each with the request's branch. A generator's claim is recorded
 * with the object's kind as pool and its id as resource (src/core/generate/session.ts). Only
 * holders whose branch exists here, unmerged into HEAD, count.
 * Empty when the ledger cannot be read (no repository, no ledger yet).
 */
export async function heldByOpenRequests(catalog: Pick<Catalog, 'root' | 'inventory'>, objects: readonly InventoryObject[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (objects.length === 0) return out;
  let repo: string;
  try {
    repo = repoOf(catalog).repo;
  } catch {
    return out;
  }
  const holders = new Map<string, string>();
  try {
    await readLedger({ repo }, async (draft) => {
      for (const o of objects) {
        const key = await draft.keyHolding(o.kind, o.id);
        if (key === undefined) continue;
        const r = await draft.get(o.kind, key);
        if (r && r.state === 'held') holders.set(o.id, r.holder);
      }
    });
  } catch {
    return out;
  }
  // Each holder once: a branch that is gone, or merged into what is checked out (its claim not
  // settled yet), holds nothing this load could undo.
  const open = new Map<string, boolean>();
  for (const [id, holder] of holders) {
    if (!open.has(holder)) {
      const tip = (await refState(repo, `refs/heads/${holder}`)).value;
      open.set(holder, tip !== null && !(await isMerged(repo, tip, 'HEAD').catch(() => false)));
    }
    if (open.get(holder)) out.set(id, holder);
  }
  return out;
}
