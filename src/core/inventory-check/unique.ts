import { diag, type Diagnostic } from '../diagnostics.js';
import { parseHfidPath } from '../inventory/hfid.js';
import type { InventoryObject, PeerRef } from '../inventory/model.js';
import type { KindSchema, SchemaSet } from '../schema/model.js';
import { label } from './attributes.js';
import type { Located } from './model.js';

/**
 * Unique attributes and uniqueness_constraints. A constraint declared on a generic holds across
 * every kind that inherits it (two interfaces of different kinds may not share a device and name).
 */
export function checkUniqueness(schema: SchemaSet, objects: readonly Located[], byId: ReadonlyMap<string, Located>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, Located>();
  const scopes = new Map<string, string>();
  const claim = (key: string, o: Located, report: (first: Located) => Diagnostic) => {
    const first = seen.get(key);
    if (first) out.push(report(first));
    else seen.set(key, o);
  };
  for (const o of objects) {
    const kind = schema.get(o.object.kind);
    if (!kind) continue;
    for (const a of kind.attributes) {
      if (!a.unique) continue;
      const v = o.object.attributes[a.name];
      if (v === undefined || v === null) continue;
      const scope = a.inherited_from ?? kind.kind;
      claim(JSON.stringify(['attr', scope, a.name, v]), o, (first) =>
        diag('error', 'inventory/not-unique', `${label(o)}: ${a.name} ${JSON.stringify(v)} is unique${scope !== kind.kind ? ` across ${scope}` : ''} but ${label(first)} (${first.file.file}) has it too`, o.at(a.name), { subject: label(o), key: a.name, hint: `give one of them another ${a.name}` }),
      );
    }
    for (const constraint of kind.uniqueness_constraints ?? []) {
      const values = constraint.map((p) => componentOf(kind, o.object, p, byId));
      if (values.some((v) => v === undefined)) continue;
      const scopeKey = `${kind.kind}\u0000${JSON.stringify(constraint)}`;
      let scope = scopes.get(scopeKey);
      if (scope === undefined) scopes.set(scopeKey, (scope = constraintScope(schema, kind, constraint)));
      claim(JSON.stringify(['together', scope, constraint, values]), o, (first) =>
        diag('error', 'inventory/not-unique-together', `${label(o)}: (${constraint.join(', ')}) must be unique together${scope !== kind.kind ? ` across ${scope}` : ''}, and ${label(first)} (${first.file.file}) has the same values`, o.at(), { subject: label(o), hint: `change one of ${constraint.join(', ')}` }),
      );
    }
  }
  return out;
}

/** `name__value` → the attribute; `device` / `device__id` → the peer's id; `device__name__value` → the peer's attribute. */
function componentOf(kind: KindSchema, obj: InventoryObject, path: string, byId: ReadonlyMap<string, Located>): string | undefined {
  const parts = path.split('__');
  const first = parts[0] ?? '';
  if (kind.relationships.some((r) => r.name === first) && (parts.length === 1 || (parts.length === 2 && parts[1] === 'id'))) {
    const ref = obj.relationships[first];
    return ref && !Array.isArray(ref) ? ref.id : undefined;
  }
  const { via, attribute } = parseHfidPath(path);
  let cur: InventoryObject | undefined = obj;
  for (const rel of via) {
    const ref: PeerRef | PeerRef[] | undefined = cur?.relationships[rel];
    cur = ref && !Array.isArray(ref) ? byId.get(ref.id)?.object : undefined;
  }
  const v = cur?.attributes[attribute];
  return v === undefined || v === null ? undefined : JSON.stringify(v);
}

/** The outermost generic the kind inherits the same constraint from, else the kind itself. */
function constraintScope(schema: SchemaSet, kind: KindSchema, constraint: string[]): string {
  const text = JSON.stringify(constraint);
  let scope = kind.kind;
  for (const g of schema.kinds.values()) {
    if (!g.isGeneric || !schema.isA(kind.kind, g.kind)) continue;
    if ((g.uniqueness_constraints ?? []).some((c) => JSON.stringify(c) === text) && (scope === kind.kind || schema.isA(scope, g.kind))) scope = g.kind;
  }
  return scope;
}
