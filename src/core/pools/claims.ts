import { ValidationError } from '../errors.js';
import { sortRecords, type AllocationRecord } from './records.js';

/**
 * Claims: taking one object out of a shared set that is no pool (a free customer port among a
 * switch's interfaces). The generator chooses the candidates and their order; svc guarantees the
 * rest, as for pools: the same key keeps what it holds, no two keys hold one object, and a released
 * claim frees the object. Records are AllocationRecords of type `claim`, `pool` being the kind.
 */
export interface ClaimResult {
  /** The claimed object's id. */
  item: string;
  /** All records, updated: this kind's claims sorted by key, others untouched and first. */
  records: AllocationRecord[];
}

export function claimItem(
  kind: string,
  candidates: readonly string[],
  records: readonly AllocationRecord[],
  key: string,
  opts: { target?: string } = {},
): ClaimResult {
  const isMine = (r: AllocationRecord) => r.type === 'claim' && r.pool === kind;
  const others = records.filter((r) => !isMine(r));
  const claims = records.filter(isMine);
  const current = claims.find((r) => r.key === key);
  if (current && candidates.includes(current.resource)) return { item: current.resource, records: [...others, ...sortRecords(claims)] };

  const rest = claims.filter((r) => r.key !== key);
  const heldBy = new Map(rest.map((r) => [r.resource, r.key]));
  const item = candidates.find((c) => !heldBy.has(c));
  if (item === undefined) {
    const holders = [...new Set(candidates.map((c) => heldBy.get(c)!))].sort();
    const shown = holders.length > 5 ? `${holders.slice(0, 5).join(', ')} and ${holders.length - 5} more` : holders.join(', ');
    throw new ValidationError(
      'claims/exhausted',
      candidates.length === 0
        ? `no ${kind} to claim for ${key}: the generator offered no candidates`
        : `no free ${kind} for ${key}: all ${candidates.length} candidates are claimed (by ${shown})`,
      { hint: 'free one (terminate a service that holds one) or add candidates' },
    );
  }
  const record: AllocationRecord = { pool: kind, key, type: 'claim', resource: item };
  if (opts.target !== undefined) record.target = opts.target;
  return { item, records: [...others, ...sortRecords([...rest, record])] };
}

/** The records without `key`'s claim on `kind`. */
export const releaseClaim = (kind: string, records: readonly AllocationRecord[], key: string): AllocationRecord[] =>
  records.filter((r) => !(r.type === 'claim' && r.pool === kind && r.key === key));
