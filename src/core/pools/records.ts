import { diag, type Diagnostic } from '../diagnostics.js';
import { ValidationError } from '../errors.js';
import { parseAddress, parsePrefix } from './ip.js';
import type { PoolType } from './model.js';

/**
 * What svc remembers about an allocation: which key holds which resource in which pool. The inventory
 * stores these (another module owns where); this module fixes their shape, their one serialisation and
 * the check that no resource is held twice.
 */
/** The pools' kinds, plus `claim`: an object taken from a shared set without a pool (./claims.ts). */
export type RecordType = PoolType | 'claim';

export interface AllocationRecord {
  /** Inventory id of the pool; for a claim, the kind of the claimed objects. */
  pool: string;
  /** The allocation's identifier, by convention `<subscription id>:<purpose>`; unique within a pool. */
  key: string;
  type: RecordType;
  /** Canonical text: `1000`, `10.0.0.0/29`, `10.0.0.1/24`, `2001:db8::/64`; for a claim, the object's id. */
  resource: string;
  /** The subscription (generator target) on whose behalf it was made: released with it. */
  target?: string;
}

export const compareRecords = (a: AllocationRecord, b: AllocationRecord): number =>
  (a.pool < b.pool ? -1 : a.pool > b.pool ? 1 : 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export const sortRecords = (records: readonly AllocationRecord[]): AllocationRecord[] => [...records].sort(compareRecords);

/** A record with its fields in one fixed order and nothing else, so equal records serialise equally. */
function canonical(r: AllocationRecord): AllocationRecord {
  const out: AllocationRecord = { pool: r.pool, key: r.key, type: r.type, resource: r.resource };
  if (r.target !== undefined) out.target = r.target;
  return out;
}

/**
 * One JSON array, one record per line, sorted by pool then key: byte-identical for the same set of
 * records whatever order they were made in, and a reviewer's diff shows one line per allocation.
 */
export function serialiseRecords(records: readonly AllocationRecord[]): string {
  const lines = sortRecords(records).map((r) => `  ${JSON.stringify(canonical(r))}`);
  return lines.length ? `[\n${lines.join(',\n')}\n]\n` : '[]\n';
}

const TYPES: readonly string[] = ['number', 'prefix', 'address', 'claim'];

/** The inverse of serialiseRecords; a malformed entry is a ValidationError naming it (`file` for the message). */
export function parseRecords(text: string, file = 'allocation records'): AllocationRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ValidationError('pools/bad-records', `${file}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (!Array.isArray(data)) throw new ValidationError('pools/bad-records', `${file}: expected a JSON array of allocation records`);
  return data.map((item: unknown, i) => {
    const r = item as Partial<Record<keyof AllocationRecord, unknown>>;
    const str = (v: unknown) => typeof v === 'string' && v !== '';
    if (typeof item !== 'object' || item === null || !str(r.pool) || !str(r.key) || !str(r.resource) || !TYPES.includes(r.type as string) || (r.target !== undefined && !str(r.target))) {
      throw new ValidationError('pools/bad-records', `${file}: entry ${i + 1} is not an allocation record`, {
        hint: 'each entry needs pool, key, type (number, prefix, address or claim) and resource, all non-empty strings',
      });
    }
    return canonical(r as AllocationRecord);
  });
}

/** One resource held by someone: an allocation record or an inventory object that carries the value. */
export interface Holding {
  type: RecordType;
  resource: string;
  /** Who holds it, as the message should name it: an allocation key or an object's hfid. */
  holder: string;
  /** Numbers and claims: compared within one pool or kind only (two VLAN pools may share numbers). */
  pool?: string;
  /** Prefixes and addresses: compared within one IP namespace only (the same prefix may live in two). */
  space?: string;
  file?: string;
  line?: number;
  column?: number;
}

export const recordHoldings = (records: readonly AllocationRecord[]): Holding[] =>
  records.map((r) => ({ type: r.type, resource: r.resource, holder: r.key, pool: r.pool }));

interface Span {
  group: string;
  start: bigint;
  end: bigint;
  h: Holding;
}

function span(h: Holding): Span | undefined {
  if (h.type === 'claim') return { group: `claim:${h.pool ?? ''}\u0000${h.resource}`, start: 0n, end: 0n, h };
  if (h.type === 'number') {
    if (!/^-?\d+$/.test(h.resource.trim())) return undefined;
    const v = BigInt(h.resource.trim());
    return { group: `number:${h.pool ?? ''}`, start: v, end: v, h };
  }
  if (h.type === 'address') {
    const a = parseAddress(h.resource);
    return a && { group: `address:v${a.family}:${h.space ?? ''}`, start: a.value, end: a.value, h };
  }
  const p = parsePrefix(h.resource);
  return p && { group: `prefix:v${p.family}:${h.space ?? ''}`, start: p.start, end: p.end, h };
}

/**
 * Every resource held by two holders: the same number in one pool, the same address (whatever its
 * prefix length) in one IP namespace, or prefixes of one namespace that overlap (a /27 over a /29 is two holders of the /29's addresses).
 * An address inside a prefix is not a conflict: a gateway address lives in its customer's prefix.
 * Sorted sweep per group, so the cost is n log n, and the output is sorted.
 */
export function findHeldTwice(holdings: readonly Holding[]): Diagnostic[] {
  const spans = holdings.map(span).filter((s): s is Span => s !== undefined);
  spans.sort((a, b) =>
    (a.group < b.group ? -1 : a.group > b.group ? 1 : 0) ||
    (a.start < b.start ? -1 : a.start > b.start ? 1 : 0) ||
    (a.end > b.end ? -1 : a.end < b.end ? 1 : 0) ||
    (a.h.holder < b.h.holder ? -1 : a.h.holder > b.h.holder ? 1 : 0),
  );
  const out: Diagnostic[] = [];
  let widest: Span | undefined;
  for (const s of spans) {
    if (widest && widest.group === s.group && s.start <= widest.end) {
      const same = widest.h.resource === s.h.resource;
      if (!(same && widest.h.holder === s.h.holder)) {
        const what = s.h.type === 'claim'
          ? `${s.h.pool ?? 'object'} ${s.h.resource}`
          : `${s.h.type} ${s.h.resource}${s.h.type === 'number' && s.h.pool ? ` in pool ${s.h.pool}` : ''}`;
        const message = same || s.h.type !== 'prefix'
          ? `${what} is held twice: by ${widest.h.holder} and by ${s.h.holder}`
          : `${what} held by ${s.h.holder} overlaps ${widest.h.resource} held by ${widest.h.holder}`;
        out.push(diag('error', 'pools/held-twice', message, s.h, {
          hint: 'keep one holder; re-run `svc generate` for the other so it allocates a free resource',
        }));
      }
    }
    if (!widest || widest.group !== s.group || s.end > widest.end) widest = s;
  }
  return out;
}
