import type Database from 'better-sqlite3';
import { diag, sortDiagnostics, type Diagnostic } from '../../core/diagnostics.js';
import { UsageError } from '../../core/errors.js';
import { locateKey } from '../../core/inventory/codec.js';
import type { RelationView } from '../../core/inventory/api.js';
import type { AttributeValue, InventoryObject, PeerRef } from '../../core/inventory/model.js';
import { fromSql, toSql } from '../../core/inventory/values.js';
import { didYouMean } from '../../core/suggest.js';
import type { FileChange } from './ingest.js';
import { q, type KindTable, type Layout } from './layout.js';

/**
 * Queries over the index. Values come back typed (fromSql); objects in a stable order (kind, then
 * path, which follows the hfid).
 */
export class IndexReader {
  private readonly kindOf: Database.Statement;
  private readonly ridOf: Database.Statement;
  private readonly objRow: Database.Statement;
  private readonly edgesOf: Database.Statement;
  private readonly rowStmts = new Map<string, Database.Statement>();

  constructor(
    readonly db: Database.Database,
    readonly layout: Layout,
    readonly display: (path: string) => string,
    private readonly readContent: (path: string) => FileChange | undefined,
  ) {
    this.kindOf = db.prepare('SELECT kind FROM objects WHERE id = ?').pluck();
    this.ridOf = db.prepare('SELECT rid, kind FROM objects WHERE id = ?');
    this.objRow = db.prepare('SELECT id, kind, path, hfid FROM objects WHERE id = ?');
    this.edgesOf = db.prepare('SELECT e.rel, e.dst, o.kind FROM edges e JOIN objects o ON o.id = e.dst WHERE e.src = ? ORDER BY e.rel, e.dst');
  }

  /** Prepared once: generation asks these thousands of times. */
  private byHfidStmt: Database.Statement | undefined;
  private readonly queryStmts = new Map<string, Database.Statement>();

  get schema() {
    return this.layout.schema;
  }

  private table(kind: string): KindTable {
    const t = this.layout.kinds.get(kind);
    if (!t) throw new UsageError('inventory/unknown-kind', `unknown kind "${kind}"`);
    return t;
  }

  get(id: string): InventoryObject | undefined {
    const o = this.ridOf.get(id) as { rid: number; kind: string } | undefined;
    if (o === undefined) return undefined;
    const kind = o.kind;
    let st = this.rowStmts.get(kind);
    if (!st) this.rowStmts.set(kind, (st = this.db.prepare(`SELECT * FROM ${q(this.table(kind).table)} WHERE rid = ?`)));
    const row = st.get(o.rid) as Record<string, unknown> | undefined;
    return row ? this.toObject(this.table(kind), row) : undefined;
  }

  private toObject(t: KindTable, row: Record<string, unknown>): InventoryObject {
    const attributes: Record<string, AttributeValue> = {};
    for (const { a, col } of t.attrs) {
      const v = fromSql(a.kind, row[col]);
      if (v !== undefined) attributes[a.name] = v;
    }
    const relationships: InventoryObject['relationships'] = {};
    for (const { rel, col } of t.ones) {
      const peer = row[col];
      if (typeof peer !== 'string') continue;
      const generic = this.schema.get(rel.peer)?.isGeneric;
      relationships[rel.name] = { id: peer, kind: generic ? ((this.kindOf.get(peer) as string | undefined) ?? rel.peer) : rel.peer };
    }
    if (t.manys.length) {
      for (const e of this.edgesOf.all(row.id) as { rel: string; dst: string; kind: string }[]) {
        const list = (relationships[e.rel] ??= []) as PeerRef[];
        list.push({ id: e.dst, kind: e.kind });
      }
    }
    return { id: String(row.id), kind: t.schema.kind, attributes, relationships };
  }

  findByHfid(kind: string, hfid: readonly string[]): InventoryObject | undefined {
    const id = this.idByHfid(kind, hfid);
    return id === undefined ? undefined : this.get(id);
  }

  list(kind: string): InventoryObject[] {
    return this.query(kind);
  }

  /**
   * `peers`: relationship name → the id its peer must be (null: objects with no peer there), for
   * relationships this kind's files store; a concrete kind that stores no such relationship has no
   * object that matches.
   */
  query(kind: string, filter: Record<string, AttributeValue> = {}, peers: Record<string, string | null> = {}): InventoryObject[] {
    return this.listing(kind, filter, peers).map((e) => e.obj);
  }

