import { diag, type Diagnostic } from '../diagnostics.js';
import { ValidationError } from '../errors.js';
import { mergeIntervals, subtractIntervals, type Interval } from './intervals.js';
import { familyBits, parsePrefix, prefixText, type IpFamily, type ParsedPrefix } from './ip.js';

/**
 * Pool definitions, as svc reads them from the inventory's pool objects (Infrahub's CoreNumberPool,
 * CoreIPPrefixPool, CoreIPAddressPool), and their compiled form: the allocatable values as BigInt
 * intervals, one "space" per kind of value so IPv4 and IPv6 never mix.
 */
export type PoolType = 'number' | 'prefix' | 'address';

interface PoolBase {
  /** The pool object's inventory id: allocation records point at it. */
  id: string;
  /** Shown in messages, e.g. "Customer vlan pool". */
  name: string;
}

export interface NumberPoolDefinition extends PoolBase {
  type: 'number';
  /** First value, inclusive. */
  start: number;
  /** Last value, inclusive. */
  end: number;
  /** Values never handed out: "1005, 1010-1020" as Infrahub writes it, or a list of values and [from, to] pairs. */
  excluded?: string | readonly (number | readonly [number, number])[];
}

export interface PrefixPoolDefinition extends PoolBase {
  type: 'prefix';
  /** Parent prefixes (IPv4 and/or IPv6) the pool carves from. */
  prefixes: readonly string[];
  /** Used when an allocation asks for no length. */
  defaultPrefixLength?: number;
}

/** A source prefix of an address pool, with Infrahub's per-prefix `is_pool` flag. */
export interface AddressSource {
  prefix: string;
  /** Every address is usable (Infrahub's `is_pool` on the prefix). */
  allAddresses?: boolean;
}

export interface AddressPoolDefinition extends PoolBase {
  type: 'address';
  /** Prefixes the addresses come from, IPv4 and/or IPv6. */
  prefixes: readonly (string | AddressSource)[];
  /** Length written after an allocated address; the containing prefix's length when absent. */
  defaultPrefixLength?: number;
  /**
   * Every address of every prefix is usable. When false (the default), an IPv4 prefix shorter than
   * /31 keeps its network and broadcast addresses out, as Infrahub does for prefixes that are not
   * marked `is_pool` (its size.py and address allocator); /31 and /32 use both (RFC 3021). IPv6
   * prefixes use every address: IPv6 has no broadcast, and Infrahub counts IPv6 space whole.
   */
  allAddresses?: boolean;
}

export type PoolDefinition = NumberPoolDefinition | PrefixPoolDefinition | AddressPoolDefinition;

/** Where values of one kind live: number pools have one space, IP pools one per family. */
export type SpaceKey = 'number' | 'v4' | 'v6';

export interface CompiledPool {
  def: PoolDefinition;
  /** Allocatable values per space, merged and sorted; spaces in allocation order (IPv4 before IPv6). */
  spaces: { key: SpaceKey; family?: IpFamily; ranges: Interval[] }[];
  /** IP pools: the parent prefixes, sorted by family then address. */
  parents: ParsedPrefix[];
  /** Allocatable values (addresses for IP pools). */
  size: bigint;
  /** The pool's extent as people read it: "1000-1999 excluding 1005" or "10.0.0.0/24, 10.1.0.0/24". */
  extent: string;
}

/** "1005, 1010-1020" → intervals; problems come back as messages. */
export function parseExcluded(spec: NumberPoolDefinition['excluded']): { intervals: Interval[]; problems: string[] } {
  const intervals: Interval[] = [];
  const problems: string[] = [];
  const items: (number | readonly [number, number] | string)[] =
    spec === undefined ? [] : typeof spec === 'string' ? spec.split(',').map((s) => s.trim()).filter((s) => s !== '') : [...spec];
  for (const item of items) {
    if (typeof item === 'number') {
      if (Number.isInteger(item)) intervals.push({ start: BigInt(item), end: BigInt(item) });
      else problems.push(`excluded value ${item} is not a whole number`);
    } else if (typeof item === 'string') {
      const m = /^(-?\d+)\s*(?:-\s*(-?\d+))?$/.exec(item);
      if (!m) problems.push(`excluded value "${item}" is neither a number nor a range like 1010-1020`);
      else intervals.push({ start: BigInt(m[1]!), end: BigInt(m[2] ?? m[1]!) });
    } else if (Number.isInteger(item[0]) && Number.isInteger(item[1]) && item[0] <= item[1]) {
      intervals.push({ start: BigInt(item[0]), end: BigInt(item[1]) });
    } else {
      problems.push(`excluded range [${item[0]}, ${item[1]}] is not an ascending pair of whole numbers`);
    }
  }
  for (const i of intervals) if (i.start > i.end) problems.push(`excluded range ${i.start}-${i.end} runs backwards`);
  return { intervals, problems };
}

