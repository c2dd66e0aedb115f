import { createHash } from 'node:crypto';
import { generateKinds } from './generated.js';
import { INTERNAL_NAMESPACES } from './model.js';
import type { SourceLocation } from '../diagnostics.js';
import type {
  AttributeKind,
  AttributeSchema,
  BranchSupport,
  Cardinality,
  Direction,
  KindSchema,
  OnDelete,
  RelationshipKind,
  RelationshipSchema,
  SchemaSet,
} from './model.js';
import type { RawAttribute, RawKind, RawRelationship, SchemaFile } from './raw.js';

/** Where each raw item came from, so resolved items keep a file:line:column. */
interface Located<T> {
  raw: T;
  file: SchemaFile;
  path: (string | number)[];
}

export function kindName(namespace: string, name: string): string {
  return `${namespace}${name}`;
}

const CORE_NODE = 'CoreNode';

/** Infrahub's rule for a relationship without an identifier: both kinds, lower-cased, sorted, joined by `__`. */
export function defaultIdentifier(kind: string, peer: string): string {
  return [kind.toLowerCase(), peer.toLowerCase()].sort().join('__');
}

/**
 * Raw schema files → a resolved SchemaSet. Tolerant by design: a kind that is declared twice keeps
 * its first declaration, an unknown generic or extension target is skipped. ./check.ts reports those
 * problems; resolution only needs to be total so that checks and commands can run on partial input.
 */