  /**
   * query(), each object with its file's path (relative to the inventory folder) and its hfid: what
   * a listing shows, read by the same statement rather than looked up object by object.
   */
  listing(kind: string, filter: Record<string, AttributeValue> = {}, peers: Record<string, string | null> = {}): Listed[] {
    const k = this.schema.get(kind);
    if (!k) throw new UsageError('inventory/unknown-kind', `unknown kind "${kind}"`, { hint: didYouMean(kind, this.schema.kinds.keys()) ?? 'see the kinds in `svc schema`' });
    const out: Listed[] = [];
    for (const key of Object.keys(filter)) {
      if (!k.attributes.some((a) => a.name === key)) {
        throw new UsageError('inventory/unknown-filter', `${kind} has no attribute "${key}"`, { hint: didYouMean(key, k.attributes.map((a) => a.name)) ?? `attributes: ${k.attributes.map((a) => a.name).join(', ')}` });
      }
    }
    for (const concrete of this.schema.concreteKinds(kind)) {
      const t = this.table(concrete);
      const statement = listingStatement(t, filter, peers);
      if (!statement) continue;
      let st = this.queryStmts.get(statement.sql);
      if (!st) this.queryStmts.set(statement.sql, (st = this.db.prepare(statement.sql)));
      for (const row of st.all(...statement.params) as Record<string, unknown>[]) {
        out.push({ path: String(row['o.path']), hfidJson: (row['o.hfid'] as string | null) ?? null, obj: this.toObject(t, row) });
      }
    }
    return out.sort((a, b) => cmp(a.path, b.path));
  }

  private readonly referrerStmts = new Map<string, { t: KindTable; ids: Database.Statement; rows: Database.Statement; args: string[] }[]>();

  /** Per concrete kind of `kind` that stores `rel`: the statements finding the objects pointing at an id. */
  private referrerQueries(kind: string, rel: string) {
    const key = `${kind}\0${rel}`;
    let stmts = this.referrerStmts.get(key);
    if (!stmts) {
      stmts = [];
      for (const concrete of this.schema.concreteKinds(kind)) {
        const t = this.layout.kinds.get(concrete);
        const one = t?.ones.find((o) => o.rel.name === rel);
        if (t && one) {
          const from = `FROM ${q(t.table)} k WHERE k.${q(one.col)} = ?`;
          stmts.push({ t, ids: this.db.prepare(`SELECT k.id ${from}`).pluck(), rows: this.db.prepare(`SELECT k.* ${from}`), args: [] });
        } else if (t?.manys.some((m) => m.name === rel)) {
          const from = `FROM edges e JOIN objects o ON o.id = e.src JOIN ${q(t.table)} k ON k.rid = o.rid WHERE e.dst = ? AND e.rel = ? AND o.kind = ?`;
          stmts.push({ t, ids: this.db.prepare(`SELECT k.id ${from}`).pluck(), rows: this.db.prepare(`SELECT k.* ${from}`), args: [rel, concrete] });
        }
      }
      this.referrerStmts.set(key, stmts);
    }
    return stmts;
  }

  /**
   * Ids of the objects of `kind` (a generic: every inheriting kind) whose stored relationship `rel`
   * points at `id`, sorted. One indexed lookup per concrete kind, where relationsOf walks every
   * relationship of the schema.
   */
  referrers(id: string, kind: string, rel: string): string[] {
    const out: string[] = [];
    for (const { ids, args } of this.referrerQueries(kind, rel)) out.push(...(ids.all(id, ...args) as string[]));
    return out.sort();
  }

  /** The objects `referrers` names, read in one statement per kind (generation reads every port of a switch). */
  referrerObjects(id: string, kind: string, rel: string): InventoryObject[] {
    const out: InventoryObject[] = [];
    for (const { t, rows, args } of this.referrerQueries(kind, rel)) {
      for (const row of rows.all(id, ...args) as Record<string, unknown>[]) out.push(this.toObject(t, row));
    }
    return out.sort((a, b) => cmp(a.id, b.id));
  }

  /** The git blob ids of the objects' files (their contents, for telling whether they changed); absent ids are left out. */
  blobsOf(ids: readonly string[]): Map<string, string> {
    // One statement for a whole list: a point lookup per id costs several times more.
    const st = (this.blobsStmt ??= this.db.prepare('SELECT id, blob FROM objects WHERE id IN (SELECT value FROM json_each(?))').raw());
    return new Map(st.all(JSON.stringify(ids)) as [string, string][]);
  }

