import { IntervalSet, mergeIntervals, type Interval } from './intervals.js';
import type { CompiledPool, PoolType, SpaceKey } from './model.js';

/** A pool's fill, for `svc pools` and exhaustion messages. IPv6 sizes exceed 2^53: counts are BigInt. */
export interface PoolUtilisation {
  pool: string;
  name: string;
  type: PoolType;
  /** What the counts count. */
  unit: 'values' | 'addresses';
  size: bigint;
  used: bigint;
  free: bigint;
  /** used / size in percent, rounded down to two decimals (so 100 means truly full). */
  percent: number;
}

/** The JSON form (`--format json`): counts as decimal strings, since JSON numbers lose IPv6 sizes. */
export interface PoolUtilisationJson {
  pool: string;
  name: string;
  type: PoolType;
  unit: 'values' | 'addresses';
  size: string;
  used: string;
  free: string;
  percent: number;
}

export function utilisationOf(
  pool: CompiledPool,
  used: readonly (readonly [SpaceKey, IntervalSet])[],
  held: readonly (readonly [SpaceKey, IntervalSet])[],
): PoolUtilisation {
  let n = 0n;
  for (const s of pool.spaces) {
    const all: Interval[] = [];
    for (const [k, set] of [...used, ...held]) if (k === s.key) all.push(...set.intervals);
    n += new IntervalSet(mergeIntervals(all)).countWithin(s.ranges);
  }
  const size = pool.size;
  const percent = size === 0n ? 100 : Number((n * 10000n) / size) / 100;
  return {
    pool: pool.def.id,
    name: pool.def.name,
    type: pool.def.type,
    unit: pool.def.type === 'number' ? 'values' : 'addresses',
    size,
    used: n,
    free: size - n,
    percent,
  };
}

export const utilisationJson = (u: PoolUtilisation): PoolUtilisationJson => ({
  ...u,
  size: u.size.toString(),
  used: u.used.toString(),
  free: u.free.toString(),
});

/**
 * A count as people read it: exact up to a billion ("1000", "16777216"), then a power of two as
 * "2^64", anything else in three significant digits ("1.84e19"). Deterministic, no locale.
 */
export function formatCount(n: bigint): string {
  if (n < 1_000_000_000n) return n.toString();
  if ((n & (n - 1n)) === 0n) return `2^${n.toString(2).length - 1}`;
  const digits = n.toString();
  const mantissa = `${digits[0]}.${digits.slice(1, 3)}`.replace(/\.?0+$/, '');
  return `${mantissa}e${digits.length - 1}`;
}

export function formatPercent(u: PoolUtilisation): string {
  if (u.used > 0n && u.percent === 0) return '<0.01%';
  return `${u.percent}%`;
}

/** The pieces of a sentence about a pool: "Customer vlan pool (1000-1999, 1000 values)". */
export function describeUtilisation(pool: CompiledPool, u: PoolUtilisation): { head: string; size: string; used: string; unit: string; percent: string } {
  const size = formatCount(u.size);
  return {
    head: `${pool.def.name} (${pool.extent}, ${size} ${u.size === 1n ? (u.unit === 'values' ? 'value' : 'address') : u.unit})`,
    size,
    used: formatCount(u.used),
    unit: u.unit,
    percent: formatPercent(u),
  };
}
