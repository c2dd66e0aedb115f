import type Database from 'better-sqlite3';
import { counterpart } from '../../core/inventory/ownership.js';
import { fromSql, normaliseValue, toSql } from '../../core/inventory/values.js';
import type { AttributeValue } from '../../core/inventory/model.js';
import type { AttributeCondition, NodeFilter, NodeRow, QuerySource } from '../../core/query/source.js';
import type { RelationshipSchema } from '../../core/schema/model.js';
import { q, type KindTable, type Layout } from '../index/layout.js';

interface Sql {
  sql: string;
  params: unknown[];
}

const IN_JSON = 'IN (SELECT value FROM json_each(?))';

/**
 * Kind tables have no index on `id` (objects maps id → rid, the tables' key): an id condition goes
 * through objects, or it would read the whole table.
 */
const ridOfIds = (alias: string, ids: string) => `${alias}.rid IN (SELECT rid FROM objects WHERE id IN (${ids}))`;
const JSON_IDS = 'SELECT value FROM json_each(?)';

/**
 * The query engine's reads over the SQLite index: every call answers a whole batch of ids with one
 * statement per concrete kind (ids travel as one JSON array), and statements are prepared once.
 */
export class SqliteQuerySource implements QuerySource {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database, private readonly layout: Layout) {}

  private prepare(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  select(kind: string, filter: NodeFilter, within?: readonly string[]): string[] {
    const rows: Ranked[] = [];
    for (const concrete of this.layout.schema.concreteKinds(kind)) {
      const t = this.layout.kinds.get(concrete);
      const where = t && this.conditions(t, 'k', filter);
      if (!t || !where) continue;
      if (within) where.push({ sql: ridOfIds('k', JSON_IDS), params: [JSON.stringify(within)] });
      rows.push(...this.ranked(kind, t, where));
    }
    return sortRanked(rows);
  }

  rank(kind: string, ids: readonly string[]): Map<string, number> {
    const rows: Ranked[] = [];
    for (const concrete of this.layout.schema.concreteKinds(kind)) {
      const t = this.layout.kinds.get(concrete);
      if (t) rows.push(...this.ranked(kind, t, [{ sql: ridOfIds('k', JSON_IDS), params: [JSON.stringify(ids)] }]));
    }
    return new Map(sortRanked(rows).map((id, i) => [id, i]));
  }

  /**
   * The rows of one concrete kind passing `where`, with what orders them: the values `order_by` of
   * the kind asked for names (`name__value`, `device__name__value`), then the path.
   */
  private ranked(kind: string, t: KindTable, where: Sql[]): Ranked[] {
    const keys = (this.layout.schema.get(kind)?.order_by ?? []).map((p) => this.orderTerm(t, p));
    const cols = keys.map((k, i) => `, ${k} AS "s${i}"`).join('');
    const sql = `SELECT k.id, o.path${cols} FROM ${q(t.table)} k CROSS JOIN objects o ON o.rid = k.rid${where.length ? ` WHERE ${where.map((w) => w.sql).join(' AND ')}` : ''}`;
    return (this.prepare(sql).raw().all(...where.flatMap((w) => w.params)) as unknown[][]).map((r) => ({ id: r[0] as string, path: r[1] as string, keys: r.slice(2) }));
  }

  /** An order_by path as an SQL value on alias `k`: an attribute, or an attribute of a stored one-peer; NULL otherwise. */
  private orderTerm(t: KindTable, path: string): string {
    const parts = path.split('__');
    if (parts.length === 2 && parts[1] === 'value') {
      const a = t.attrs.find((x) => x.a.name === parts[0]);
      return a ? `k.${q(a.col)}` : 'NULL';
    }
    if (parts.length === 3 && parts[2] === 'value') {
      const one = t.ones.find((o) => o.rel.name === parts[0]);
      if (!one) return 'NULL';
      const peers = this.layout.schema.concreteKinds(one.rel.peer).flatMap((c) => {
        const pt = this.layout.kinds.get(c);
        const a = pt?.attrs.find((x) => x.a.name === parts[1]);
        return pt && a ? [`(SELECT p.${q(a.col)} FROM objects po JOIN ${q(pt.table)} p ON p.rid = po.rid WHERE po.id = k.${q(one.col)})`] : [];
      });
      return peers.length === 0 ? 'NULL' : peers.length === 1 ? peers[0]! : `COALESCE(${peers.join(', ')})`;
    }
    return 'NULL';
  }

  /** The WHERE terms of a filter on one concrete kind (alias `k`); undefined when nothing of the kind can match. */
  private conditions(t: KindTable, k: string, filter: NodeFilter): Sql[] | undefined {
    const out: Sql[] = [];
    if (filter.ids) out.push({ sql: ridOfIds(k, JSON_IDS), params: [JSON.stringify(filter.ids)] });
    if (filter.hfid) out.push({ sql: `${k}.rid IN (SELECT rid FROM objects WHERE kind = ? AND hfid = ?)`, params: [t.schema.kind, JSON.stringify(filter.hfid)] });
    for (const c of filter.attributes) {
      const term = attributeTerm(t, k, c);
      if (!term) return undefined;
      out.push(term);
    }
    for (const c of filter.relationships) {
      const rel = t.schema.relationships.find((r) => r.name === c.relationship) ?? this.layout.schema.get('CoreNode')?.relationships.find((r) => r.name === c.relationship);
      if (!rel) return undefined;
      const peerFilter: NodeFilter = { attributes: c.attributes, relationships: [], ...(c.ids ? { ids: c.ids } : {}) };
      const peers = this.peerIdsSql(rel.peer, peerFilter);
      const link = this.linkTerm(t, k, rel, peers);
      if (c.isnull === true) out.push({ sql: `NOT (${link.sql})`, params: link.params });
      else if (c.isnull === false || c.ids || c.attributes.length) out.push(link);
    }
    return out;
  }

  /** A statement listing the ids of `kind`'s objects that pass the filter (a UNION over its concrete kinds). */
  private peerIdsSql(kind: string, filter: NodeFilter): Sql {
    const parts: Sql[] = [];
    for (const concrete of this.layout.schema.concreteKinds(kind)) {
      const t = this.layout.kinds.get(concrete);
      const where = t && this.conditions(t, 'p', filter);
      if (!t || !where) continue;
      parts.push({ sql: `SELECT p.id FROM ${q(t.table)} p${where.length ? ` WHERE ${where.map((w) => w.sql).join(' AND ')}` : ''}`, params: where.flatMap((w) => w.params) });
    }
    if (!parts.length) return { sql: 'SELECT NULL WHERE 0', params: [] };
    return { sql: parts.map((p) => p.sql).join(' UNION ALL '), params: parts.flatMap((p) => p.params) };
  }

  /** True for a `k` row with a peer over `rel` among `peers`, whichever side stores the link. */
  private linkTerm(t: KindTable, k: string, rel: RelationshipSchema, peers: Sql): Sql {
    const one = t.ones.find((o) => o.rel.name === rel.name);
    if (one) return { sql: `${k}.${q(one.col)} IN (${peers.sql})`, params: peers.params };
    if (t.manys.some((m) => m.name === rel.name)) return { sql: `EXISTS (SELECT 1 FROM edges e WHERE e.src = ${k}.id AND e.rel = ? AND e.dst IN (${peers.sql}))`, params: [rel.name, ...peers.params] };
    const parts: Sql[] = [];
    for (const side of this.otherSide(t, rel)) {
      if (side.col) parts.push({ sql: `${k}.id IN (SELECT x.${q(side.col)} FROM ${q(side.table)} x WHERE ${ridOfIds('x', peers.sql)})`, params: peers.params });
      else parts.push({ sql: `${k}.id IN (SELECT e.dst FROM edges e WHERE e.rel = ? AND e.src IN (${peers.sql}))`, params: [side.rel, ...peers.params] });
    }
    if (!parts.length) return { sql: '0', params: [] };
    return { sql: `(${parts.map((p) => p.sql).join(' OR ')})`, params: parts.flatMap((p) => p.params) };
  }

  /** Where the peers of `rel` store it, for a relationship the kind's own files do not hold. */
  private otherSide(t: KindTable, rel: RelationshipSchema): { kind: string; table: string; col?: string; rel: string }[] {
    const schema = this.layout.schema;
    const back = counterpart(schema, t.schema, rel);
    if (!back) return [];
    const out: { kind: string; table: string; col?: string; rel: string }[] = [];
    for (const concrete of schema.concreteKinds(rel.peer)) {
      const pt = this.layout.kinds.get(concrete);
      const col = pt?.ones.find((o) => o.rel.name === back.name)?.col;
      if (pt && col) out.push({ kind: concrete, table: pt.table, col, rel: back.name });
      else if (pt?.manys.some((m) => m.name === back.name)) out.push({ kind: concrete, table: pt.table, rel: back.name });
    }
    return out;
  }

  nodes(ids: readonly string[]): Map<string, NodeRow> {
    const out = new Map<string, NodeRow>();
    const heads = this.prepare(`SELECT id, kind, rid, hfid, path FROM objects WHERE id ${IN_JSON} AND kind IS NOT NULL`).all(JSON.stringify(ids)) as { id: string; kind: string; rid: number; hfid: string | null; path: string }[];
    const byKind = new Map<string, typeof heads>();
    for (const h of heads) {
      const list = byKind.get(h.kind);
      if (list) list.push(h);
      else byKind.set(h.kind, [h]);
    }
    for (const [kind, list] of byKind) {
      const t = this.layout.kinds.get(kind);
      if (!t) continue;
      const head = new Map(list.map((h) => [h.rid, h]));
      for (const row of this.prepare(`SELECT * FROM ${q(t.table)} WHERE rid ${IN_JSON}`).all(JSON.stringify(list.map((h) => h.rid))) as Record<string, unknown>[]) {
        const h = head.get(row.rid as number)!;
        const attributes: Record<string, AttributeValue> = {};
        for (const { a, col } of t.attrs) {
          const v = fromSql(a.kind, row[col]);
          if (v !== undefined) attributes[a.name] = v;
        }
        const ones: Record<string, string | null> = {};
        for (const { rel, col } of t.ones) ones[rel.name] = typeof row[col] === 'string' ? (row[col] as string) : null;
        out.set(h.id, { id: h.id, kind, hfid: h.hfid ? (JSON.parse(h.hfid) as string[]) : null, attributes, ones });
      }
    }
    return out;
  }

  peers(kind: string, rel: RelationshipSchema, ids: readonly string[]): Map<string, string[]> {
    const t = this.layout.kinds.get(kind);
    const out = new Map<string, string[]>();
    if (!t) return out;
    const add = (from: string, to: string | null) => {
      if (to === null) return;
      const list = out.get(from);
      if (list) list.push(to);
      else out.set(from, [to]);
    };
    const json = JSON.stringify(ids);
    const one = t.ones.find((o) => o.rel.name === rel.name);
    if (one) {
      for (const r of this.prepare(`SELECT k.id, k.${q(one.col)} AS peer FROM ${q(t.table)} k WHERE ${ridOfIds('k', JSON_IDS)}`).all(json) as { id: string; peer: string | null }[]) add(r.id, r.peer);
    } else if (t.manys.some((m) => m.name === rel.name)) {
      for (const r of this.prepare(`SELECT src, dst FROM edges WHERE rel = ? AND src ${IN_JSON}`).all(rel.name, json) as { src: string; dst: string }[]) add(r.src, r.dst);
    } else {
      for (const side of this.otherSide(t, rel)) {
        const rows = side.col
          ? (this.prepare(`SELECT ${q(side.col)} AS a, id AS b FROM ${q(side.table)} WHERE ${q(side.col)} ${IN_JSON}`).all(json) as { a: string; b: string }[])
          : (this.prepare(`SELECT e.dst AS a, e.src AS b FROM edges e JOIN objects o ON o.id = e.src WHERE e.rel = ? AND e.dst ${IN_JSON} AND o.kind = ?`).all(side.rel, json, side.kind) as { a: string; b: string }[]);
        for (const r of rows) add(r.a, r.b);
      }
    }
    return out;
  }
}

