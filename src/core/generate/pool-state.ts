import { UsageError } from '../errors.js';
import type { InventoryObject } from '../inventory/model.js';
import { PoolAllocator } from '../pools/allocator.js';
import { ClaimBook } from '../pools/claims.js';
import { POOL_KINDS, poolFromObject, poolResources } from '../pools/from-inventory.js';
import type { AllocationRecord } from '../pools/records.js';
import { inventoryValues } from '../pools/usage.js';
import { namespaceOf } from '../pools/namespace.js';
import { ipSpace } from '../reservations/overlap.js';
import type { PoolRef } from '../../sdk/index.js';
import type { Overlay } from './overlay.js';

/**
 * Allocation state shared by every target of one generation: one allocator per pool, built on first
 * use from the inventory's values and every run record's allocations, so two targets never get the
 * same resource and each allocation is a gap search, not a scan.
 */
export class PoolState {
  private readonly allocators = new Map<string, PoolAllocator>();
  private readonly claims: ClaimBook;
  private readonly byName = new Map<string, string>();

  constructor(
    private readonly overlay: Overlay,
    /** Every allocation and claim record of every run, as they stood before this generation. */
    private readonly records: readonly AllocationRecord[],
  ) {
    this.claims = new ClaimBook(records);
  }

  pool(ref: PoolRef): InventoryObject {
    if (typeof ref !== 'string') {
      const obj = this.overlay.get(ref.id);
      if (!obj || !POOL_KINDS[obj.kind]) throw new UsageError('pools/unknown-pool', `no pool with id ${ref.id}`);
      return obj;
    }
    // Every allocation names its pool: look each name up once per generation, not per target.
    const known = this.byName.get(ref);
    if (known) return this.overlay.get(known) ?? this.pool({ id: known });
    const kinds = Object.keys(POOL_KINDS).filter((k) => this.overlay.schema.get(k));
    const found = kinds.flatMap((k) => this.overlay.query(k, { name: ref }));
    if (found.length === 1) {
      this.byName.set(ref, found[0]!.id);
      return found[0]!;
    }
    const names = kinds.flatMap((k) => this.overlay.query(k).map((o) => String(o.attributes.name)));
    throw new UsageError('pools/unknown-pool', found.length ? `${found.length} pools are named "${ref}"` : `no pool named "${ref}"`, {
      hint: names.length ? `pools in the inventory: ${names.sort().join(', ')}` : 'load the pools first (svc load), as the bootstrap data does',
    });
  }

  allocator(ref: PoolRef): PoolAllocator {
    const obj = this.pool(ref);
    // What a kept allocation depends on: the pool and its parent prefixes (a remembered run reads them).
    for (const r of poolResources(obj)) this.overlay.get(r.id);
    let a = this.allocators.get(obj.id);
    if (!a) {
      // Built once for every target: what it reads is no one target's input.
      a = this.overlay.untracked(() => {
        const { pool, diagnostics } = poolFromObject(obj, this.overlay);
        if (!pool) throw new UsageError('pools/invalid-pool', diagnostics.map((d) => d.message).join('; ') || `${obj.id} is not a pool`, { diagnostics });
        return new PoolAllocator(pool, this.usedValues(obj, pool.type), this.records);
      });
      this.allocators.set(obj.id, a);
    }
    return a;
  }

  /**
   * Where an IP pool's resources are compared with every other holder's, in the shared ledger:
   * its kind and its IP namespace (undefined for a number pool: numbers are compared by value,
   * within their pool).
   */
  spaceOf(ref: PoolRef): string | undefined {
    const obj = this.pool(ref);
    const type = POOL_KINDS[obj.kind];
    if (type !== 'prefix' && type !== 'address') return undefined;
    const nsOf = this.overlay.untracked(() => namespaceOf({ list: (k) => this.overlay.query(k), hasKind: (k) => this.overlay.schema.get(k) !== undefined }));
    return ipSpace(type, this.overlay.untracked(() => nsOf(obj)));
  }

  /** What the inventory already uses, whoever made it (see inventoryValues). */
  private usedValues(pool: InventoryObject, type: 'number' | 'prefix' | 'address'): (string | number)[] {
    return inventoryValues({ list: (k) => this.overlay.query(k), hasKind: (k) => this.overlay.schema.get(k) !== undefined }, pool, type);
  }

  claim(kind: string, candidates: readonly string[], key: string, target: string): string {
    return this.claims.claim(kind, candidates, key, { target });
  }

  /** The key holding a claim on `id` of `kind`, if any. */
  isClaimed(kind: string, id: string): boolean {
    return this.claims.isClaimed(kind, id);
  }

  /** The key claiming `id` of `kind`, if any. */
  claimKeyOf(kind: string, id: string): string | undefined {
    return this.claims.keyHolding(kind, id);
  }

  claimHolder(kind: string, key: string): string | undefined {
    return this.claims.record(kind, key)?.resource;
  }

  /** Let go of what `target` held and no longer asks for. */
  release(records: readonly AllocationRecord[]): void {
    for (const r of records) {
      if (r.type === 'claim') this.claims.release(r.pool, r.key);
      else this.allocators.get(r.pool)?.release(r.key);
    }
  }

  /** The record a key now holds (after allocate or claim), for the target's run record. */
  recordOf(poolId: string, key: string, type: AllocationRecord['type']): AllocationRecord | undefined {
    if (type === 'claim') return this.claims.record(poolId, key);
    return this.allocators.get(poolId)?.recordOf(key);
  }
}
