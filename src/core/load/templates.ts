import { hfidOf } from '../inventory/hfid.js';
import type { AttributeValue, InventoryObject, InventoryReader, PeerRef } from '../inventory/model.js';
import type { KindSchema, SchemaSet } from '../schema/model.js';

/**
 * What Infrahub's generated kinds do to an object a load writes:
 * - `object_template`: a new object copies its template's attribute values where the file gives
 *   none, and gets a copy of each of the template's components (recursively). Only at creation, as
 *   in Infrahub: a template changed later does not change the objects made from it.
 * - `profiles`: an attribute that neither the file nor a template set takes the value of the
 *   object's profile with the lowest profile_priority (Infrahub's order) that has one. svc writes
 *   the value into the object, where Infrahub keeps it linked to the profile.
 */
export interface GeneratedWork {
  schema: SchemaSet;
  reader: InventoryReader;
  /** The load's objects by id (new and changed), and whether each is new. */
  work: Map<string, InventoryObject>;
  isNew(id: string): boolean;
  create(obj: InventoryObject): void;
  newId(kind: string, hfid: readonly string[]): string;
}

const TEMPLATE_PREFIX = 'Template';
const NOT_COPIED = new Set(['template_name']);

export function applyTemplate(w: GeneratedWork, obj: InventoryObject, given: ReadonlySet<string>): Set<string> {
  const set = new Set<string>();
  const ref = obj.relationships.object_template as PeerRef | undefined;
  if (!ref || Array.isArray(ref) || !w.isNew(obj.id)) return set;
  const template = find(w, ref.id);
  if (template) copyInto(w, template, obj, given, set);
  return set;
}

function copyInto(w: GeneratedWork, template: InventoryObject, obj: InventoryObject, given: ReadonlySet<string>, set: Set<string>): void {
  const kind = w.schema.get(obj.kind);
  if (!kind) return;
  for (const a of kind.attributes) {
    const v = template.attributes[a.name];
    if (given.has(a.name) || NOT_COPIED.has(a.name) || v === undefined || v === null) continue;
    obj.attributes[a.name] = structuredClone(v) as AttributeValue;
    set.add(a.name);
  }
  for (const c of componentsOf(w, template)) {
    const childKind = w.schema.get(c.kind.slice(TEMPLATE_PREFIX.length));
    if (!childKind || childKind.isGeneric) continue;
    const parent = childKind.relationships.find((r) => r.kind === 'Parent' && w.schema.isA(obj.kind, r.peer));
    if (!parent) continue;
    const child: InventoryObject = { id: '', kind: childKind.kind, attributes: {}, relationships: { [parent.name]: { id: obj.id, kind: obj.kind } } };
    for (const a of childKind.attributes) if (a.default_value !== undefined && a.default_value !== null) child.attributes[a.name] = structuredClone(a.default_value) as AttributeValue;
    const view = { get: (id: string) => (id === obj.id ? obj : find(w, id)) };
    copyAttributes(childKind, c, child);
    const h = hfidOf(w.schema, child, view);
    child.id = w.newId(childKind.kind, h ?? [obj.id, c.id]);
    // An object the file defines itself (or that exists) is left as it is.
    if (w.work.has(child.id) || w.reader.get(child.id)) continue;
    w.create(child);
    copyInto(w, c, child, new Set(Object.keys(child.attributes)), new Set());
  }
}

function copyAttributes(kind: KindSchema, from: InventoryObject, to: InventoryObject): void {
  for (const a of kind.attributes) {
    const v = from.attributes[a.name];
    if (!NOT_COPIED.has(a.name) && v !== undefined && v !== null) to.attributes[a.name] = structuredClone(v) as AttributeValue;
  }
}

/** The template's components: template objects whose Parent relationship points at it, by id. */
function componentsOf(w: GeneratedWork, template: InventoryObject): InventoryObject[] {
  const kind = w.schema.get(template.kind);
  const out = new Map<string, InventoryObject>();
  for (const r of kind?.relationships ?? []) {
    if (r.kind !== 'Component') continue;
    const candidates = [...w.reader.list(r.peer), ...[...w.work.values()].filter((o) => w.schema.isA(o.kind, r.peer))];
    for (const o of candidates) {
      const current = w.work.get(o.id) ?? o;
      const ks = w.schema.get(current.kind);
      const points = ks?.relationships.some((p) => p.kind === 'Parent' && refersTo(current.relationships[p.name], template.id));
      if (points) out.set(current.id, current);
    }
  }
  return [...out.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Attribute values from the object's profiles, lowest profile_priority first, where nothing set one. */
export function applyProfiles(w: GeneratedWork, obj: InventoryObject, profiles: readonly InventoryObject[], taken: ReadonlySet<string>): void {
  const kind = w.schema.get(obj.kind);
  if (!kind || profiles.length === 0) return;
  const priority = (p: InventoryObject) => (typeof p.attributes.profile_priority === 'number' ? p.attributes.profile_priority : 1000);
  const ordered = [...profiles].sort((a, b) => priority(a) - priority(b) || String(a.attributes.profile_name).localeCompare(String(b.attributes.profile_name)));
  for (const a of kind.attributes) {
    if (taken.has(a.name)) continue;
    // An object that exists keeps a value it holds; a new one takes the profile's over the default.
    if (!w.isNew(obj.id) && obj.attributes[a.name] !== undefined) continue;
    const from = ordered.find((p) => p.attributes[a.name] !== undefined && p.attributes[a.name] !== null);
    if (from) obj.attributes[a.name] = structuredClone(from.attributes[a.name]) as AttributeValue;
  }
}

function find(w: GeneratedWork, id: string): InventoryObject | undefined {
  return w.work.get(id) ?? w.reader.get(id);
}

function refersTo(v: PeerRef | PeerRef[] | undefined, id: string): boolean {
  return Array.isArray(v) ? v.some((p) => p.id === id) : v?.id === id;
}
