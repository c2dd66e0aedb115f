import { mergeIntervals, subtractIntervals, type Interval } from './intervals.js';
import { familyBits, formatAddress, formatPrefix, parseAddress, parsePrefix, prefixText, type IpFamily } from './ip.js';
import type { CompiledPool } from './model.js';

/**
 * `svc pools show`: where a pool's space goes. An IP pool as a tree (each parent prefix, the used
 * blocks inside it nested by containment, the free space between them as the fewest aligned CIDR
 * blocks); a number pool as its used and free ranges.
 */

/** Something that takes space in a pool, and who: `inventory`, `run <target>`, a ledger holder. */
export interface PoolUse {
  resource: string;
  by: string;
}

export interface TreeNode {
  /** A prefix (`10.0.0.0/29`) or, in an address pool, an address. */
  prefix: string;
  state: 'parent' | 'used' | 'free';
  /** Addresses it covers (a decimal string: IPv6 counts exceed JSON's safe integers). */
  size: string;
  /** Who uses it, sorted; empty for parents and free blocks. */
  by: string[];
  children: TreeNode[];
}

export interface NumberRange {
  start: number;
  end: number;
  state: 'used' | 'free';
  /** Who uses it, for a range of one value (a run of many would list too many to read). */
  by: string[];
}

interface Placed extends Interval {
  text: string;
  by: Set<string>;
  family: IpFamily;
}

/** [start, end] as the fewest aligned CIDR blocks, lowest first. */
export function cidrBlocks(family: IpFamily, start: bigint, end: bigint): { start: bigint; length: number }[] {
  const bits = familyBits(family);
  const out: { start: bigint; length: number }[] = [];
  let at = start;
  while (at <= end) {
    let size = 1n;
    let length = bits;
    // Grow the block while it stays aligned at `at` and inside [at, end].
    while (length > 0 && at % (size * 2n) === 0n && at + size * 2n - 1n <= end) {
      size *= 2n;
      length--;
    }
    out.push({ start: at, length });
    at += size;
  }
  return out;
}

function place(pool: CompiledPool, u: PoolUse): { family: IpFamily; start: bigint; end: bigint; text: string } | undefined {
  if (pool.def.type === 'address') {
    const a = parseAddress(u.resource);
    return a && { family: a.family, start: a.value, end: a.value, text: formatAddress(a.family, a.value) };
  }
  const p = parsePrefix(u.resource);
  return p && { family: p.family, start: p.start, end: p.end, text: prefixText(p) };
}

/** The free blocks of [from, to] that the pool may hand out (an address pool keeps network and broadcast addresses out). */
function free(family: IpFamily, from: bigint, to: bigint, usable: readonly Interval[]): TreeNode[] {
  const out: TreeNode[] = [];
  for (const r of usable) {
    const a = r.start > from ? r.start : from;
    const b = r.end < to ? r.end : to;
    if (a > b) continue;
    for (const blk of cidrBlocks(family, a, b)) out.push({ prefix: formatPrefix(family, blk.start, blk.length), state: 'free', size: (1n << BigInt(familyBits(family) - blk.length)).toString(), by: [], children: [] });
  }
  return out;
}

/** The children of [start, end]: the used blocks in `items` (sorted, inside it), nested, with the free space between. */
function children(family: IpFamily, start: bigint, end: bigint, items: Placed[], usable: readonly Interval[]): TreeNode[] {
  const out: TreeNode[] = [];
  let at = start;
  let i = 0;
  while (i < items.length) {
    const top = items[i]!;
    // Everything inside `top` nests under it.
    let j = i + 1;
    while (j < items.length && items[j]!.end <= top.end) j++;
    out.push(...free(family, at, top.start - 1n, usable));
    out.push({ prefix: top.text, state: 'used', size: (top.end - top.start + 1n).toString(), by: [...top.by].sort(), children: j > i + 1 ? children(family, top.start, top.end, items.slice(i + 1, j), usable).filter((c) => c.state === 'used') : [] });
    at = top.end + 1n;
    i = j;
  }
  out.push(...free(family, at, end, usable));
  return out;
}

/** An IP pool's tree: one root per parent prefix. Uses outside every parent are left out. */
export function prefixTree(pool: CompiledPool, uses: readonly PoolUse[]): TreeNode[] {
  const byText = new Map<string, Placed>();
  for (const u of uses) {
    const p = place(pool, u);
    if (!p) continue;
    // A parent prefix is an inventory object too, but it is the pool, not a use of it.
    if (pool.parents.some((q) => q.family === p.family && q.start === p.start && q.end === p.end)) continue;
    const k = `${p.family}/${p.text}`;
    const had = byText.get(k);
    if (had) had.by.add(u.by);
    else byText.set(k, { ...p, by: new Set([u.by]) });
  }
  // Widest first at one start, so a containing block comes before what it contains.
  const all = [...byText.values()].sort((a, b) => a.family - b.family || (a.start < b.start ? -1 : a.start > b.start ? 1 : 0) || (a.end > b.end ? -1 : a.end < b.end ? 1 : 0));
  return pool.parents.map((q) => ({
    prefix: prefixText(q),
    state: 'parent' as const,
    size: (q.end - q.start + 1n).toString(),
    by: [],
    children: children(q.family, q.start, q.end, all.filter((u) => u.family === q.family && q.start <= u.start && u.end <= q.end), pool.spaces.find((sp) => sp.family === q.family)?.ranges ?? []),
  }));
}

/** A number pool's used and free ranges, in order. */
export function numberRanges(pool: CompiledPool, uses: readonly PoolUse[]): NumberRange[] {
  const space = pool.spaces.find((s) => s.key === 'number');
  if (!space) return [];
  const byValue = new Map<bigint, Set<string>>();
  for (const u of uses) {
    const t = u.resource.trim();
    if (!/^-?\d+$/.test(t)) continue;
    const v = BigInt(t);
    if (!space.ranges.some((r) => r.start <= v && v <= r.end)) continue;
    byValue.set(v, (byValue.get(v) ?? new Set()).add(u.by));
  }
  const used = mergeIntervals([...byValue.keys()].map((v) => ({ start: v, end: v })));
  const out: NumberRange[] = [];
  for (const r of used) {
    const by = r.start === r.end ? [...byValue.get(r.start)!].sort() : [];
    out.push({ start: Number(r.start), end: Number(r.end), state: 'used', by });
  }
  for (const r of subtractIntervals(space.ranges, used)) out.push({ start: Number(r.start), end: Number(r.end), state: 'free', by: [] });
  return out.sort((a, b) => a.start - b.start);
}
