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
} from './layout.js';
import type { LedgerOp, Reservation, ReservationRef, UsedResources } from './model.js';

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

  async get(pool: string, key: string): Promise<Reservation | undefined> {
    return (await this.keyShard(keyShardPath(pool, key))).get(refKey(pool, key));
  }

  /** The key holding `resource` in `pool`, if any. */
  async keyHolding(pool: string, resource: string): Promise<string | undefined> {
    return (await this.resourceShard(resourceShardPath(pool, resource))).get(refKey(pool, resource));
  }

  used(pool: string): UsedResources {
    return {
      has: async (resource) => (await this.keyHolding(pool, resource)) !== undefined,
      firstFree: async (candidates, batchSize = 256) => {
        let batch: string[] = [];
        const check = async (): Promise<string | undefined> => {
          // Reading the batch's shards at once lets the adapter pipeline them.
          const held = await Promise.all(batch.map((r) => this.keyHolding(pool, r)));
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
    if (prev) await this.unhold(prev);
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
          : formatHolderFile(this.holders.get(path)!);
      out.set(path, text === '' ? null : text);
    }
    return out;
  }
}
