import { parseHfidPath, type HfidPath } from '../../core/inventory/hfid.js';
import { storedRelationships } from '../../core/inventory/ownership.js';
import { columnType } from '../../core/inventory/values.js';
import type { AttributeSchema, KindSchema, RelationshipSchema, SchemaSet } from '../../core/schema/model.js';

/**
 * The resolved schema compiled into SQLite tables. One STRICT table per concrete kind, named
 * `k_<Kind>`, with a typed column per attribute (`a_<name>`) and per stored `one` relationship
 * (`r_<name>`, the peer's id); prefixes keep attribute and relationship names from clashing with
 * each other or with `id`. `many` relationships go to `edges`.
 *
 * An object is two rows that share a row id (`rid`): its `objects` row (path, blob, id, kind, hfid)
 * and its kind-table row. Sharing the row id makes the kind row reachable from `objects` for free
 * (the INTEGER PRIMARY KEY is the B-tree key), so kind tables need no index on `id`.
 */
export interface UniqueSpec {
  /** Index name, stable across builds. */
  name: string;
  table: string;
  cols: string[];
  /** For messages: `name` or `device + name`. */
  label: string;
}

export interface KindTable {
  schema: KindSchema;
  table: string;
  attrs: { a: AttributeSchema; col: string }[];
  ones: { rel: RelationshipSchema; col: string }[];
  manys: RelationshipSchema[];
  /** Undefined when the kind has no hfid or one we cannot compute from the stored side. */
  hfid: HfidPath[] | undefined;
  uniques: UniqueSpec[];
}

export interface Layout {
  schema: SchemaSet;
  kinds: Map<string, KindTable>;
  /** Concrete kinds ordered so a kind comes after the kinds its hfid reads through (ties by name). */
  order: string[];
  /** Kinds whose objects' hfids read attributes of `peer` through relationship `rel`. */
  viaDependents: Map<string, { kind: string; rel: string; attrs: string[] }[]>;
}

export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export function compileLayout(schema: SchemaSet): Layout {
  const kinds = new Map<string, KindTable>();
  const viaDependents = new Map<string, { kind: string; rel: string; attrs: string[] }[]>();
  for (const k of schema.kinds.values()) {
    if (k.isGeneric) continue;
    const table = `k_${k.kind}`;
    const stored = storedRelationships(schema, k);
    const ones = stored.filter((r) => r.cardinality === 'one').map((rel) => ({ rel, col: `r_${rel.name}` }));
    const attrs = k.attributes.map((a) => ({ a, col: `a_${a.name}` }));
    let hfid: HfidPath[] | undefined = k.human_friendly_id?.length ? k.human_friendly_id.map(parseHfidPath) : undefined;
    // An hfid may only walk relationships this kind stores (others are not in its file).
    if (hfid?.some((p) => p.via.length > 1 || (p.via.length === 1 && !ones.some((o) => o.rel.name === p.via[0])))) hfid = undefined;
    for (const p of hfid ?? []) {
      const rel = p.via[0];
      if (rel === undefined) continue;
      const peer = ones.find((o) => o.rel.name === rel)!.rel.peer;
      for (const target of schema.concreteKinds(peer)) {
        const list = viaDependents.get(target) ?? [];
        const entry = list.find((d) => d.kind === k.kind && d.rel === rel);
        if (entry) entry.attrs.push(p.attribute);
        else list.push({ kind: k.kind, rel, attrs: [p.attribute] });
        viaDependents.set(target, list);
      }
    }
    const uniques: UniqueSpec[] = [];
    for (const { a, col } of attrs) if (a.unique) uniques.push({ name: `u_${k.kind}_${a.name}`, table, cols: [col], label: a.name });
    (k.uniqueness_constraints ?? []).forEach((paths, i) => {
      const cols = paths.map((p) => {
        const h = parseHfidPath(p);
        if (h.via.length === 0 && attrs.some((x) => x.a.name === h.attribute)) return `a_${h.attribute}`;
        if (h.via.length === 0 && ones.some((o) => o.rel.name === h.attribute)) return `r_${h.attribute}`;
        return undefined;
      });
      if (cols.length && cols.every((c): c is string => c !== undefined)) {
        uniques.push({ name: `uc_${k.kind}_${i}`, table, cols, label: paths.join(' + ') });
      }
    });
    kinds.set(k.kind, { schema: k, table, attrs, ones, manys: stored.filter((r) => r.cardinality === 'many'), hfid, uniques });
  }
  return { schema, kinds, order: hfidOrder(schema, kinds), viaDependents };
}

