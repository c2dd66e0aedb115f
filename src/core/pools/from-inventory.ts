import { diag, type Diagnostic } from '../diagnostics.js';
import type { InventoryObject, InventoryReader, PeerRef } from '../inventory/model.js';
import type { AddressSource, PoolDefinition } from './model.js';

/**
 * Pools are inventory objects of Infrahub's kinds (see src/core/schema/builtin.ts): CoreNumberPool
 * (start_range, end_range, svc's excluded_values), CoreIPPrefixPool and CoreIPAddressPool (resources:
 * the parent BuiltinIPPrefix objects; default_prefix_length). This turns one into a PoolDefinition.
 */
export const POOL_KINDS: Readonly<Record<string, PoolDefinition['type']>> = {
  CoreNumberPool: 'number',
  CoreIPPrefixPool: 'prefix',
  CoreIPAddressPool: 'address',
};

export interface PoolFromObject {
  pool: PoolDefinition | undefined;
  /** What prevents the definition (missing range, a resource that is not a prefix), all at once. */
  diagnostics: Diagnostic[];
}

const peersOf = (v: PeerRef | PeerRef[] | undefined): PeerRef[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The prefixes an IP pool draws from (none for a number pool). */
export const poolResources = (obj: InventoryObject): PeerRef[] => peersOf(obj.relationships.resources);

/** `undefined` pool and no diagnostics: the object is not a pool. */
export function poolFromObject(obj: InventoryObject, reader: Pick<InventoryReader, 'get'>): PoolFromObject {
  const type = POOL_KINDS[obj.kind];
  if (!type) return { pool: undefined, diagnostics: [] };
  const a = obj.attributes;
  const name = typeof a.name === 'string' ? a.name : obj.id;
  const diagnostics: Diagnostic[] = [];
  const bad = (message: string) => diagnostics.push(diag('error', 'pools/invalid-pool', `pool ${name}: ${message}`, undefined, { subject: obj.id }));
  const optionalNumber = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

  if (type === 'number') {
    if (typeof a.start_range !== 'number' || typeof a.end_range !== 'number') {
      bad('start_range and end_range must be numbers');
      return { pool: undefined, diagnostics };
    }
    const pool: PoolDefinition = { type, id: obj.id, name, start: a.start_range, end: a.end_range };
    if (typeof a.excluded_values === 'string' && a.excluded_values.trim() !== '') pool.excluded = a.excluded_values;
    return { pool, diagnostics };
  }

  const sources: AddressSource[] = [];
  for (const ref of poolResources(obj)) {
    const prefix = reader.get(ref.id);
    const text = prefix?.attributes.prefix;
    if (typeof text !== 'string') bad(`resource ${ref.id} is not an IP prefix in the inventory`);
    else sources.push({ prefix: text, allAddresses: prefix?.attributes.is_pool === true });
  }
  if (diagnostics.length) return { pool: undefined, diagnostics };
  const length = optionalNumber(a.default_prefix_length);
  const pool: PoolDefinition =
    type === 'prefix'
      ? { type, id: obj.id, name, prefixes: sources.map((s) => s.prefix), ...(length !== undefined ? { defaultPrefixLength: length } : {}) }
      : { type, id: obj.id, name, prefixes: sources, ...(length !== undefined ? { defaultPrefixLength: length } : {}) };
  return { pool, diagnostics };
}
