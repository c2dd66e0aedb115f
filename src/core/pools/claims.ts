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
  const book = new ClaimBook(records);
  const item = book.claim(kind, candidates, key, opts);
  const others = records.filter((r) => !(r.type === 'claim' && r.pool === kind));
  return { item, records: [...others, ...book.recordsOf(kind)] };
}

/**
 * Every claim of a generation, indexed both ways (key → record, object → key), so that each claim,
 * lookup and release costs the same with 10 or 100,000 claims held.
 */
export class ClaimBook {
  private readonly kinds = new Map<string, { byKey: Map<string, AllocationRecord>; byItem: Map<string, string> }>();

  constructor(records: readonly AllocationRecord[]) {
    for (const r of records) if (r.type === 'claim') this.put(r);
  }

  private of(kind: string) {
    let k = this.kinds.get(kind);
    if (!k) this.kinds.set(kind, (k = { byKey: new Map(), byItem: new Map() }));
    return k;
  }

  private put(r: AllocationRecord): void {
    const k = this.of(r.pool);
    k.byKey.set(r.key, r);
    k.byItem.set(r.resource, r.key);
  }

  /**
   * The candidate `key` gets: the one it holds when that is still a candidate, else the first one
   * nobody holds (the generator's order decides). Throws, changing nothing, when all are held.
   */
  claim(kind: string, candidates: readonly string[], key: string, opts: { target?: string } = {}): string {
    const k = this.of(kind);
    const current = k.byKey.get(key);
    if (current && candidates.includes(current.resource)) return current.resource;
    const heldByOther = (c: string) => {
      const holder = k.byItem.get(c);
      return holder !== undefined && holder !== key;
    };
    const item = candidates.find((c) => !heldByOther(c));
    if (item === undefined) {
      throw claimExhausted({ kind, identifier: key, candidates: candidates.length, holders: candidates.map((c) => ({ item: c, by: k.byItem.get(c)! })) });
    }
    if (current) this.release(kind, key);
    const record: AllocationRecord = { pool: kind, key, type: 'claim', resource: item };
    if (opts.target !== undefined) record.target = opts.target;
    this.put(record);
    return item;
  }

  release(kind: string, key: string): void {
    const k = this.kinds.get(kind);
    const r = k?.byKey.get(key);
    if (!k || !r) return;
    k.byKey.delete(key);
    if (k.byItem.get(r.resource) === key) k.byItem.delete(r.resource);
  }

  record(kind: string, key: string): AllocationRecord | undefined {
    return this.kinds.get(kind)?.byKey.get(key);
  }

  /** The key claiming `item`, if any. */
  keyHolding(kind: string, item: string): string | undefined {
    return this.kinds.get(kind)?.byItem.get(item);
  }

  isClaimed(kind: string, item: string): boolean {
    return this.kinds.get(kind)?.byItem.has(item) ?? false;
  }

  /** This kind's claims, sorted by key. */
  recordsOf(kind: string): AllocationRecord[] {
    return sortRecords([...(this.kinds.get(kind)?.byKey.values() ?? [])]);
  }
}

/** The records without `key`'s claim on `kind`. */
export const releaseClaim = (kind: string, records: readonly AllocationRecord[], key: string): AllocationRecord[] =>
  records.filter((r) => !(r.type === 'claim' && r.pool === kind && r.key === key));

/** What a claim that found nothing asked for, what there was and who holds it: the error says all three. */
export interface ClaimAsk {
  kind: string;
  /** The claim's identifier (or key), as the message names it. */
  identifier: string;
  /** What the generator offered, in words (e.g. "customer ports at par01"), when it said. */
  among?: string | undefined;
  candidates: number;
  /** The candidates looked at and who holds each (a request branch, a subscription), as shown to users. */
  holders: readonly { item: string; by: string }[];
}

const SHOWN = 5;

export function claimExhausted(ask: ClaimAsk): ValidationError {
  const among = ask.among ? ` among ${ask.among}` : '';
  if (ask.candidates === 0) {
    return new ValidationError('claims/exhausted', `no ${ask.kind} to claim for ${ask.identifier}${among}: the generator found no candidates`, {
      hint: `add ${ask.kind} objects where the generator looks${ask.among ? ` (${ask.among})` : ''}, or ask for another place`,
    });
  }
  const byHolder = new Map<string, string[]>();
  for (const h of ask.holders) byHolder.set(h.by, [...(byHolder.get(h.by) ?? []), h.item]);
  const groups = [...byHolder].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const said = groups.slice(0, SHOWN).map(([by, items]) => `${by} holds ${items.length > 2 ? `${items.slice(0, 2).join(', ')} and ${items.length - 2} more` : items.join(', ')}`);
  if (groups.length > SHOWN) said.push(`${groups.length - SHOWN} more holders`);
  const unseen = ask.candidates - ask.holders.length;
  if (unseen > 0) said.push(`${unseen} more candidate${unseen === 1 ? '' : 's'} not looked up`);
  const n = ask.candidates === 1 ? 'the 1 candidate is' : `all ${ask.candidates} candidates are`;
  return new ValidationError('claims/exhausted', `no free ${ask.kind} for ${ask.identifier}${among}: ${n} held (${said.join('; ')})`, {
    hint: 'a request frees what it holds when abandoned (`svc request abandon <id>`) and a subscription when terminated; or add candidates to the inventory',
  });
}