function hfidOrder(schema: SchemaSet, kinds: Map<string, KindTable>): string[] {
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (kind: string) => {
    if (state.has(kind)) return;
    state.set(kind, 'visiting');
    const t = kinds.get(kind);
    for (const p of t?.hfid ?? []) {
      const rel = t!.ones.find((o) => o.rel.name === p.via[0])?.rel;
      if (rel) for (const dep of schema.concreteKinds(rel.peer)) visit(dep);
    }
    state.set(kind, 'done');
    out.push(kind);
  };
  for (const kind of [...kinds.keys()].sort()) visit(kind);
  return out;
}

/** The DDL of an empty index: fixed tables first, then one table per concrete kind. */
export function createStatements(layout: Layout): string[] {
  const out = [
    'CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT',
    // Every file the index reflects, usable or not, with its git blob id (the freshness record).
    // A file that holds no usable object (bad JSON, a duplicate id...) has no id and no kind.
    // Lookup keys are indexes created after a bulk load rather than constraints: ids are hashes,
    // so rows would arrive in random key order, and sorting once beats 100k random B-tree inserts.
    'CREATE TABLE objects(rid INTEGER PRIMARY KEY, path TEXT NOT NULL, blob TEXT NOT NULL, id TEXT, kind TEXT, hfid TEXT) STRICT',
    'CREATE TABLE edges(src TEXT NOT NULL, rel TEXT NOT NULL, dst TEXT NOT NULL) STRICT',
    // References that did not resolve when their file was read; retried after every change.
    'CREATE TABLE dangling(src TEXT NOT NULL, rel TEXT NOT NULL, ref TEXT NOT NULL, path TEXT NOT NULL) STRICT',
    // Findings from decoding files (JSON text of a Diagnostic), reported by validation.
    'CREATE TABLE problems(path TEXT NOT NULL, diag TEXT NOT NULL) STRICT',
    // Paths that differed from HEAD at the last refresh: they must be looked at again next time.
    'CREATE TABLE dirty(path TEXT PRIMARY KEY) STRICT, WITHOUT ROWID',
  ];
  for (const t of layout.kinds.values()) {
    const cols = ['rid INTEGER PRIMARY KEY', 'id TEXT NOT NULL', ...t.attrs.map(({ a, col }) => `${q(col)} ${columnType(a.kind)}`), ...t.ones.map(({ col }) => `${q(col)} TEXT`)];
    out.push(`CREATE TABLE ${q(t.table)}(${cols.join(', ')}) STRICT`);
  }
  return out;
}

/** Lookup indexes, created after a bulk load (sorting once beats maintaining them row by row). */
export function indexStatements(layout: Layout): string[] {
  const out = [
    'CREATE UNIQUE INDEX i_objects_id ON objects(id)',
    'CREATE UNIQUE INDEX i_objects_path ON objects(path)',
    'CREATE INDEX i_objects_hfid ON objects(kind, hfid)',
    'CREATE INDEX i_edges_src ON edges(src, rel)',
    'CREATE INDEX i_edges_dst ON edges(dst)',
    'CREATE INDEX i_dangling_src ON dangling(src)',
    'CREATE INDEX i_problems_path ON problems(path)',
  ];
  for (const t of layout.kinds.values()) {
    for (const { col } of t.ones) {
      // A uniqueness index that starts with the column serves its lookups as well (SQLite uses a
      // prefix of an index): a second one would only cost build time and space.
      if (t.uniques.some((u) => u.cols[0] === col)) continue;
      out.push(`CREATE INDEX ${q(`i_${t.table}_${col}`)} ON ${q(t.table)}(${q(col)})`);
    }
  }
  return out;
}

export function uniqueStatement(u: UniqueSpec, unique: boolean): string {
  return `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${q(u.name)} ON ${q(u.table)}(${u.cols.map(q).join(', ')})`;
}
