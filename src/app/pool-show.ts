import { LEDGER_REF, readLedger } from '../adapters/git/ledger.js';
import { resolveRef } from '../adapters/git/refs.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { parsePrefix, prefixText } from '../core/pools/ip.js';
import { numberRanges, prefixTree, type NumberRange, type PoolUse, type TreeNode } from '../core/pools/tree.js';
import type { PoolUtilisation } from '../core/pools/utilisation.js';
import { isManual, manualBy } from '../core/reservations/manual.js';
import type { Reservation } from '../core/reservations/model.js';
import { poolAtHand } from './manual-pools.js';

export interface PoolShow {
  name: string;
  id: string;
  type: 'number' | 'prefix' | 'address';
  extent: string;
  /** The inventory's and runs' use (as `svc pools`); what the ledger reserves shows in the tree and ranges. */
  utilisation: PoolUtilisation;
  /** Ledger reservations shown (held by requests, permanent, or by hand). */
  reserved: number;
  /** IP pools: one tree per parent prefix. */
  tree?: TreeNode[];
  /** Number pools: the used and free ranges. */
  ranges?: NumberRange[];
}

/** Who a ledger reservation is, as the tree names it. */
const ledgerBy = (r: Reservation): string =>
  isManual(r) ? `by hand: ${manualBy(r)}${r.note ? ` (${r.note})` : ''}` : `${r.state === 'held' ? 'held by' : 'reserved for'} ${r.holder}`;

/** Whether two IP resources of a space overlap (the ledger's reservations of other pools count where they do). */
function overlaps(a: string, b: string): boolean {
  // An address reads as its containing prefix here; only whether it falls inside the parent matters.
  const x = parsePrefix(a);
  const y = parsePrefix(b);
  return Boolean(x && y && x.family === y.family && x.start <= y.end && y.start <= x.end);
}

/**
 * `svc pools show <pool>`: what takes the pool's space and what is free. Uses: the inventory's values,
 * generator runs' records, and the local ledger's reservations in the pool (and, for an IP pool,
 * those of other pools in the same space that fall inside its parents).
 */
export async function poolShow(catalog: Catalog, name: string): Promise<PoolShow> {
  const p = poolAtHand(catalog, name);
  const uses: PoolUse[] = [...p.uses];
  let reserved = 0;
  if (await resolveRef(catalog.root, LEDGER_REF)) {
    const all = await readLedger({ repo: catalog.root }, (d) => d.all());
    const parents = p.allocator.pool.parents.map(prefixText);
    for (const r of all) {
      const mine = r.pool === p.def.id || r.pool === p.def.name;
      const sameSpace = p.space !== undefined && r.space === p.space && parents.some((q) => overlaps(r.resource, q));
      if (!mine && !sameSpace) continue;
      uses.push({ resource: r.resource, by: ledgerBy(r) });
      reserved++;
    }
  }
  const pool = p.allocator.pool;
  const utilisation = p.allocator.utilisation();
  return {
    name: p.def.name,
    id: p.def.id,
    type: p.def.type,
    extent: pool.extent,
    utilisation,
    reserved,
    ...(p.def.type === 'number' ? { ranges: numberRanges(pool, uses) } : { tree: prefixTree(pool, uses) }),
  };
}
