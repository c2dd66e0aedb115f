import type { Diagnostic } from '../diagnostics.js';
import type { InventoryObject, InventoryReader } from '../inventory/model.js';
import { PoolAllocator } from './allocator.js';
import { POOL_KINDS, poolFromObject } from './from-inventory.js';
import { checkPool, type PoolType } from './model.js';
import { namespaceOf, type NamespaceOf } from './namespace.js';
import type { AllocationRecord } from './records.js';
import { utilisationJson, type PoolUtilisation, type PoolUtilisationJson } from './utilisation.js';

/**
 * `svc pools`: each pool of the inventory with its fill. Used = the union of what inventory objects
 * already carry inside the pool and what allocation records hold, so a value counted by both (the
 * VLAN object a generator made and its record) counts once.
 */
export interface PoolSource extends Pick<InventoryReader, 'get' | 'list'> {
  /** Whether the schema knows `kind`: a number pool may name a kind this catalog lacks. */
  hasKind(kind: string): boolean;
}

export interface PoolUsage extends PoolUtilisation {
  /** The pool object's kind (CoreNumberPool, …). */
  kind: string;
  /** "1000-1999 excluding 1005", "198.51.100.0/24, 203.0.113.0/24". */
  extent: string;
  /** Allocation records (of generator runs) in this pool. */
  allocations: number;
}

export interface PoolUsageJson extends PoolUtilisationJson {
  kind: string;
  extent: string;
  allocations: number;
}

export const poolUsageJson = (u: PoolUsage): PoolUsageJson => ({ ...utilisationJson(u), kind: u.kind, extent: u.extent, allocations: u.allocations });

/**
 * What inventory objects already use, whoever made them: the values of a number pool's kind, the
 * prefixes or addresses of an IP pool's namespace. `svc pools` and the generate engine count the same.
 */
export function inventoryValues(src: Pick<PoolSource, 'list' | 'hasKind'>, pool: InventoryObject, type: PoolType, nsOf: NamespaceOf = namespaceOf(src)): (string | number)[] {
  const values = (kind: string, attr: string, keep: (o: InventoryObject) => boolean = () => true): (string | number)[] =>
    src.hasKind(kind)
      ? src.list(kind).flatMap((o) => {
          const v = o.attributes[attr];
          return (typeof v === 'string' || typeof v === 'number') && keep(o) ? [v] : [];
        })
      : [];
  if (type === 'number') {
    const { node, node_attribute: attr } = pool.attributes;
    return typeof node === 'string' && typeof attr === 'string' ? values(node, attr) : [];
  }
  const space = nsOf(pool);
  const inSpace = (o: InventoryObject) => nsOf(o) === space;
  return type === 'prefix' ? values('BuiltinIPPrefix', 'prefix', inSpace) : values('BuiltinIPAddress', 'address', inSpace);
}

/** Every pool object of the inventory, sorted by name then id. */
export function poolObjects(src: PoolSource): InventoryObject[] {
  const name = (o: InventoryObject) => (typeof o.attributes.name === 'string' ? o.attributes.name : o.id);
  return Object.keys(POOL_KINDS)
    .filter((k) => src.hasKind(k))
    .flatMap((k) => src.list(k))
    .sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The fill of every pool; a pool that cannot be read (no range, a resource that is not a prefix) comes back as a diagnostic. */
export function poolUsage(src: PoolSource, records: readonly AllocationRecord[]): { pools: PoolUsage[]; diagnostics: Diagnostic[] } {
  const pools: PoolUsage[] = [];
  const diagnostics: Diagnostic[] = [];
  const nsOf = namespaceOf(src);
  for (const obj of poolObjects(src)) {
    const { pool, diagnostics: problems } = poolFromObject(obj, src);
    diagnostics.push(...problems);
    if (!pool) continue;
    const invalid = checkPool(pool);
    if (invalid.length) {
      diagnostics.push(...invalid);
      continue;
    }
    const mine = records.filter((r) => r.pool === pool.id && r.type === pool.type);
    // Records go in as plain uses: a resource held twice must not stop the report (`svc validate` names it).
    const allocator = new PoolAllocator(pool, [...inventoryValues(src, obj, pool.type, nsOf), ...mine.map((r) => r.resource)], []);
    pools.push({ ...allocator.utilisation(), kind: obj.kind, extent: allocator.pool.extent, allocations: mine.length });
  }
  return { pools, diagnostics };
}