const rangeText = (i: Interval): string => (i.start === i.end ? `${i.start}` : `${i.start}-${i.end}`);

/** Every problem with a pool definition, at once. */
export function checkPool(def: PoolDefinition): Diagnostic[] {
  const out: Diagnostic[] = [];
  const bad = (message: string) => out.push(diag('error', 'pools/invalid-pool', `pool ${def.name}: ${message}`, undefined, { subject: def.id }));
  if (def.type === 'number') {
    if (!Number.isSafeInteger(def.start) || !Number.isSafeInteger(def.end)) bad('start and end must be whole numbers');
    else if (def.start > def.end) bad(`start ${def.start} is after end ${def.end}`);
    for (const p of parseExcluded(def.excluded).problems) bad(p);
    return out;
  }
  if (def.prefixes.length === 0) bad('has no prefixes to allocate from');
  for (const p of def.prefixes.map(sourceText)) if (!parsePrefix(p)) bad(`"${p}" is not an IP prefix`);
  const lengthOk = (n: number | undefined) => n === undefined || (Number.isInteger(n) && n >= 0 && n <= 128);
  if (!lengthOk(def.defaultPrefixLength)) bad(`default prefix length ${def.defaultPrefixLength} is not between 0 and 128`);
  return out;
}

/** Lowest first, as people count: IPv4 before IPv6, then by address, then shortest prefix first. */
export const compareParents = (a: ParsedPrefix, b: ParsedPrefix): number =>
  a.family - b.family || (a.start < b.start ? -1 : a.start > b.start ? 1 : 0) || a.length - b.length;

/** The addresses of `p` an address pool may hand out. */
function usableAddresses(p: ParsedPrefix, allAddresses: boolean): Interval {
  // RFC 3021: a /31 (and a /32) has no network or broadcast address to keep free.
  if (p.family === 4 && p.length < 31 && !allAddresses) return { start: p.start + 1n, end: p.end - 1n };
  return { start: p.start, end: p.end };
}

export function compilePool(def: PoolDefinition): CompiledPool {
  const problems = checkPool(def);
  if (problems.length) {
    throw new ValidationError('pools/invalid-pool', problems.map((d) => d.message).join('; '), { diagnostics: problems });
  }
  if (def.type === 'number') {
    const excluded = parseExcluded(def.excluded).intervals;
    const ranges = subtractIntervals([{ start: BigInt(def.start), end: BigInt(def.end) }], excluded);
    const clipped = mergeIntervals(excluded).filter((i) => i.end >= BigInt(def.start) && i.start <= BigInt(def.end));
    const extent = `${def.start}-${def.end}${clipped.length ? ` excluding ${clipped.map(rangeText).join(', ')}` : ''}`;
    return { def, spaces: [{ key: 'number', ranges }], parents: [], size: sum(ranges), extent };
  }
  const sources = def.prefixes.map((s) => ({ p: parsePrefix(sourceText(s))!, all: def.type === 'address' && (def.allAddresses === true || (typeof s !== 'string' && s.allAddresses === true)) }));
  const parents = sources.map((s) => s.p).sort(compareParents);
  const spaces: CompiledPool['spaces'] = [];
  for (const family of [4, 6] as const) {
    const mine = sources.filter((s) => s.p.family === family);
    if (!mine.length) continue;
    const raw = mine.map((s) => (def.type === 'address' ? usableAddresses(s.p, s.all) : { start: s.p.start, end: s.p.end }));
    spaces.push({ key: family === 4 ? 'v4' : 'v6', family, ranges: mergeIntervals(raw.filter((i) => i.start <= i.end)) });
  }
  const size = spaces.reduce((n, s) => n + sum(s.ranges), 0n);
  return { def, spaces, parents, size, extent: parents.map(prefixText).join(', ') };
}

const sourceText = (s: string | AddressSource): string => (typeof s === 'string' ? s : s.prefix);

function sum(ranges: readonly Interval[]): bigint {
  return ranges.reduce((n, r) => n + (r.end - r.start + 1n), 0n);
}

/** The parent prefix of an IP pool that holds `value`, the narrowest when parents nest. */
export function parentOf(pool: CompiledPool, family: IpFamily, start: bigint, end: bigint): ParsedPrefix | undefined {
  let best: ParsedPrefix | undefined;
  for (const p of pool.parents) {
    if (p.family === family && p.start <= start && end <= p.end && (!best || p.length > best.length)) best = p;
  }
  return best;
}

export { familyBits };
