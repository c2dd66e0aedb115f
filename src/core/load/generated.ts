import type { InventoryObject, InventoryReader } from '../inventory/model.js';
import { RUN_KIND, runFromObject } from '../generate/records.js';

/**
 * What generators own in the inventory, as their run records say (src/core/generate/records.ts): an
 * object a generator created is theirs as a whole; on an object that existed before (a switch port
 * a service took), the fields it patched, whose earlier values its record keeps in `before`.
 * A load that sets such a field puts a bootstrap value over a generator's: the port a customer uses
 * goes back to `free`. It must not happen without being said.
 */
export interface Owner {
  generator: string;
  /** The target's id. */
  target: string;
  /** Undefined: every field (the generator created the object). */
  fields: Set<string> | undefined;
}

export interface OverwrittenField {
  field: string;
  now: unknown;
  loaded: unknown;
  owner: Owner;
}

/** Object id → the runs that produced or patched it. Read only when a load changes existing objects. */
export function generatorOwners(reader: InventoryReader): Map<string, Owner[]> {
  const out = new Map<string, Owner[]>();
  for (const obj of reader.list(RUN_KIND)) {
    const run = runFromObject(obj);
    for (const p of run.produced) {
      const fields = p.generated ? undefined : new Set([...Object.keys(p.before?.attributes ?? {}), ...Object.keys(p.before?.relationships ?? {})]);
      const list = out.get(p.id) ?? [];
      list.push({ generator: run.generator, target: run.target, fields });
      out.set(p.id, list);
    }
  }
  return out;
}

/** The generator-owned fields whose value `after` changes from `before`. */
export function overwrittenFields(before: InventoryObject, after: InventoryObject, owners: readonly Owner[]): OverwrittenField[] {
  const out: OverwrittenField[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const fields = new Set([...Object.keys(before.attributes), ...Object.keys(after.attributes), ...Object.keys(before.relationships), ...Object.keys(after.relationships)]);
  for (const field of [...fields].sort()) {
    const isAttr = field in before.attributes || field in after.attributes;
    const now = isAttr ? before.attributes[field] : before.relationships[field];
    const loaded = isAttr ? after.attributes[field] : after.relationships[field];
    if (same(now, loaded)) continue;
    const owner = owners.find((o) => o.fields === undefined || o.fields.has(field));
    if (owner) out.push({ field, now, loaded, owner });
  }
  return out;
}

/** "ProductDedicatedInternet dia-0001": how a run's target is named in a message. */
export function targetLabel(reader: InventoryReader, id: string): string {
  const t = reader.get(id);
  if (!t) return id;
  const name = t.attributes.subscription_id ?? t.attributes.name;
  return `${t.kind} ${typeof name === 'string' ? name : id}`;
}
