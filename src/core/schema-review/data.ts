import type { AttributeValue } from '../inventory/model.js';
import { counterpart, isStoredHere } from '../inventory/ownership.js';
import { typeProblem } from '../inventory/values.js';
import { ruleProblems } from '../inventory-check/values.js';
import type { AttributeSchema, RelationshipSchema, SchemaSet } from '../schema/model.js';
import type { ReviewInventory, ReviewObject, SchemaChange } from './model.js';

/**
 * The existing inventory checked against the changes that can break it. Each finding is tied to
 * the change that causes it, so the reviewer sees the schema line to reconsider and the objects to
 * fix, rather than a list of invalid files.
 */
export interface Finding {
  code: string;
  change: SchemaChange;
  /** What is wrong, without the object list. */
  message: string;
  hint: string;
  /** How many objects break. */
  count: number;
  /** The first few of them (object files, sorted). */
  objects: string[];
}

export const SHOWN_OBJECTS = 5;

/** Which rule problems (./inventory-check/values.ts) each constraint change can cause. */
const RULE_CODES: Record<string, { problem: string; code: string }> = {
  choices: { problem: 'value/not-a-choice', code: 'review/value-outside-choices' },
  enum: { problem: 'value/not-in-enum', code: 'review/value-outside-enum' },
  regex: { problem: 'value/regex', code: 'review/value-breaks-regex' },
  min_length: { problem: 'value/too-short', code: 'review/value-breaks-bound' },
  max_length: { problem: 'value/too-long', code: 'review/value-breaks-bound' },
  min_value: { problem: 'value/too-small', code: 'review/value-breaks-bound' },
  max_value: { problem: 'value/too-large', code: 'review/value-breaks-bound' },
};

export function checkData(changes: readonly SchemaChange[], before: SchemaSet, after: SchemaSet, inv: ReviewInventory): Finding[] {
  const out: Finding[] = [];
  const found = (change: SchemaChange, code: string, message: string, hint: string, objects: string[]) => {
    if (!objects.length) return;
    const sorted = [...new Set(objects)].sort();
    out.push({ code, change, message, hint, count: sorted.length, objects: sorted.slice(0, SHOWN_OBJECTS) });
  };
  for (const c of changes) {
    if (c.element === 'node' && c.change === 'removed') {
      const objs = inv.objectsOf(c.kind);
      found(c, 'review/removed-kind-has-objects', `${c.kind} is removed but objects of it exist`, 'delete those objects in this change (their files), or keep the kind', objs.map((o) => o.file));
    } else if (c.element === 'attribute' && c.name !== undefined) {
      attributeFindings(c, c.name, before, after, inv, found);
    } else if (c.element === 'relationship' && c.name !== undefined) {
      relationshipFindings(c, c.name, before, after, inv, found);
    }
  }
  return out;
}

type Found = (change: SchemaChange, code: string, message: string, hint: string, objects: string[]) => void;

/** The concrete kinds a change on `kind` reaches in `schema` (a generic's: every inheriting node). */
function reach(schema: SchemaSet, kind: string): string[] {
  return schema.get(kind) ? schema.concreteKinds(kind) : [];
}

function objectsWith(schema: SchemaSet, kind: string, inv: ReviewInventory): { obj: ReviewObject; kindName: string }[] {
  return reach(schema, kind).flatMap((k) => inv.objectsOf(k).map((obj) => ({ obj, kindName: k })));
}

const present = (v: unknown) => v !== undefined && v !== null;
const hasPeers = (v: unknown) => present(v) && !(Array.isArray(v) && v.length === 0);

function attributeFindings(c: SchemaChange, name: string, before: SchemaSet, after: SchemaSet, inv: ReviewInventory, found: Found): void {
  const label = `${c.kind}.${name}`;
  if (c.change === 'removed') {
    // Still there through another route (moved to a generic it inherits)? Then nothing is lost.
    const holders = objectsWith(before, c.kind, inv).filter(({ obj, kindName }) => present(obj.values[name]) && !after.get(kindName)?.attributes.some((a) => a.name === name));
    found(c, 'review/removed-attribute-has-values', `${label} is removed but objects still hold a value`, 'remove the values in this change, or keep the attribute (Infrahub deletes the data with it)', holders.map((h) => h.obj.file));
    return;
  }
  const attr = after.get(c.kind)?.attributes.find((a) => a.name === name);
  if (!attr) return;
  const objs = objectsWith(after, c.kind, inv);
  if ((c.change === 'added' || c.property === 'optional' || c.property === 'default_value') && !attr.optional) {
    const missing = objs.filter(({ obj }) => !present(obj.values[name])).map((m) => m.obj.file);
    const now = c.change === 'added' ? 'is a new mandatory attribute' : 'is mandatory now';
    if (attr.default_value === undefined) {
      found(c, 'review/missing-mandatory-value', `${label} ${now} without default_value, and objects have no value`, 'give it a default_value, make it optional, or set the value on those objects in this change', missing);
    } else {
      // Infrahub's migration writes the default into existing nodes; svc's object files are the
      // data, and nothing rewrites them behind the reviewer's back.
      found(c, 'review/default-not-written', `${label} ${now} with default_value ${JSON.stringify(attr.default_value)}, which existing object files do not hold`, `write ${JSON.stringify(attr.default_value)} into those objects in this change (svc does not migrate files), or make it optional`, missing);
    }
    return;
  }
  if (c.change !== 'updated' || c.property === undefined) return;
  if (c.property === 'kind') {
    const wrong = objs.filter(({ obj }) => present(obj.values[name]) && typeProblem(attr.kind, obj.values[name]) !== undefined);
    found(c, 'review/value-wrong-type', `${label} is now ${attr.kind}, and values do not fit it`, 'convert the values in this change (Infrahub migrates the kind, it does not convert values)', wrong.map((w) => w.obj.file));
    return;
  }
  if (c.property === 'unique' && attr.unique) {
    found(c, 'review/duplicate-values', `${label} is unique now, and objects share a value`, 'make the values distinct in this change, or keep the attribute non-unique', duplicates(objs, name));
    return;
  }
  const rule = RULE_CODES[c.property];
  if (!rule) return;
  const broken = objs.filter(({ obj }) => present(obj.values[name]) && ruleProblems(attr, obj.values[name] as AttributeValue).some((p) => p.code === rule.problem));
  found(c, rule.code, `${label}: the new ${c.property} (${describe(attr, c.property)}) leaves out values that objects hold`, `change those values in this change, or widen ${c.property}`, broken.map((b) => b.obj.file));
}

