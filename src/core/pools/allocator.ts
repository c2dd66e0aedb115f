import { UsageError, ValidationError } from '../errors.js';
import { IntervalSet, firstFreeBlock, type Interval } from './intervals.js';
import { familyBits, formatAddress, formatPrefix, parseAddress, parsePrefix, type IpFamily } from './ip.js';
import { compilePool, parentOf, type CompiledPool, type PoolDefinition, type SpaceKey } from './model.js';
import { findHeldTwice, recordHoldings, sortRecords, type AllocationRecord } from './records.js';
import { describeUtilisation, utilisationOf, type PoolUtilisation } from './utilisation.js';

export interface AllocationRequest {
  /** Prefix pools: the length to allocate (else the pool's default prefix length). */
  length?: number;
  /** The subscription the allocation is made for; stored in the record. */
  target?: string;
}

/** A resource as a place in one space: `[start, end]`. */
interface Placed extends Interval {
  space: SpaceKey;
}

/**
 * One pool's allocation state: the pool definition, the resources the inventory already uses (VLAN
 * objects, prefixes, addresses found there) and the allocation records. Built once, then asked many
 * times; each allocation is a gap search over sorted intervals, never a walk over the pool's values.
 *
 * `used`: for number pools the values, for prefix pools the prefixes (the pool's own parents and
 * anything above them are ignored), for address pools the addresses, as inventory objects hold them.
 * Values outside the pool, or not of its kind, are ignored.
 *
 * Taken = used ∪ held. Releasing a key frees its resource only when no inventory object still uses
 * it: the generate engine deletes the holding object and releases its key in the same run.
 */
export class PoolAllocator {
  readonly pool: CompiledPool;
  private readonly used = new Map<SpaceKey, IntervalSet>();
  private readonly held = new Map<SpaceKey, IntervalSet>();
  private readonly byKey = new Map<string, { record: AllocationRecord; placed: Placed | undefined }>();
  /**
   * Per space and block size, an address below which no free block of that size starts (the last
   * one found): the next search starts there instead of stepping again over every taken interval
   * below it, which in a fragmented space made each allocation cost as much as the first. Taking
   * more never invalidates it; freeing lowers it (unheld).
   */
  private readonly noFreeBelow = new Map<string, bigint>();

  constructor(def: PoolDefinition, used: Iterable<string | number>, records: readonly AllocationRecord[]) {
    this.pool = compilePool(def);
    const usedPlaces: Placed[] = [];
    for (const u of used) {
      const p = this.place(String(u));
      // A parent prefix (or one above it) is an inventory object too, but it is the pool, not a use of it.
      if (p && !(def.type === 'prefix' && this.pool.parents.some((q) => p.start <= q.start && q.end <= p.end))) usedPlaces.push(p);
    }
    this.fill(this.used, usedPlaces);

    const mine = records.filter((r) => r.pool === def.id && r.type === def.type);
    const twice = findHeldTwice(recordHoldings(mine));
    const keys = new Set<string>();
    for (const r of sortRecords(mine)) {
      if (keys.has(r.key)) throw new ValidationError('pools/held-twice', `pool ${def.name}: key ${r.key} has two allocation records`);
      keys.add(r.key);
    }
    if (twice.length) {
      throw new ValidationError('pools/held-twice', `pool ${def.name}: ${twice.map((d) => d.message).join('; ')}`, { diagnostics: twice });
    }
    const heldPlaces: Placed[] = [];
    for (const r of mine) {
      const placed = this.place(r.resource);
      this.byKey.set(r.key, { record: r, placed });
      if (placed) heldPlaces.push(placed);
    }
    this.fill(this.held, heldPlaces);
  }

  /** Builds each space's set in one sort rather than by n insertions. */
  private fill(sets: Map<SpaceKey, IntervalSet>, places: readonly Placed[]): void {
    for (const s of this.pool.spaces) sets.set(s.key, new IntervalSet(places.filter((p) => p.space === s.key)));
  }

  /** Where a resource text sits in this pool's spaces; undefined when it is not this pool's kind. */
  private place(resource: string): Placed | undefined {
    if (this.pool.def.type === 'number') {
      const t = resource.trim();
      return /^-?\d+$/.test(t) ? { space: 'number', start: BigInt(t), end: BigInt(t) } : undefined;
    }
    if (this.pool.def.type === 'address') {
      const a = parseAddress(resource);
      return a && { space: a.family === 4 ? 'v4' : 'v6', start: a.value, end: a.value };
    }
    const p = parsePrefix(resource);
    return p && { space: p.family === 4 ? 'v4' : 'v6', start: p.start, end: p.end };
  }