export function resolveSchema(files: readonly SchemaFile[]): SchemaSet {
  const declared = new Map<string, { raw: Located<RawKind>; generic: boolean }>();
  for (const file of files) {
    for (const section of ['generics', 'nodes'] as const) {
      (file.doc[section] ?? []).forEach((raw, i) => {
        if (raw.state === 'absent') return;
        const kind = kindName(raw.namespace, raw.name);
        if (!declared.has(kind)) declared.set(kind, { raw: { raw, file, path: [section, i] }, generic: section === 'generics' });
      });
    }
  }
  // Extensions add attributes and relationships to kinds declared elsewhere (including built-ins).
  const extraAttrs = new Map<string, Located<RawAttribute>[]>();
  const extraRels = new Map<string, Located<RawRelationship>[]>();
  for (const file of files) {
    (file.doc.extensions?.nodes ?? []).forEach((ext, i) => {
      (ext.attributes ?? []).forEach((raw, j) => push(extraAttrs, ext.kind, { raw, file, path: ['extensions', 'nodes', i, 'attributes', j] }));
      (ext.relationships ?? []).forEach((raw, j) => push(extraRels, ext.kind, { raw, file, path: ['extensions', 'nodes', i, 'relationships', j] }));
    });
  }

  const own = new Map<string, KindSchema>();
  // An extension's `state: absent` member removes the one the kind declares, as Infrahub applies it.
  const removed = (kind: string, extra: Map<string, Located<{ name: string; state?: string }>[]>) =>
    new Set((extra.get(kind) ?? []).filter((x) => x.raw.state === 'absent').map((x) => x.raw.name));
  for (const [kind, { raw, generic }] of declared) {
    const r = raw.raw;
    const goneAttrs = removed(kind, extraAttrs);
    const goneRels = removed(kind, extraRels);
    // List items may be holes where the structural check left a broken item out: filter skips them.
    const attributes = uniqueByName(
      (r.attributes ?? [])
        .map((a, i) => ({ raw: a, file: raw.file, path: [...raw.path, 'attributes', i] }))
        .filter((a) => a.raw.state !== 'absent' && !goneAttrs.has(a.raw.name))
        .map((a) => resolveAttribute(a, undefined))
        .concat((extraAttrs.get(kind) ?? []).filter((a) => a.raw.state !== 'absent').map((a) => resolveAttribute(a, a.file.source.file))),
    );
    const relationships = uniqueByName(
      (r.relationships ?? [])
        .map((x, i) => ({ raw: x, file: raw.file, path: [...raw.path, 'relationships', i] }))
        .filter((x) => !goneRels.has(x.raw.name))
        .map((x) => resolveRelationship(kind, x, undefined))
        .concat((extraRels.get(kind) ?? []).map((x) => resolveRelationship(kind, x, x.file.source.file)))
        .filter((x): x is RelationshipSchema => x !== undefined),
    );
    own.set(kind, {
      kind,
      namespace: r.namespace,
      name: r.name,
      isGeneric: generic,
      builtin: raw.file.builtin,
      inherit_from: (r.inherit_from ?? []).filter((g) => typeof g === 'string'),
      attributes,
      relationships,
      ...pick(r, ['human_friendly_id', 'display_labels', 'uniqueness_constraints', 'order_by', 'parent', 'children', 'label', 'description', 'icon', 'default_filter', 'include_in_menu', 'menu_placement', 'documentation']),
      ...(r.display_labels === undefined && r.display_label !== undefined ? { display_labels: [r.display_label] } : {}),
      ...(r.branch !== undefined ? { branch: r.branch as BranchSupport } : {}),
      ...(generic && r.hierarchical === true ? { hierarchical: true } : {}),
      used_by: [],
      source: locate(raw),
    });
  }

  const resolved = new Map<string, KindSchema>();
  const ancestorsOf = (kind: string, seen = new Set<string>()): string[] => {
    const k = own.get(kind);
    if (!k || seen.has(kind)) return [];
    seen.add(kind);
    const out: string[] = [];
    for (const g of k.inherit_from) {
      if (!own.get(g)?.isGeneric || out.includes(g)) continue;
      out.push(g);
      for (const a of ancestorsOf(g, seen)) if (!out.includes(a)) out.push(a);
    }
    return out;
  };
  // Every node is a CoreNode in Infrahub (a group's members may be of any kind), and has its
  // member_of_groups and subscriber_of_groups: they come from CoreNode like any inherited member.
  const implicitCore = (kind: string): string[] => {
    const out = ancestorsOf(kind);
    const k = own.get(kind);
    if (k && own.has(CORE_NODE) && kind !== CORE_NODE && !out.includes(CORE_NODE) && !INTERNAL_NAMESPACES.has(k.namespace)) out.push(CORE_NODE);
    return out;
  };
  for (const [kind, k] of own) {
    const ancestors = implicitCore(kind);
    const attributes = [...k.attributes];
    const relationships = [...k.relationships];
    const inherited: Partial<KindSchema> = {};
    const hierarchy = k.isGeneric ? (k.hierarchical ? kind : undefined) : ancestors.find((g) => own.get(g)?.hierarchical);
    if (hierarchy !== undefined) {
      // Infrahub gives every member of a hierarchy implicit parent / children relationships.
      // `parent: ""` marks the root of the tree and `children: ""` a leaf: no such relationship then.
      for (const [name, peer, cardinality, direction] of [
        ['parent', k.parent ?? hierarchy, 'one', 'outbound'],
        ['children', k.children ?? hierarchy, 'many', 'inbound'],
      ] as const) {
        if (peer === '' || relationships.some((x) => x.name === name)) continue;
        const implicit: RelationshipSchema = {
          name, peer, kind: 'Hierarchy', cardinality, optional: true, direction, identifier: 'parent__child',
          min_count: 0, max_count: cardinality === 'one' ? 1 : 0, read_only: false,
          ...(hierarchy !== kind ? { inherited_from: hierarchy } : {}),
        };
        if (k.source) implicit.source = k.source;
        relationships.push(implicit);
      }
    }
    for (const g of ancestors) {
      const gk = own.get(g)!;
      for (const a of gk.attributes) {
        if (!attributes.some((x) => x.name === a.name)) attributes.push({ ...a, inherited_from: a.inherited_from ?? g });
      }
      for (const rel of gk.relationships) {
        if (!relationships.some((x) => x.name === rel.name)) {
          relationships.push({ ...rel, inherited_from: rel.inherited_from ?? g });
        }
      }
      // A node without its own human_friendly_id, display labels, order or uniqueness takes the generic's.
      for (const key of ['human_friendly_id', 'display_labels', 'order_by', 'uniqueness_constraints'] as const) {
        if (k[key] === undefined && inherited[key] === undefined && gk[key] !== undefined) (inherited as Record<string, unknown>)[key] = gk[key];
      }
    }
    resolved.set(kind, {
      ...inherited,
      ...k,
      ...(hierarchy !== undefined && !k.isGeneric ? { hierarchy } : {}),
      attributes: byWeight(attributes),
      relationships: byWeight(relationships),
      used_by: [],
    });
  }
  const generated = generateKinds(resolved, (kind) => declared.get(kind)?.raw.raw, (kind) => ancestorsOf(kind));
  for (const g of generated.kinds) resolved.set(g.kind, g);
  const ancestorsFor = (kind: string) => generated.ancestors.get(kind) ?? implicitCore(kind);
  for (const k of resolved.values()) {
    if (k.isGeneric) continue;
    for (const g of ancestorsFor(k.kind)) resolved.get(g)?.used_by.push(k.kind);
  }
  for (const k of resolved.values()) k.used_by.sort();

  const sorted = new Map([...resolved.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const ancestry = new Map([...sorted.keys()].map((kind) => [kind, new Set(ancestorsFor(kind))]));
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([...sorted.values()].map((k) => ({ ...k, source: undefined, attributes: k.attributes.map(stripSource), relationships: k.relationships.map(stripSource) }))))
    .digest('hex');
  return schemaSetOf(sorted, ancestry, fingerprint);
}

/** The SchemaSet answers over resolved kinds (sorted), each kind's ancestors and the fingerprint. */
export function schemaSetOf(sorted: ReadonlyMap<string, KindSchema>, ancestry: ReadonlyMap<string, ReadonlySet<string>>, fingerprint: string): SchemaSet {
  return {
    kinds: sorted,
    get: (kind) => sorted.get(kind),
    concreteKinds: (kind) => {
      const k = sorted.get(kind);
      if (!k) return [];
      return k.isGeneric ? [...k.used_by] : [kind];
    },
    isA: (kind, target) => kind === target || (ancestry.get(kind)?.has(target) ?? false),
    fingerprint,
  };
}

function resolveAttribute(a: Located<RawAttribute>, extendedIn: string | undefined): AttributeSchema {
  const r = a.raw;
  const p = r.parameters ?? {};
  const out: AttributeSchema = {
    name: r.name,
    kind: r.kind as AttributeKind,
    optional: r.optional ?? false,
    unique: r.unique ?? false,
    read_only: r.read_only ?? false,
    source: locate(a),
  };
  const set = <K extends keyof AttributeSchema>(key: K, v: AttributeSchema[K] | undefined) => {
    if (v !== undefined) out[key] = v;
  };
  set('default_value', r.default_value);
  set('choices', r.choices?.filter((c) => c !== undefined).map((c) => ({ ...c })));
  set('extended_in', extendedIn);
  set('enum', r.enum);
  set('regex', r.regex ?? p.regex);
  set('min_length', r.min_length ?? p.min_length);
  set('max_length', r.max_length ?? p.max_length);
  set('min_value', r.min_value ?? p.min_value);
  set('max_value', r.max_value ?? p.max_value);
  set('label', r.label);
  set('description', r.description);
  set('order_weight', r.order_weight);
  set('branch', r.branch as BranchSupport | undefined);
  return out;
}

function resolveRelationship(kind: string, x: Located<RawRelationship>, extendedIn: string | undefined): RelationshipSchema | undefined {
  const r = x.raw;
  if (r.state === 'absent') return undefined;
  const cardinality = (r.cardinality ?? 'many') as Cardinality;
  const out: RelationshipSchema = {
    name: r.name,
    peer: r.peer,
    kind: (r.kind ?? 'Generic') as RelationshipKind,
    cardinality,
    optional: r.optional ?? true,
    direction: (r.direction ?? 'bidirectional') as Direction,
    identifier: r.identifier ?? defaultIdentifier(kind, r.peer),
    min_count: r.min_count ?? (r.optional === false && cardinality === 'many' ? 1 : 0),
    max_count: r.max_count ?? (cardinality === 'one' ? 1 : 0),
    read_only: r.read_only ?? false,
    source: locate(x),
  };
  if (r.on_delete !== undefined) out.on_delete = r.on_delete as OnDelete;
  if (r.label !== undefined) out.label = r.label;
  if (r.description !== undefined) out.description = r.description;
  if (r.order_weight !== undefined) out.order_weight = r.order_weight;
  if (r.branch !== undefined) out.branch = r.branch as BranchSupport;
  if (extendedIn !== undefined) out.extended_in = extendedIn;
  return out;
}

function locate<T>(x: Located<T>): SourceLocation {
  return new LazyLocation(x.file.source.file, () => x.file.source.locate(x.path));
}

/** Stable: items with an order_weight sort by it; the rest keep declaration order after them. */
function byWeight<T extends { order_weight?: number }>(items: T[]): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => (a.item.order_weight ?? Infinity) - (b.item.order_weight ?? Infinity) || a.i - b.i)
    .map((x) => x.item);
}

/** A name declared twice in one kind is reported by the checks; resolution keeps the first. */
function uniqueByName<T extends { name: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((x) => !seen.has(x.name) && seen.add(x.name) !== undefined);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function pick<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined && obj[k] !== '') out[k] = obj[k];
  return out;
}

function stripSource<T extends { source?: unknown }>(x: T): Omit<T, 'source'> {
  const { source: _source, ...rest } = x;
  return rest;
}

/**
 * A position computed on first use: finding it needs the position-keeping YAML parse, which most
 * runs (a valid schema, no `show`) never need. Spreading an item copies the reference, not the work.
 */
class LazyLocation implements SourceLocation {
  #get: () => SourceLocation;
  #loc: SourceLocation | undefined;
  readonly file: string;
  constructor(file: string, get: () => SourceLocation) {
    this.file = file;
    this.#get = get;
  }
  get line(): number {
    return (this.#loc ??= this.#get()).line;
  }
  get column(): number {
    return (this.#loc ??= this.#get()).column;
  }
  toJSON(): SourceLocation {
    return { file: this.file, line: this.line, column: this.column };
  }
}
