import { diag, type Diagnostic } from '../diagnostics.js';
import { SvcError } from '../errors.js';
import { RUN_KIND, runFromObject } from '../generate/records.js';
import { hfidOf } from '../inventory/hfid.js';
import type { AttributeValue, InventoryObject, InventoryReader, PeerRef } from '../inventory/model.js';
import { PoolAllocator } from '../pools/allocator.js';
import { poolFromObject } from '../pools/from-inventory.js';
import { inventoryValues } from '../pools/usage.js';
import type { AllocationRecord } from '../pools/records.js';
import type { SchemaSet } from '../schema/model.js';
import { reverseOf, storesRelationship } from './owner.js';
import type { Found } from './resolve.js';
import type { Entry } from './types.js';

/**
 * `<relationship>_from_resource_pool: <pool>` in an object file, as Infrahub reads it: the peer is a
 * new prefix or address allocated from that IP pool (lowest free first), in the pool's namespace.
 * An object that already has the peer keeps it, so loading the same files again allocates nothing.
 * What the inventory uses and what generator runs hold are taken; the load's own allocations are
 * held by the objects it writes (no allocation record: see the README's dialect differences).
 */
export interface PoolWork {
  schema: SchemaSet;
  reader: InventoryReader;
  work: Map<string, InventoryObject>;
  objOf: (e: Entry) => InventoryObject | undefined;
  findPool: (hfid: readonly string[]) => Found;
  create: (obj: InventoryObject) => void;
  newId: (kind: string, hfid: readonly string[]) => string;
  report: (e: Entry, d: Diagnostic) => void;
}

export function allocateFromPools(w: PoolWork, entries: readonly Entry[]): void {
  const records: AllocationRecord[] = w.schema.get(RUN_KIND) ? w.reader.list(RUN_KIND).flatMap((o) => runFromObject(o).allocations) : [];
  const current = (id: string) => w.work.get(id) ?? w.reader.get(id);
  const list = (kind: string) => {
    const out = new Map(w.reader.list(kind).map((o) => [o.id, w.work.get(o.id) ?? o]));
    for (const o of w.work.values()) if (w.schema.isA(o.kind, kind)) out.set(o.id, o);
    return [...out.values()];
  };
  for (const e of entries) {
    const obj = w.objOf(e);
    if (!obj || !e.fromPool) continue;
    for (const [name, spec] of Object.entries(e.fromPool)) {
      const rel = e.schema.relationships.find((r) => r.name === name)!;
      if (name in e.relationships || hasPeer(w, obj, name, list)) continue;
      const fail = (code: string, message: string, hint: string) => w.report(e, diag('error', code, `${name}_from_resource_pool: ${message}`, spec.where, { key: `${name}_from_resource_pool`, hint }));
      const found = w.findPool(spec.pool);
      const poolObj = found && 'entry' in found ? w.objOf(found.entry) : found && 'object' in found ? current(found.object.id) : undefined;
      if (!poolObj) {
        fail('load/unknown-pool', `no resource pool "${spec.pool.join(' / ')}"`, 'name an IP prefix or IP address pool (CoreIPPrefixPool, CoreIPAddressPool) by its name');
        continue;
      }
      const { pool, diagnostics } = poolFromObject(poolObj, { get: current });
      if (!pool || pool.type === 'number') {
        fail('load/unknown-pool', `"${spec.pool.join(' / ')}" ${pool ? 'is a number pool, which gives numbers, not objects' : `cannot be used: ${diagnostics.map((d) => d.message).join('; ')}`}`, 'name an IP prefix or IP address pool');
        continue;
      }
      const kind = String((pool.type === 'address' ? poolObj.attributes.default_address_type : poolObj.attributes.default_prefix_type) ?? rel.peer);
      const kindSchema = w.schema.get(kind);
      if (!kindSchema || kindSchema.isGeneric || !w.schema.isA(kind, rel.peer)) {
        fail('load/wrong-peer-kind', `pool "${poolObj.attributes.name}" makes ${kind} objects, but ${name} takes ${rel.peer}`, `set default_${pool.type}_type on the pool to a kind of ${rel.peer}`);
        continue;
      }
      let resource: string;
      try {
        const used = inventoryValues({ hasKind: (k) => w.schema.get(k) !== undefined, list }, poolObj, pool.type);
        const allocator = new PoolAllocator(pool, used, records);
        resource = allocator.allocate(`load:${obj.id}:${name}`);
        records.splice(0, records.length, ...records.filter((r) => r.pool !== pool.id), ...allocator.records());
      } catch (err) {
        if (!(err instanceof SvcError)) throw err;
        fail(err.code.replace(/^pools\//, 'load/pool-'), err.message, err.hint ?? 'add resources to the pool');
        continue;
      }
      const made: InventoryObject = { id: '', kind, attributes: {}, relationships: {} };
      for (const a of kindSchema.attributes) if (a.default_value !== undefined && a.default_value !== null) made.attributes[a.name] = structuredClone(a.default_value) as AttributeValue;
      made.attributes[pool.type === 'address' ? 'address' : 'prefix'] = resource;
      if (pool.type === 'prefix' && typeof poolObj.attributes.default_member_type === 'string') made.attributes.member_type = poolObj.attributes.default_member_type;
      const ns = poolObj.relationships.ip_namespace as PeerRef | undefined;
      if (ns && !Array.isArray(ns) && kindSchema.relationships.some((r) => r.name === 'ip_namespace')) made.relationships.ip_namespace = ns;
      made.id = w.newId(kind, hfidOf(w.schema, made, { get: current }) ?? [resource]);
      w.create(made);
      link(w, obj, rel.name, made);
    }
  }
}

/** Whether the object already has a peer over `name` (on its side, or pointed at from the other). */
function hasPeer(w: PoolWork, obj: InventoryObject, name: string, list: (kind: string) => InventoryObject[]): boolean {
  if (obj.relationships[name] !== undefined) return true;
  const rel = w.schema.get(obj.kind)?.relationships.find((r) => r.name === name);
  if (!rel || storesRelationship(w.schema, obj.kind, rel)) return false;
  return list(rel.peer).some((o) => {
    const back = reverseOf(w.schema, obj.kind, rel, o.kind);
    const v = back ? o.relationships[back.name] : undefined;
    return Array.isArray(v) ? v.some((p) => p.id === obj.id) : v?.id === obj.id;
  });
}

function link(w: PoolWork, obj: InventoryObject, name: string, peer: InventoryObject): void {
  const rel = w.schema.get(obj.kind)!.relationships.find((r) => r.name === name)!;
  const add = (holder: InventoryObject, relName: string, cardinality: 'one' | 'many', to: InventoryObject) => {
    const ref = { id: to.id, kind: to.kind };
    if (cardinality === 'one') holder.relationships[relName] = ref;
    else {
      const v = holder.relationships[relName];
      holder.relationships[relName] = [...(v === undefined ? [] : Array.isArray(v) ? v : [v]), ref].sort((a, b) => (a.id < b.id ? -1 : 1));
    }
  };
  if (storesRelationship(w.schema, obj.kind, rel)) return add(obj, name, rel.cardinality, peer);
  const back = reverseOf(w.schema, obj.kind, rel, peer.kind);
  if (back) add(peer, back.name, back.cardinality, obj);
}