  private blobsStmt: Database.Statement | undefined;

  /** The id under a human-friendly id, without reading the object. */
  idByHfid(kind: string, hfid: readonly string[]): string | undefined {
    const st = (this.byHfidStmt ??= this.db.prepare('SELECT id FROM objects WHERE kind = ? AND hfid = ?').pluck());
    const text = JSON.stringify(hfid);
    for (const k of this.schema.concreteKinds(kind)) {
      const id = st.get(k, text) as string | undefined;
      if (id !== undefined) return id;
    }
    return undefined;
  }

  hfidOf(id: string): string[] | undefined {
    const r = this.objRow.get(id) as { hfid: string | null } | undefined;
    return r?.hfid ? (JSON.parse(r.hfid) as string[]) : undefined;
  }

  /** Relative to the inventory folder (the API's pathOf adds the folder). */
  innerPathOf(id: string): string | undefined {
    return (this.objRow.get(id) as { path: string } | undefined)?.path;
  }

  pathOf(id: string): string | undefined {
    const p = this.innerPathOf(id);
    return p === undefined ? undefined : this.display(p);
  }

  relationsOf(id: string): RelationView[] {
    const obj = this.get(id);
    if (!obj) return [];
    const t = this.table(obj.kind);
    const views: RelationView[] = [];
    const peerSort = (peers: PeerRef[]) => peers.map((p) => ({ p, key: `${p.kind}\0${this.hfidOf(p.id)?.join('\0') ?? ''}\0${p.id}` })).sort((a, b) => cmp(a.key, b.key)).map((x) => x.p);
    for (const { rel } of t.ones) {
      const v = obj.relationships[rel.name];
      if (v && !Array.isArray(v)) views.push({ name: rel.name, direction: 'out', identifier: rel.identifier, cardinality: 'one', peer: rel.peer, peers: [v] });
    }
    for (const rel of t.manys) {
      const v = obj.relationships[rel.name];
      if (Array.isArray(v) && v.length) views.push({ name: rel.name, direction: 'out', identifier: rel.identifier, cardinality: 'many', peer: rel.peer, peers: peerSort(v) });
    }
    for (const other of this.layout.kinds.values()) {
      for (const { rel, col } of other.ones) {
        if (!this.schema.isA(obj.kind, rel.peer)) continue;
        const ids = this.db.prepare(`SELECT id FROM ${q(other.table)} WHERE ${q(col)} = ?`).pluck().all(id) as string[];
        if (ids.length) views.push(this.inbound(t, other, rel.name, rel.identifier, ids));
      }
      for (const rel of other.manys) {
        if (!this.schema.isA(obj.kind, rel.peer)) continue;
        const ids = this.db.prepare('SELECT e.src FROM edges e JOIN objects o ON o.id = e.src WHERE e.dst = ? AND e.rel = ? AND o.kind = ?').pluck().all(id, rel.name, other.schema.kind) as string[];
        if (ids.length) views.push(this.inbound(t, other, rel.name, rel.identifier, ids));
      }
    }
    // Several peer kinds may feed one derived relationship (a generic peer): merge them.
    const merged = new Map<string, RelationView>();
    for (const v of views) {
      const key = `${v.name}\0${v.direction}`;
      const m = merged.get(key);
      if (m) m.peers.push(...v.peers);
      else merged.set(key, { ...v, peers: [...v.peers] });
    }
    return [...merged.values()]
      .map((v) => ({ ...v, peers: peerSort(v.peers) }))
      .sort((a, b) => cmp(a.name, b.name) || cmp(a.direction, b.direction));
  }

  private inbound(t: KindTable, other: KindTable, relName: string, identifier: string, ids: string[]): RelationView {
    const mine = t.schema.relationships.find((r) => r.identifier === identifier && (other.schema.kind !== t.schema.kind || r.name !== relName));
    return {
      name: mine?.name ?? `~${other.schema.kind}.${relName}`,
      direction: 'in',
      identifier,
      cardinality: mine?.cardinality ?? 'many',
      peer: mine?.peer ?? other.schema.kind,
      peers: ids.map((x) => ({ id: x, kind: other.schema.kind })),
    };
  }