/** Objects sharing a value, per concrete kind (svc enforces `unique` per concrete kind). */
function duplicates(objs: { obj: ReviewObject; kindName: string }[], name: string): string[] {
  const groups = new Map<string, string[]>();
  for (const { obj, kindName } of objs) {
    const v = obj.values[name];
    if (!present(v)) continue;
    const key = `${kindName}\0${JSON.stringify(v)}`;
    groups.set(key, [...(groups.get(key) ?? []), obj.file]);
  }
  return [...groups.values()].filter((g) => g.length > 1).flat();
}

function describe(attr: AttributeSchema, property: string): string {
  if (property === 'choices') return (attr.choices ?? []).map((c) => c.name).join(', ');
  if (property === 'enum') return (attr.enum ?? []).map(String).join(', ');
  const v = (attr as unknown as Record<string, unknown>)[property];
  return v === undefined ? 'none' : property === 'regex' ? `/${String(v)}/` : String(v);
}

function relationshipFindings(c: SchemaChange, name: string, before: SchemaSet, after: SchemaSet, inv: ReviewInventory, found: Found): void {
  const label = `${c.kind}.${name}`;
  if (c.change === 'removed') {
    const holders = objectsWith(before, c.kind, inv).filter(({ obj, kindName }) => hasPeers(obj.values[name]) && !after.get(kindName)?.relationships.some((r) => r.name === name));
    found(c, 'review/removed-relationship-has-peers', `${label} is removed but objects still name peers on it`, 'remove those references in this change, or keep the relationship', holders.map((h) => h.obj.file));
    return;
  }
  const kind = after.get(c.kind);
  const rel = kind?.relationships.find((r) => r.name === name);
  if (!kind || !rel) return;
  if (c.property === 'cardinality' && rel.cardinality === 'one') {
    found(c, 'review/several-peers', `${label} is "one" now, and objects hold several peers`, 'keep one peer per object in this change, or keep the cardinality many', severalPeers(c.kind, rel, before, after, inv));
    return;
  }
  if ((c.change === 'added' || c.property === 'optional') && !rel.optional && isStoredHere(after, kind, rel)) {
    const missing = objectsWith(after, c.kind, inv).filter(({ obj }) => !hasPeers(obj.values[name]));
    found(c, 'review/missing-mandatory-relationship', `${label} is mandatory now, and objects have no peer`, 'set the peer on those objects in this change, or keep the relationship optional', missing.map((m) => m.obj.file));
  }
}

/**
 * Objects with more than one peer on a relationship that became `one`: counted in the object's own
 * file when it stores an array, else through the peers' files that point at it (the other side
 * stores the relationship), grouped by the reference they write.
 */
function severalPeers(kindName: string, rel: RelationshipSchema, before: SchemaSet, after: SchemaSet, inv: ReviewInventory): string[] {
  const objs = objectsWith(after, kindName, inv);
  const own = objs.filter(({ obj }) => Array.isArray(obj.values[rel.name]) && (obj.values[rel.name] as unknown[]).length > 1).map(({ obj }) => obj.file);
  const oldKind = before.get(kindName);
  const oldRel = oldKind?.relationships.find((r) => r.name === rel.name);
  const other = oldKind && oldRel ? counterpart(before, oldKind, oldRel) : undefined;
  if (!other) return own;
  const byTarget = new Map<string, string[]>();
  for (const { obj } of objectsWith(before, rel.peer, inv)) {
    const v = obj.values[other.name];
    for (const ref of Array.isArray(v) && other.cardinality === 'many' ? v : present(v) ? [v] : []) {
      const key = JSON.stringify(ref);
      byTarget.set(key, [...(byTarget.get(key) ?? []), obj.file]);
    }
  }
  const crowded = [...byTarget.values()].filter((files) => files.length > 1).flat();
  return [...own, ...crowded];
}
