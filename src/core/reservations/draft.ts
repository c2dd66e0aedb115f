import { ValidationError } from '../errors.js';
import {
  formatHolderFile,
  formatKeyShard,
  formatResourceShard,
  holderPath,
  keyShardPath,
  parseHolderFile,
  parseKeyShard,
  parseResourceShard,
  refKey,
  resourceShardPath,
  retiredPath,
  seenPath,
} from './layout.js';
import type { LedgerOp, Reservation, ReservationRef, UsedResources } from './model.js';
import {
  childIndex,
  formatOverlapShard,
  levelOf,
  nodeId,
  nodeKey,
  nodeRange,
  overlapShardPath,
  parseOverlapShard,
  spanOf,
  type OverlapEntry,
  type OverlapNode,
  type Span,
} from './overlap.js';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Read access to one version of the ledger's tree, supplied by the git adapter (or a Map in tests). */
export interface ShardSource {
  /** The text of the file at `path`, or undefined when there is none. */
  read(path: string): Promise<string | undefined>;
  /** Every file path below `dir`, sorted. Costs one read per tree: used by gc only. */
  list(dir: string): Promise<string[]>;
}

/**
 * A ledger version being edited: shards are read on first use, changed in memory, and handed back
 * as file edits (`edits()`) for the adapter to commit. Every change is also recorded as a LedgerOp.
 */
export class LedgerDraft {
  private readonly keys = new Map<string, Map<string, Reservation>>();
  private readonly resources = new Map<string, Map<string, string>>();
  private readonly holders = new Map<string, Set<string>>();
  private readonly overlaps = new Map<string, Map<string, OverlapNode>>();
  private readonly seen = new Map<string, string>();
  private readonly dirty = new Set<string>();
  readonly log: LedgerOp[] = [];

  constructor(readonly source: ShardSource) {}

  private async keyShard(path: string): Promise<Map<string, Reservation>> {
    let m = this.keys.get(path);
    if (!m) this.keys.set(path, (m = parseKeyShard(await this.source.read(path))));
    return m;
  }

  private async resourceShard(path: string): Promise<Map<string, string>> {
    let m = this.resources.get(path);
    if (!m) this.resources.set(path, (m = parseResourceShard(await this.source.read(path))));
    return m;
  }

  private async holderFile(path: string): Promise<Set<string>> {
    let m = this.holders.get(path);
    if (!m) this.holders.set(path, (m = parseHolderFile(await this.source.read(path))));
    return m;
  }

  private async overlapShard(path: string): Promise<Map<string, OverlapNode>> {
    let m = this.overlaps.get(path);
    if (!m) this.overlaps.set(path, (m = parseOverlapShard(await this.source.read(path))));
    return m;
  }

  /** A node of a space's overlap trie (an empty one when it holds nothing), and its shard's path. */
  private async node(space: string, family: Span['family'], level: number, value: bigint): Promise<{ node: OverlapNode; path: string; key: string }> {
    const id = nodeId(family, level, value);
    const path = overlapShardPath(space, id);
    const shard = await this.overlapShard(path);
    const key = nodeKey(space, id);
    let node = shard.get(key);
    if (!node) shard.set(key, (node = { entries: new Map(), below: new Map() }));
    return { node, path, key };
  }

