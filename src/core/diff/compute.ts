import type { RefKey } from '../inventory/codec.js';
import { storedRelationships } from '../inventory/ownership.js';
import type { KindSchema, RelationshipSchema, SchemaSet } from '../schema/model.js';
import { allocationCallouts, lifecycleCallout, type Labels } from './callouts.js';
import { decodeSide, hfidLabel, refKeyText, refList, sameValue, type Side } from './decode.js';
import type {
  AttributeChange,
  Diff,
  DiffOptions,
  FileChange,
  KindChanges,
  LifecycleCallout,
  ObjectChange,
  ObjectName,
  RelationshipChange,
  UnreadableFile,
} from './model.js';
import { BOOKKEEPING_KINDS, cmp } from './order.js';

/**
 * File changes → the semantic Diff. Objects are matched across the two sides by id, never by
 * path, so a moved file (an hfid change) is one rename, and references are compared by the object
 * they resolve to when both sides name it in this change (a renamed device does not make every
 * interface look re-linked). Cost: linear in the number of changed files.
 */
export function semanticDiff(schema: SchemaSet, changes: readonly FileChange[], opts: DiffOptions = {}): Diff {
  const baseSchema = opts.baseSchema ?? schema;
  const before = new Map<string, Side[]>();
  const after = new Map<string, Side[]>();
  const files: UnreadableFile[] = [];
  for (const c of [...changes].sort((x, y) => cmp(x.path, y.path))) {
    if (c.before === c.after) continue;
    const b = c.before === null ? undefined : decodeSide(baseSchema, c.path, c.before);
    const a = c.after === null ? undefined : decodeSide(schema, c.path, c.after);
    const problem = (b && 'problem' in b ? b.problem : undefined) ?? (a && 'problem' in a ? a.problem : undefined);
    if (problem !== undefined) {
      files.push({ path: c.path, change: c.before === null ? 'added' : c.after === null ? 'removed' : 'modified', problem });
      continue;
    }
    if (b && 'side' in b) push(before, b.side.object.id, b.side);
    if (a && 'side' in a) push(after, a.side.object.id, a.side);
  }

  const labels = labelIndex(before, after, opts);
  const resolveBefore = hfidIndex(before);
  const resolveAfter = hfidIndex(after);
  const perKind = new Map<string, ObjectChange[]>();
  const lifecycle: LifecycleCallout[] = [];
  const pairs: [Side | undefined, Side | undefined][] = [];
  for (const id of [...new Set([...before.keys(), ...after.keys()])].sort(cmp)) pairs.push(...pairSides(before.get(id) ?? [], after.get(id) ?? []));

  for (const [b, a] of pairs) {
    // A removed object is described by the schema it was written for; anything else by the newer
    // one, plus what the older schema had and the newer dropped (shown as removed values).
    const s = a ? schema : baseSchema;
    const kind = s.get((a ?? b)!.object.kind)!;
    const fields = describedFields(s, kind, a && b ? baseSchema.get(b.object.kind) : undefined, baseSchema);
    const change = compareObjects(kind, fields, b, a, labels, resolveBefore, resolveAfter);
    if (change) push(perKind, kind.kind, change);
    const move = lifecycleCallout(s, b, a);
    if (move) lifecycle.push(move);
  }

  const hidden: Diff['hidden'] = [];
  const kinds: KindChanges[] = [];
  for (const kind of [...perKind.keys()].sort(cmp)) {
    const objects = perKind.get(kind)!.sort(objectOrder);
    if (!opts.all && BOOKKEEPING_KINDS.includes(kind)) {
      hidden.push({ kind, objects: objects.length });
      continue;
    }
    const count = (t: ObjectChange['change'][]) => objects.filter((o) => t.includes(o.change)).length;
    kinds.push({ kind, added: count(['added']), changed: count(['changed', 'renamed']), removed: count(['removed']), objects });
  }
  const total = (k: 'added' | 'changed' | 'removed') => kinds.reduce((n, x) => n + x[k], 0);
  return {
    summary: { added: total('added'), changed: total('changed'), removed: total('removed') },
    lifecycle: lifecycle.sort((x, y) => cmp(x.label, y.label) || cmp(x.id, y.id)),
    allocations: allocationCallouts(pairs, labels),
    kinds,
    hidden,
    files,
  };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/**
 * The sides that hold one id, matched: same path first, then in path order. Two files with one id
 * (a copy) leave an unmatched side, shown as an addition or a removal; `svc validate` reports the
 * duplicate itself. Sides of different kinds are never matched.
 */
function pairSides(bs: Side[], as: Side[]): [Side | undefined, Side | undefined][] {
  const out: [Side | undefined, Side | undefined][] = [];
  const rest = [...as];
  const unmatched: Side[] = [];
  for (const b of bs) {
    const i = rest.findIndex((a) => a.path === b.path && a.object.kind === b.object.kind);
    if (i >= 0) out.push([b, rest.splice(i, 1)[0]]);
    else unmatched.push(b);
  }
  for (const b of unmatched) {
    const i = rest.findIndex((a) => a.object.kind === b.object.kind);
    out.push(i >= 0 ? [b, rest.splice(i, 1)[0]] : [b, undefined]);
  }
  for (const a of rest) out.push([undefined, a]);
  return out;
}

/** Labels of the objects in this change (the newer side wins), then the caller's lookup. */
function labelIndex(before: Map<string, Side[]>, after: Map<string, Side[]>, opts: DiffOptions): Labels {
  const known = new Map<string, { label: string; kind: string }>();
  for (const side of [before, after]) for (const [id, list] of side) known.set(id, { label: list[0]!.label, kind: list[0]!.object.kind });
  return {
    label: (id) => known.get(id)?.label ?? opts.labelOf?.(id),
    kind: (id) => known.get(id)?.kind,
  };
}

type Resolve = (ref: RefKey) => string | undefined;

/**
 * A reference → the id of the object it names on one side, when that object is in the change.
 * Built on first use: most changes leave references alone and never need it.
 */
function hfidIndex(side: Map<string, Side[]>): Resolve {
  let byHfid: Map<string, string> | undefined;
  return (ref) => {
    if ('id' in ref) return ref.id;
    if (!byHfid) {
      byHfid = new Map();
      for (const list of side.values()) for (const s of list) if (s.hfid) byHfid.set(refKeyText({ kind: s.object.kind, hfid: s.hfid }), s.object.id);
    }
    return byHfid.get(refKeyText(ref));
  };
}

interface Fields {
  attributes: readonly { name: string }[];
  relationships: readonly RelationshipSchema[];
}

/**
 * The attributes and stored relationships to compare: the describing kind's, in its order, then
 * those only the older kind had (`older`: the base schema's kind of a changed object, when the
 * schemas differ), so that a value whose attribute the newer schema dropped shows as removed.
 */
function describedFields(schema: SchemaSet, kind: KindSchema, older: KindSchema | undefined, olderSchema: SchemaSet): Fields {
  const attributes: { name: string }[] = [...kind.attributes];
  const relationships = [...storedRelationships(schema, kind)];
  if (older && older !== kind) {
    const names = new Set([...attributes.map((a) => a.name), ...kind.relationships.map((r) => r.name)]);
    for (const a of older.attributes) if (!names.has(a.name)) attributes.push(a);
    for (const r of storedRelationships(olderSchema, older)) if (!names.has(r.name)) relationships.push(r);
  }
  return { attributes, relationships };
}

function compareObjects(kind: KindSchema, fields: Fields, b: Side | undefined, a: Side | undefined, labels: Labels, rb: Resolve, ra: Resolve): ObjectChange | undefined {
  const attributes: AttributeChange[] = [];
  for (const attr of fields.attributes) {
    const bv = b?.object.attributes[attr.name];
    const av = a?.object.attributes[attr.name];
    if (bv === undefined && av === undefined) continue;
    if (b && a && sameValue(bv, av)) continue;
    attributes.push({ name: attr.name, before: bv, after: av });
  }
  const relationships: RelationshipChange[] = [];
  for (const rel of fields.relationships) {
    const bRefs = refList(b?.object.refs[rel.name]);
    const aRefs = refList(a?.object.refs[rel.name]);
    if (!bRefs.length && !aRefs.length) continue;
    if (b && a && sameRefs(bRefs, aRefs)) continue;
    // Compare by the object a reference resolves to when known (its own side first: an hfid may
    // have passed from one object to another), else by its text.
    const keyB = (r: RefKey) => { const id = rb(r) ?? ra(r); return id === undefined ? refKeyText(r) : `#${id}`; };
    const keyA = (r: RefKey) => { const id = ra(r) ?? rb(r); return id === undefined ? refKeyText(r) : `#${id}`; };
    const bKeys = new Set(bRefs.map(keyB));
    const aKeys = new Set(aRefs.map(keyA));
    const removed = bRefs.filter((r) => !aKeys.has(keyB(r))).map((r) => peerName(r, rel.peer, labels));
    const added = aRefs.filter((r) => !bKeys.has(keyA(r))).map((r) => peerName(r, rel.peer, labels));
    if (!removed.length && !added.length) continue;
    relationships.push({ name: rel.name, cardinality: rel.cardinality, added: added.sort(nameOrder), removed: removed.sort(nameOrder) });
  }
  const newer = (a ?? b)!;
  const base: ObjectChange = {
    change: !b ? 'added' : !a ? 'removed' : b.path !== a.path ? 'renamed' : 'changed',
    kind: kind.kind,
    id: newer.object.id,
    ...(newer.hfid ? { hfid: newer.hfid } : {}),
    label: newer.label,
    path: newer.path,
    attributes,
    relationships,
  };
  if (base.change === 'changed' && !attributes.length && !relationships.length) return undefined;
  if (base.change === 'renamed') {
    base.previousPath = b!.path;
    base.previousLabel = b!.label;
  }
  return base;
}

/** The same references written the same way (the common case: nothing to resolve). */
function sameRefs(x: readonly RefKey[], y: readonly RefKey[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (refKeyText(x[i]!) !== refKeyText(y[i]!)) return false;
  return true;
}

function peerName(ref: RefKey, peerKind: string, labels: Labels): ObjectName {
  if ('id' in ref) return { kind: labels.kind(ref.id) ?? peerKind, id: ref.id, label: labels.label(ref.id) ?? ref.id };
  return { kind: ref.kind, hfid: ref.hfid, label: hfidLabel(ref.hfid) };
}

const nameOrder = (x: ObjectName, y: ObjectName): number => cmp(x.label, y.label) || cmp(x.kind, y.kind) || cmp(x.id ?? '', y.id ?? '');

const CHANGE_ORDER: Record<ObjectChange['change'], number> = { added: 0, changed: 1, renamed: 1, removed: 2 };
const objectOrder = (x: ObjectChange, y: ObjectChange): number => CHANGE_ORDER[x.change] - CHANGE_ORDER[y.change] || cmp(x.label, y.label) || cmp(x.id, y.id);
