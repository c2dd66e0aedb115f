import { resolveIdentity } from '../adapters/git/objects.js';
import { updateLedger } from '../adapters/git/ledger.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { UsageError, ValidationError } from '../core/errors.js';
import type { InventoryObject } from '../core/inventory/model.js';
import { PoolAllocator } from '../core/pools/allocator.js';
import { POOL_KINDS, poolFromObject } from '../core/pools/from-inventory.js';
import { parseAddress, parsePrefix } from '../core/pools/ip.js';
import type { PoolDefinition } from '../core/pools/model.js';
import { namespaceOf } from '../core/pools/namespace.js';
import { inventoryValues, poolObjects, type PoolSource } from '../core/pools/usage.js';
import type { PoolUse } from '../core/pools/tree.js';
import { RUN_KIND } from '../core/generate/records.js';
import { holdByHand, isManual, releaseByHand } from '../core/reservations/manual.js';
import type { Reservation } from '../core/reservations/model.js';
import { ipSpace } from '../core/reservations/overlap.js';
import { openInventory } from './inventory.js';
import { requireModel } from './model.js';
import { runRecords } from './pools.js';

/** A pool as the manual commands need it: its definition, IP space, and an allocator of what the inventory uses. */
export interface PoolAtHand {
  object: InventoryObject;
  def: PoolDefinition;
  space: string | undefined;
  allocator: PoolAllocator;
  /** What the inventory and generator runs use in it, and who (for `svc pools show`). */
  uses: PoolUse[];
}

/** The pool named `name` (or with that id), read from the inventory with what it already uses. */
export function poolAtHand(catalog: Catalog, name: string): PoolAtHand {
  const { schema } = requireModel(catalog);
  const inv = openInventory(catalog, schema);
  try {
    const src: PoolSource = { get: (id) => inv.get(id), list: (k) => inv.list(k), hasKind: (k) => schema.get(k) !== undefined };
    const all = poolObjects(src);
    const found = all.filter((o) => o.attributes.name === name || o.id === name);
    if (found.length !== 1) {
      const names = all.map((o) => String(o.attributes.name ?? o.id));
      throw new UsageError('pools/unknown-pool', found.length ? `${found.length} pools are named "${name}"` : `no pool named "${name}"`, {
        hint: names.length ? `pools in the inventory: ${names.join(', ')}` : 'load the pools first (svc load)',
      });
    }
    const object = found[0]!;
    const { pool: def, diagnostics } = poolFromObject(object, src);
    if (!def) throw new ValidationError('pools/invalid-pool', diagnostics.map((d) => d.message).join('; ') || `${name} is not a pool`, { diagnostics });
    const records = runRecords(src.hasKind(RUN_KIND) ? inv.list(RUN_KIND) : []).filter((r) => r.pool === def.id && r.type === def.type);
    const nsOf = namespaceOf(src);
    // Records count as plain uses, as in `svc pools`: what a run holds is not free to hold by hand.
    const values = inventoryValues(src, object, def.type, nsOf);
    const allocator = new PoolAllocator(def, [...values, ...records.map((r) => r.resource)], []);
    const uses: PoolUse[] = [...values.map((v) => ({ resource: String(v), by: 'inventory' })), ...records.map((r) => ({ resource: r.resource, by: `run ${r.target ?? r.key}` }))];
    const type = POOL_KINDS[object.kind];
    const space = type === 'prefix' || type === 'address' ? ipSpace(type, nsOf(object)) : undefined;
    return { object, def, space, allocator, uses };
  } finally {
    inv.close();
  }
}

/** `--size /31` or `31`: a prefix length. */
export function parseSize(text: string): number {
  const m = /^\/?(\d{1,3})$/.exec(text.trim());
  if (!m || Number(m[1]) > 128) throw new UsageError('cli/bad-option', `--size ${text} is not a prefix length`, { hint: 'write it as /31 or 31' });
  return Number(m[1]);
}

/** `resource` as the pool writes it; refused when it is not of the pool's kind, not inside it, or not a network address. */
export function canonicalResource(p: PoolAtHand, resource: string): string {
  const canon = p.allocator.canonical(resource);
  const kind = p.def.type === 'number' ? 'a number' : p.def.type === 'prefix' ? 'an IP prefix' : 'an IP address';
  if (canon === undefined) throw new UsageError('pools/bad-resource', `${resource} is not ${kind}, as pool ${p.def.name} holds`);
  if (p.def.type === 'prefix') {
    const a = parseAddress(resource)!;
    if (a.value !== parsePrefix(resource)!.start) throw new UsageError('pools/bad-resource', `${resource} is not a network address`, { hint: `did you mean ${canon}?` });
  }
  if (!p.allocator.accepts(canon, p.def.type === 'prefix' ? { length: parsePrefix(canon)!.length } : {})) {
    throw new ValidationError('pools/outside-pool', `${canon} is outside pool ${p.def.name} (${p.allocator.pool.extent})`);
  }
  return canon;
}