  /**
   * A held resource of `space` that overlaps `resource` (contains it, lies inside it, or is it),
   * other than the reservation `except` (a refKey) names. Reads one path of the trie.
   */
  async overlapping(space: string, resource: string, except?: string): Promise<OverlapEntry | undefined> {
    const s = spanOf(space, resource);
    if (!s) return undefined;
    const target = levelOf(s);
    const hits = (e: OverlapEntry) => e.start <= s.end && s.start <= e.end && refKey(e.pool, e.key) !== except;
    for (let level = 0; level <= target; level += 8) {
      const { node } = await this.node(space, s.family, level, s.start);
      for (const e of node.entries.values()) if (hits(e)) return e;
      if (level < target) continue;
      // The children of the last node are each inside the span or apart from it.
      const { start, childSize } = nodeRange(s.family, level, s.start);
      for (const [child, count] of [...node.below].sort((a, b) => a[0] - b[0])) {
        const cs = start + BigInt(child) * childSize;
        if (count <= 0 || cs + childSize - 1n < s.start || cs > s.end) continue;
        const found = await this.anyBelow(space, s.family, level + 8, cs, except);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** Some entry in the subtree of the node at `level` covering `value`, other than `except`. */
  private async anyBelow(space: string, family: Span['family'], level: number, value: bigint, except: string | undefined): Promise<OverlapEntry | undefined> {
    const { node } = await this.node(space, family, level, value);
    for (const e of node.entries.values()) if (refKey(e.pool, e.key) !== except) return e;
    const { start, childSize } = nodeRange(family, level, value);
    for (const [child, count] of [...node.below].sort((a, b) => a[0] - b[0])) {
      if (count <= 0) continue;
      const found = await this.anyBelow(space, family, level + 8, start + BigInt(child) * childSize, except);
      if (found) return found;
    }
    return undefined;
  }

  /** Add (+1) or remove (-1) `r` in its space's overlap index; a reservation without a space is not in it. */
  private async index(r: Reservation, delta: 1 | -1): Promise<void> {
    const s = r.space === undefined ? undefined : spanOf(r.space, r.resource);
    if (!s || r.space === undefined) return;
    const target = levelOf(s);
    for (let level = 0; level <= target; level += 8) {
      const { node, path } = await this.node(r.space, s.family, level, s.start);
      this.dirty.add(path);
      if (level < target) {
        const c = childIndex(s.family, level, s.start);
        const n = (node.below.get(c) ?? 0) + delta;
        if (n > 0) node.below.set(c, n);
        else node.below.delete(c);
        continue;
      }
      const k = refKey(r.pool, r.key);
      if (delta > 0) node.entries.set(k, { pool: r.pool, key: r.key, resource: r.resource, start: s.start, end: s.end });
      else node.entries.delete(k);
    }
  }

  async get(pool: string, key: string): Promise<Reservation | undefined> {
    return (await this.keyShard(keyShardPath(pool, key))).get(refKey(pool, key));
  }

  /** The key holding `resource` in `pool`, if any. */
  async keyHolding(pool: string, resource: string): Promise<string | undefined> {
    return (await this.resourceShard(resourceShardPath(pool, resource))).get(refKey(pool, resource));
  }

  /**
   * What is taken in `pool`: resources of the same text, and, given the pool's IP `space`, every
   * resource of that space (in any pool) overlapping the one asked about.
   */
  used(pool: string, space?: string): UsedResources {
    const blocking = async (resource: string): Promise<string | undefined> => {
      if ((await this.keyHolding(pool, resource)) !== undefined) return resource;
      return space === undefined ? undefined : (await this.overlapping(space, resource))?.resource;
    };
    return {
      has: async (resource) => (await blocking(resource)) !== undefined,
      blocking,
      holderOf: async (resource) => {
        const key = await this.keyHolding(pool, resource);
        return key === undefined ? undefined : this.get(pool, key);
      },
      firstFree: async (candidates, batchSize = 256) => {
        let batch: string[] = [];
        const check = async (): Promise<string | undefined> => {
          // Reading the batch's shards at once lets the adapter pipeline them.
          const held = await Promise.all(batch.map((r) => blocking(r)));
          const i = held.findIndex((k) => k === undefined);
          return i < 0 ? undefined : batch[i];
        };
        for (const c of candidates) {
          batch.push(c);
          if (batch.length >= batchSize) {
            const hit = await check();
            if (hit !== undefined) return hit;
            batch = [];
          }
        }
        return batch.length ? check() : undefined;
      },
    };
  }

  /**
   * Whether the ledger knows the request branch `holder`: it holds something, lets go of
   * something, or was adopted (markSeen). A branch svc made through the ledger is known from its
   * first reservation until it is merged.
   */
  async knows(holder: string): Promise<boolean> {
    const [h, x, s] = await Promise.all([this.holderFile(holderPath(holder)), this.holderFile(retiredPath(holder)), this.source.read(seenPath(holder))]);
    return h.size > 0 || x.size > 0 || this.seen.has(seenPath(holder)) || s !== undefined;
  }

  /** Record that the branch `holder`, at commit `tip`, has been reconciled with the ledger. */
  markSeen(holder: string, tip: string): void {
    const path = seenPath(holder);
    this.seen.set(path, `${tip}\n`);
    this.dirty.add(path);
  }

  /** What `holder` holds (not yet permanent), sorted. */
  heldBy(holder: string): Promise<ReservationRef[]> {
    return this.refsIn(holderPath(holder));
  }

  /** What `holder` lets go of once merged (under their retired keys), sorted. */
  retiredBy(holder: string): Promise<ReservationRef[]> {
    return this.refsIn(retiredPath(holder));
  }

  private async refsIn(path: string): Promise<ReservationRef[]> {
    const set = await this.holderFile(path);
    return [...set].sort().map((pk) => {
      const [pool = '', key = ''] = pk.split('\0');
      return { pool, key };
    });
  }

  /**
   * Record `r`, replacing the reservation of the same key. Refused (ValidationError) when the key
   * already holds another resource or another key holds this resource: a ledger never holds a
   * resource twice.
   */
  async put(r: Reservation): Promise<void> {
    const kPath = keyShardPath(r.pool, r.key);
    const rPath = resourceShardPath(r.pool, r.resource);
    const ks = await this.keyShard(kPath);
    const rs = await this.resourceShard(rPath);
    const pk = refKey(r.pool, r.key);
    const prev = ks.get(pk);
    if (prev && prev.resource !== r.resource) {
      throw new ValidationError('reservations/key-conflict', `${r.pool}: key ${r.key} already holds ${prev.resource}, not ${r.resource}`);
    }
    const other = rs.get(refKey(r.pool, r.resource));
    if (other !== undefined && other !== r.key) {
      const o = await this.get(r.pool, other);
      throw new ValidationError('reservations/taken', `${r.pool}: ${r.resource} is already reserved by ${o?.holder ?? '?'} (key ${other})`);
    }
    const over = r.space === undefined ? undefined : await this.overlapping(r.space, r.resource, pk);
    if (over) {
      const o = await this.get(over.pool, over.key);
      throw new ValidationError('reservations/taken', `${r.pool}: ${r.resource} overlaps ${over.resource}, already reserved by ${o?.holder ?? '?'} (pool ${over.pool}, key ${over.key})`);
    }
    if (prev) {
      await this.unhold(prev);
      await this.index(prev, -1);
    }
    await this.index(r, 1);
    ks.set(pk, r);
    rs.set(refKey(r.pool, r.resource), r.key);
    this.dirty.add(kPath).add(rPath);
    // Indexed by who decides its fate next: the request letting go of it, else a holder still in flight.
    const hPath = r.releasedBy !== undefined ? retiredPath(r.releasedBy) : r.state === 'held' ? holderPath(r.holder) : undefined;
    if (hPath) {
      (await this.holderFile(hPath)).add(pk);
      this.dirty.add(hPath);
    }
    this.log.push({ op: 'put', reservation: r });
  }

  /** Remove the reservation of `key` in `pool`; returns it, or undefined when there was none. */
  async drop(pool: string, key: string): Promise<Reservation | undefined> {
    const kPath = keyShardPath(pool, key);
    const ks = await this.keyShard(kPath);
    const prev = ks.get(refKey(pool, key));
    if (!prev) return undefined;
    ks.delete(refKey(pool, key));
    const rPath = resourceShardPath(pool, prev.resource);
    const rs = await this.resourceShard(rPath);
    if (rs.get(refKey(pool, prev.resource)) === key) rs.delete(refKey(pool, prev.resource));
    await this.unhold(prev);
    await this.index(prev, -1);
    this.dirty.add(kPath).add(rPath);
    this.log.push({ op: 'drop', pool, key });
    return prev;
  }

  private async unhold(r: Reservation): Promise<void> {
    for (const hPath of [holderPath(r.holder), ...(r.releasedBy !== undefined ? [retiredPath(r.releasedBy)] : [])]) {
      const hs = await this.holderFile(hPath);
      if (hs.delete(refKey(r.pool, r.key))) this.dirty.add(hPath);
    }
  }

  /** Every reservation, sorted by pool then key. Reads the whole ledger: for audits, not for allocation. */
  async all(): Promise<Reservation[]> {
    const out: Reservation[] = [];
    for (const path of await this.source.list('k')) out.push(...(await this.keyShard(path)).values());
    return out.sort((a, b) => (a.pool === b.pool ? cmp(a.key, b.key) : cmp(a.pool, b.pool)));
  }

  /**
   * Inconsistencies between the indexes: a resource held by two keys, an index entry without its
   * reservation. A ledger written only through put/drop has none; a hand edit or a crash of an old
   * svc might. Reads the whole ledger.
   */
  async audit(): Promise<string[]> {
    const problems: string[] = [];
    const all = await this.all();
    const byResource = new Map<string, Reservation>();
    for (const r of all) {
      const rk = refKey(r.pool, r.resource);
      const other = byResource.get(rk);
      if (other) problems.push(`${r.pool}: ${r.resource} is held twice, by ${other.holder} (key ${other.key}) and ${r.holder} (key ${r.key})`);
      else byResource.set(rk, r);
      if ((await this.keyHolding(r.pool, r.resource)) !== r.key) problems.push(`${r.pool}: ${r.resource} (key ${r.key}) is missing from the resource index`);
    }
    for (const path of await this.source.list('r')) {
      for (const [pr, key] of await this.resourceShard(path)) {
        const [pool = '', resource = ''] = pr.split('\0');
        if ((await this.get(pool, key))?.resource !== resource) problems.push(`${pool}: ${resource} is indexed for key ${key}, which does not hold it`);
      }
    }
    return problems.sort();
  }

  /** Changed files: new text, or null for a file that is now empty (deleted). Sorted by path. */
  edits(): Map<string, string | null> {
    const out = new Map<string, string | null>();
    for (const path of [...this.dirty].sort()) {
      const text = path.startsWith('k/')
        ? formatKeyShard(this.keys.get(path)!)
        : path.startsWith('r/')
          ? formatResourceShard(this.resources.get(path)!)
          : path.startsWith('o/')
            ? formatOverlapShard(this.overlaps.get(path)!)
            : path.startsWith('s/')
              ? this.seen.get(path)!
              : formatHolderFile(this.holders.get(path)!);
      out.set(path, text === '' ? null : text);
    }
    return out;
  }
}