  /** The resource `key` holds, if any. */
  holding(key: string): string | undefined {
    return this.byKey.get(key)?.record.resource;
  }

  /** The record `key` holds, if any. */
  recordOf(key: string): AllocationRecord | undefined {
    return this.byKey.get(key)?.record;
  }

  /** This pool's records, sorted by key. */
  records(): AllocationRecord[] {
    return sortRecords([...this.byKey.values()].map((h) => h.record));
  }

  /**
   * The resource for `key`: the one it already holds when that still fits the pool and the request,
   * else the lowest free one. A held resource that no longer fits (the pool shrank, or a prefix of
   * another length is asked for) is released first, so a changed input swaps the resource.
   */
  allocate(key: string, request: AllocationRequest = {}): string {
    const def = this.pool.def;
    const length = def.type === 'prefix' ? this.prefixLength(request) : undefined;
    const current = this.byKey.get(key);
    if (current) {
      if (this.fits(current.placed, length)) return current.record.resource;
      // Its old resource may be reused by its replacement; put back if nothing fits, so a failure changes nothing.
      this.release(key);
    }
    const found = this.findFree(length);
    if (!found) {
      const error = this.exhausted(length);
      if (current) this.restore(key, current);
      throw error;
    }
    const resource = this.format(found, length);
    this.held.get(found.space)!.add(found.start, found.end);
    const record: AllocationRecord = { pool: def.id, key, type: def.type, resource };
    if (request.target !== undefined) record.target = request.target;
    this.byKey.set(key, { record, placed: found });
    return resource;
  }

  /** `p` was freed: a search for any block size may find it again. */
  private unheld(p: Placed): void {
    for (const [k, v] of this.noFreeBelow) {
      if (!k.startsWith(`${p.space}/`)) continue;
      const block = BigInt(k.slice(k.lastIndexOf('/') + 1));
      const at = p.start - (p.start % block);
      if (at < v) this.noFreeBelow.set(k, at);
    }
  }

  private restore(key: string, h: { record: AllocationRecord; placed: Placed | undefined }): void {
    this.byKey.set(key, h);
    if (h.placed) this.held.get(h.placed.space)?.add(h.placed.start, h.placed.end);
  }

  /**
   * Treat `resource` as used by someone this allocator cannot see (another branch's reservation in
   * the shared ledger): no key gets it from here on.
   */
  exclude(resource: string): void {
    const p = this.place(resource);
    if (p) this.used.get(p.space)?.add(p.start, p.end);
  }

  /** Whether `resource` belongs to this pool and answers `request` (a prefix of the asked length). */
  accepts(resource: string, request: AllocationRequest = {}): boolean {
    const def = this.pool.def;
    return this.fits(this.place(resource), def.type === 'prefix' ? (request.length ?? def.defaultPrefixLength) : undefined);
  }

  /**
   * `resource` as this pool writes it (a number in decimal, a prefix at its network address, an
   * address with the pool's length), or undefined when it is not of the pool's kind.
   */
  canonical(resource: string): string | undefined {
    const p = this.place(resource);
    if (!p) return undefined;
    return this.format(p, this.pool.def.type === 'prefix' ? parsePrefix(resource)?.length : undefined);
  }

  /** Whether nothing the inventory uses or a record holds overlaps `resource` (of this pool's kind). */
  isFree(resource: string): boolean {
    const p = this.place(resource);
    if (!p) return false;
    return !this.used.get(p.space)?.firstOverlap(p.start, p.end) && !this.held.get(p.space)?.firstOverlap(p.start, p.end);
  }

  /** Record that `key` holds `resource` (the shared ledger said so), replacing what it held here. */
  hold(key: string, resource: string, target?: string): void {
    this.release(key);
    const placed = this.place(resource);
    const record: AllocationRecord = { pool: this.pool.def.id, key, type: this.pool.def.type, resource };
    if (target !== undefined) record.target = target;
    this.byKey.set(key, { record, placed });
    if (placed) this.held.get(placed.space)?.add(placed.start, placed.end);
  }

  /** Forget `key`'s allocation; returns the resource it held. Idempotent. */
  release(key: string): string | undefined {
    const h = this.byKey.get(key);
    if (!h) return undefined;
    this.byKey.delete(key);
    if (h.placed) {
      this.held.get(h.placed.space)?.remove(h.placed.start, h.placed.end);
      this.unheld(h.placed);
    }
    return h.record.resource;
  }