interface Ranked {
  id: string;
  path: string;
  keys: unknown[];
}

/** Values ascending (numbers as numbers, text by code point), missing values last; then the path. */
function sortRanked(rows: Ranked[]): string[] {
  const cmp = (a: unknown, b: unknown): number => {
    if (a === b) return 0;
    if (a === null || a === undefined) return 1;
    if (b === null || b === undefined) return -1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    const x = String(a);
    const y = String(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
  rows.sort((a, b) => {
    for (let i = 0; i < a.keys.length; i++) {
      const c = cmp(a.keys[i], b.keys[i]);
      if (c !== 0) return c;
    }
    return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  });
  return rows.map((r) => r.id);
}

/** One attribute condition as SQL on alias `k`; undefined when the kind has no such attribute. */
function attributeTerm(t: KindTable, k: string, c: AttributeCondition): Sql | undefined {
  const a = t.attrs.find((x) => x.a.name === c.attribute);
  if (!a) return undefined;
  const col = `${k}.${q(a.col)}`;
  const sqlOf = (v: AttributeValue) => toSql(a.a.kind, v === null ? v : normaliseValue(a.a.kind, v));
  switch (c.op) {
    case 'isnull':
      return { sql: `${col} IS ${c.value === true ? '' : 'NOT '}NULL`, params: [] };
    case 'in':
      return { sql: `${col} ${IN_JSON}`, params: [JSON.stringify((c.value as AttributeValue[]).map(sqlOf))] };
    case 'like':
      return { sql: `${col} LIKE ? ESCAPE '\\'`, params: [`%${String(c.value).replace(/[\\%_]/g, (m) => `\\${m}`)}%`] };
    default:
      return { sql: `${col} = ?`, params: [sqlOf(c.value as AttributeValue)] };
  }
}