  /** Findings recorded while indexing, plus uniqueness violations of downgraded indexes. */
  problems(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const r of this.db.prepare('SELECT diag FROM problems').pluck().all() as string[]) out.push(JSON.parse(r) as Diagnostic);
    for (const d of this.db.prepare('SELECT d.rel, d.ref, d.path, o.kind FROM dangling d JOIN objects o ON o.id = d.src ORDER BY d.path, d.rel, d.ref').all() as { rel: string; ref: string; path: string; kind: string }[]) {
      const text = this.readContent(d.path)?.text ?? '';
      const what = d.ref.startsWith('#') ? `id ${d.ref.slice(1)}` : d.ref.replace(':', ' ');
      out.push(diag('error', 'inventory/dangling-reference', `${d.rel}: no object ${what}`, { file: this.display(d.path), ...locateKey(text, d.rel) }, { subject: d.kind, key: d.rel, hint: 'the peer was renamed or deleted, or is misspelt: correct the reference or add the object' }));
    }
    const fallback = JSON.parse((this.db.prepare("SELECT value FROM meta WHERE key = 'fallback'").pluck().get() as string | undefined) ?? '[]') as string[];
    for (const t of this.layout.kinds.values()) {
      for (const u of t.uniques) {
        if (!fallback.includes(u.name)) continue;
        const cols = u.cols.map((c) => `k.${q(c)}`).join(', ');
        const sql = `SELECT o.path, ${cols} FROM ${q(t.table)} k JOIN objects o ON o.rid = k.rid WHERE (${cols}) IN (SELECT ${u.cols.map(q).join(', ')} FROM ${q(t.table)} WHERE ${u.cols.map((c) => `${q(c)} IS NOT NULL`).join(' AND ')} GROUP BY ${u.cols.map(q).join(', ')} HAVING count(*) > 1) ORDER BY o.path`;
        const key = u.cols.find((c) => c.startsWith('a_'))?.slice(2) ?? u.cols[0]!.slice(2);
        for (const r of this.db.prepare(sql).all() as { path: string }[]) {
          const where = locateKey(this.readContent(r.path)?.text ?? '', key);
          out.push(diag('error', 'inventory/unique-violation', `${t.schema.kind}: ${u.label} must be unique, another object has the same value`, { file: this.display(r.path), ...where }, { subject: t.schema.kind, key: u.label, hint: 'change one of the objects (often a bad merge)' }));
        }
      }
    }
    return sortDiagnostics(out);
  }
}

/**
 * The statement listing a concrete kind's objects that match, in path order; undefined when `peers`
 * names a relationship this kind does not store (none of its objects can match).
 */
export function listingStatement(t: KindTable, filter: Record<string, AttributeValue>, peers: Record<string, string | null>): { sql: string; params: unknown[] } | undefined {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [rel, peer] of Object.entries(peers)) {
    const one = t.ones.find((o) => o.rel.name === rel);
    if (one) {
      where.push(peer === null ? `k.${q(one.col)} IS NULL` : `k.${q(one.col)} = ?`);
      if (peer !== null) params.push(peer);
    } else if (t.manys.some((m) => m.name === rel)) {
      where.push(peer === null ? 'NOT EXISTS (SELECT 1 FROM edges e WHERE e.src = k.id AND e.rel = ?)' : 'EXISTS (SELECT 1 FROM edges e WHERE e.src = k.id AND e.rel = ? AND e.dst = ?)');
      params.push(rel, ...(peer === null ? [] : [peer]));
    } else return undefined;
  }
  for (const [key, value] of Object.entries(filter)) {
    const a = t.attrs.find((x) => x.a.name === key)!;
    const v = toSql(a.a.kind, value);
    if (v === null) where.push(`k.${q(a.col)} IS NULL`);
    else {
      where.push(`k.${q(a.col)} = ?`);
      params.push(v);
    }
  }
  // CROSS JOIN keeps the kind table outside: without statistics SQLite would rather walk the whole
  // path index of `objects` (every object of every kind) to save sorting this kind's rows, ten times
  // slower for a kind of 1,000 objects among 100,000.
  const sql = `SELECT k.*, o.path AS "o.path", o.hfid AS "o.hfid" FROM ${q(t.table)} k CROSS JOIN objects o ON o.rid = k.rid${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY o.path`;
  return { sql, params };
}

/** An object as a listing shows it. */
export interface Listed {
  obj: InventoryObject;
  /** Relative to the inventory folder. */
  path: string;
  /** The hfid as the index keeps it (JSON text), parsed only by a caller that shows it: query() serves generation too. */
  hfidJson: string | null;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