  utilisation(): PoolUtilisation {
    return utilisationOf(this.pool, [...this.used.entries()], [...this.held.entries()]);
  }

  private prefixLength(request: AllocationRequest): number {
    const def = this.pool.def;
    const length = request.length ?? (def.type === 'prefix' ? def.defaultPrefixLength : undefined);
    if (length === undefined) {
      throw new UsageError('pools/invalid-request', `pool ${def.name}: say which prefix length to allocate`, {
        hint: 'pass a length, or set the pool\'s default prefix length',
      });
    }
    const fitting = this.pool.parents.filter((p) => Number.isInteger(length) && p.length <= length && length <= familyBits(p.family));
    if (!fitting.length) {
      throw new UsageError('pools/invalid-request', `pool ${def.name}: no parent prefix can hold a /${length} (parents: ${this.pool.extent})`);
    }
    return length;
  }

  private fits(p: Placed | undefined, length: number | undefined): boolean {
    if (!p) return false;
    if (length !== undefined && p.end - p.start + 1n !== 1n << BigInt(familyBits(p.space === 'v4' ? 4 : 6) - length)) return false;
    const space = this.pool.spaces.find((s) => s.key === p.space);
    return space?.ranges.some((r) => r.start <= p.start && p.end <= r.end) ?? false;
  }

  private findFree(length: number | undefined): Placed | undefined {
    for (const s of this.pool.spaces) {
      const taken = [this.used.get(s.key)!, this.held.get(s.key)!];
      if (length === undefined) {
        const v = this.search(s.key, 1n, (from) => firstFreeBlock(s.ranges, taken, 1n, false, from));
        if (v !== undefined) return { space: s.key, start: v, end: v };
        continue;
      }
      const family = s.family!;
      if (length > familyBits(family)) continue;
      const ranges = this.pool.parents.filter((p) => p.family === family && p.length <= length);
      const block = 1n << BigInt(familyBits(family) - length);
      const v = this.search(s.key, block, (from) => firstFreeBlock(ranges, taken, block, true, from));
      if (v !== undefined) return { space: s.key, start: v, end: v + block - 1n };
    }
    return undefined;
  }

  /** A gap search from where the last one of this block size ended. */
  private search(space: SpaceKey, block: bigint, find: (from: bigint | undefined) => bigint | undefined): bigint | undefined {
    const k = `${space}/${block}`;
    const v = find(this.noFreeBelow.get(k));
    if (v !== undefined) this.noFreeBelow.set(k, v);
    return v;
  }

  private format(p: Placed, length: number | undefined): string {
    if (p.space === 'number') return p.start.toString();
    const family: IpFamily = p.space === 'v4' ? 4 : 6;
    if (length !== undefined) return formatPrefix(family, p.start, length);
    const def = this.pool.def;
    const len = (def.type === 'address' ? def.defaultPrefixLength : undefined) ?? parentOf(this.pool, family, p.start, p.end)?.length ?? familyBits(family);
    return `${formatAddress(family, p.start)}/${len}`;
  }

  private exhausted(length: number | undefined): ValidationError {
    const u = this.utilisation();
    const text = describeUtilisation(this.pool, u);
    const message = length === undefined
      ? `${text.head}: all ${text.size} in use`
      : `${text.head}: no free /${length}; ${text.used} of ${text.size} ${text.unit} in use (${text.percent})`;
    return new ValidationError('pools/exhausted', message, {
      hint: 'release allocations (delete or terminate what holds them) or add to the pool',
    });
  }
}

/**
 * One allocation as a pure function: the pool, what is used, the records and a key in; the resource
 * and the updated records out. For many allocations from one pool, build a PoolAllocator once.
 */
export function allocate(
  def: PoolDefinition,
  used: Iterable<string | number>,
  records: readonly AllocationRecord[],
  key: string,
  request: AllocationRequest = {},
): { resource: string; records: AllocationRecord[] } {
  const a = new PoolAllocator(def, used, records);
  const resource = a.allocate(key, request);
  return { resource, records: [...records.filter((r) => r.pool !== def.id), ...a.records()] };
}

/** Release `key` in `def`'s pool: the records without it. */
export function release(def: PoolDefinition, records: readonly AllocationRecord[], key: string): AllocationRecord[] {
  return records.filter((r) => !(r.pool === def.id && r.key === key));
}