export interface ManualOptions {
  clock: () => Date;
  /** undefined: `origin` when configured; null: local only. */
  remote?: string | null;
}

export interface ManualOutcome {
  pool: string;
  reservation: Reservation;
  /** True when it was already held by hand: nothing changed. */
  existing: boolean;
  shared: boolean;
  offlineReason?: string;
}

/**
 * `svc pools reserve`: hold `resource` (or the next free one, of `size` for a prefix pool) in the
 * shared ledger, by hand, for `why`. What the inventory or a generator run uses is not free; what
 * the ledger holds for anyone, or overlaps in the IP space, neither.
 */
export async function reserveByHand(catalog: Catalog, poolName: string, opts: ManualOptions & { resource?: string; size?: number; why: string }): Promise<ManualOutcome> {
  const p = poolAtHand(catalog, poolName);
  if (opts.size !== undefined && p.def.type !== 'prefix') throw new UsageError('cli/bad-option', `--size is for prefix pools; ${p.def.name} is a ${p.def.type} pool`);
  if (opts.size !== undefined && opts.resource !== undefined) throw new UsageError('cli/bad-option', 'give a resource or --size, not both');
  const wanted = opts.resource === undefined ? undefined : canonicalResource(p, opts.resource);
  if (wanted !== undefined && !p.allocator.isFree(wanted)) {
    throw new ValidationError('reservations/taken', `${wanted} in pool ${p.def.name} is already used in the inventory`, { hint: 'pick another, or leave the resource out to take the next free one' });
  }
  const who = await resolveIdentity(catalog.root);
  const out = await updateLedger({ repo: catalog.root, clock: opts.clock, ...(opts.remote !== undefined ? { remote: opts.remote } : {}) }, async (draft, now) => {
    // The allocator is rebuilt per attempt: what it excluded came from a ledger that lost a race.
    const allocator = wanted === undefined ? poolAtHand(catalog, poolName).allocator : p.allocator;
    const holderKey = wanted === undefined ? undefined : await draft.keyHolding(p.def.id, wanted);
    const holder = holderKey === undefined ? undefined : await draft.get(p.def.id, holderKey);
    if (holder && !isManual(holder)) {
      throw new ValidationError('reservations/taken', `${wanted} in pool ${p.def.name} is already reserved by ${holder.holder}`, { hint: 'pick another, or leave the resource out to take the next free one' });
    }
    return holdByHand(draft, { pool: p.def.id, ...(p.space !== undefined ? { space: p.space } : {}), who: `${who.name} <${who.email}>`, why: opts.why }, async (used) => {
      if (wanted !== undefined) {
        const blocking = await used.blocking(wanted);
        // Held by hand already under its own key: the idempotent repeat holdByHand answers.
        if (blocking === undefined || blocking === wanted) return wanted;
        throw new ValidationError('reservations/taken', `${wanted} overlaps ${blocking}, already reserved in the ledger`, { hint: 'see `svc pools show` for what is free' });
      }
      const request = opts.size !== undefined ? { length: opts.size } : {};
      for (;;) {
        let r: string;
        try {
          r = allocator.allocate('manual', request);
        } catch (e) {
          if (e instanceof ValidationError && e.code === 'pools/exhausted') return undefined;
          throw e;
        }
        const held = await used.blocking(r);
        if (held === undefined) return r;
        allocator.release('manual');
        allocator.exclude(r);
        allocator.exclude(held);
      }
    }, now);
  });
  return { pool: p.def.name, reservation: out.value.reservation, existing: out.value.existing, shared: out.shared, ...(out.offlineReason !== undefined ? { offlineReason: out.offlineReason } : {}) };
}

/** `svc pools release`: free a resource held by hand. */
export async function releaseByHandIn(catalog: Catalog, poolName: string, resource: string, opts: ManualOptions): Promise<ManualOutcome> {
  const p = poolAtHand(catalog, poolName);
  const canon = canonicalResource(p, resource);
  const out = await updateLedger({ repo: catalog.root, clock: opts.clock, ...(opts.remote !== undefined ? { remote: opts.remote } : {}) }, (draft) => releaseByHand(draft, p.def.id, canon, p.def.name));
  return { pool: p.def.name, reservation: out.value, existing: false, shared: out.shared, ...(out.offlineReason !== undefined ? { offlineReason: out.offlineReason } : {}) };
}
