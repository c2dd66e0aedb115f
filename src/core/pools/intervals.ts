/**
 * Closed intervals of BigInt integers, the one representation every pool works in: VLAN ids, IPv4 and
 * IPv6 addresses alike. A /64 is one interval, never 2^64 values, so nothing here is proportional to a
 * pool's size.
 */
export interface Interval {
  start: bigint;
  /** Inclusive. */
  end: bigint;
}

export const intervalSize = (i: Interval): bigint => i.end - i.start + 1n;

/** Sorted, overlapping and touching intervals merged. */
export function mergeIntervals(input: readonly Interval[]): Interval[] {
  const sorted = [...input].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end + 1n) {
      if (i.end > last.end) last.end = i.end;
    } else {
      out.push({ start: i.start, end: i.end });
    }
  }
  return out;
}

/** `from` minus every interval of `remove` (both merged or not); the result is merged. */
export function subtractIntervals(from: readonly Interval[], remove: readonly Interval[]): Interval[] {
  const cut = mergeIntervals(remove);
  const out: Interval[] = [];
  for (const base of mergeIntervals(from)) {
    let cur = base.start;
    for (const r of cut) {
      if (r.end < cur || r.start > base.end) continue;
      if (r.start > cur) out.push({ start: cur, end: r.start - 1n });
      cur = r.end + 1n;
      if (cur > base.end) break;
    }
    if (cur <= base.end) out.push({ start: cur, end: base.end });
  }
  return out;
}

/**
 * A mutable set of taken values kept as sorted, disjoint, non-touching intervals. Adding or removing
 * is a binary search plus a splice; contiguous allocations merge into one interval, so a pool filled
 * lowest-first stays a handful of intervals however many values it holds.
 */
export class IntervalSet {
  private readonly items: Interval[];

  constructor(initial: readonly Interval[] = []) {
    this.items = mergeIntervals(initial);
  }

  get intervals(): readonly Interval[] {
    return this.items;
  }

  /** Index of the first interval whose end is >= value (items.length when none). */
  private firstEndingAtOrAfter(value: bigint): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.end < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first taken interval that intersects [start, end], if any. */
  firstOverlap(start: bigint, end: bigint): Interval | undefined {
    const i = this.items[this.firstEndingAtOrAfter(start)];
    return i && i.start <= end ? i : undefined;
  }

  add(start: bigint, end: bigint): void {
    // Touching neighbours merge too: start - 1n finds an interval ending right before.
    const i = this.firstEndingAtOrAfter(start - 1n);
    let s = start;
    let e = end;
    let j = i;
    while (j < this.items.length && this.items[j]!.start <= e + 1n) {
      const it = this.items[j]!;
      if (it.start < s) s = it.start;
      if (it.end > e) e = it.end;
      j++;
    }
    this.items.splice(i, j - i, { start: s, end: e });
  }

  remove(start: bigint, end: bigint): void {
    const i = this.firstEndingAtOrAfter(start);
    let j = i;
    const keep: Interval[] = [];
    while (j < this.items.length && this.items[j]!.start <= end) {
      const it = this.items[j]!;
      if (it.start < start) keep.push({ start: it.start, end: start - 1n });
      if (it.end > end) keep.push({ start: end + 1n, end: it.end });
      j++;
    }
    this.items.splice(i, j - i, ...keep);
  }

  /** How many values of `within` (merged) this set holds. */
  countWithin(within: readonly Interval[]): bigint {
    let n = 0n;
    for (const w of within) {
      for (let k = this.firstEndingAtOrAfter(w.start); k < this.items.length; k++) {
        const it = this.items[k]!;
        if (it.start > w.end) break;
        const s = it.start > w.start ? it.start : w.start;
        const e = it.end < w.end ? it.end : w.end;
        n += e - s + 1n;
      }
    }
    return n;
  }
}

const alignUp = (v: bigint, block: bigint): bigint => {
  const r = v % block;
  return r === 0n ? v : v + (block - r);
};

/**
 * The lowest `block`-aligned run of `block` values inside one of `ranges` (sorted) that touches no
 * taken value. Each step jumps past one taken interval, so the cost follows the taken intervals in
 * the way, not the size of the free space. `taken` is several sets (inventory use, allocation records).
 */
export function firstFreeBlock(ranges: readonly Interval[], taken: readonly IntervalSet[], block: bigint, aligned: boolean, from?: bigint): bigint | undefined {
  for (const r of ranges) {
    // `from`: the caller knows nothing free starts lower.
    const lo = from !== undefined && from > r.start ? from : r.start;
    let c = aligned ? alignUp(lo, block) : lo;
    while (c + block - 1n <= r.end) {
      let past: bigint | undefined;
      for (const set of taken) {
        const hit = set.firstOverlap(c, c + block - 1n);
        if (hit && (past === undefined || hit.end > past)) past = hit.end;
      }
      if (past === undefined) return c;
      c = aligned ? alignUp(past + 1n, block) : past + 1n;
    }
  }
  return undefined;
}
