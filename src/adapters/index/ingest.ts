import type Database from 'better-sqlite3';
import * as crypto from 'node:crypto';
import { decodeObject, locateKey, refKeyText, type DecodedObject, type RefKey } from '../../core/inventory/codec.js';
import type { AttributeValue, PeerRef } from '../../core/inventory/model.js';
import { objectPath } from '../../core/inventory/paths.js';
import { diag, type Diagnostic } from '../../core/diagnostics.js';
import { fromSql, toSql, type SqlValue } from '../../core/inventory/values.js';
import { buildPlan, linkOrder, makeBuildKit, type Records } from './build-kit.js';
import { FreshBuild } from './fresh.js';
import { q, type KindTable, type Layout } from './layout.js';
import { preparedOnce } from './statements.js';

/**
 * The one operation that changes the index: apply a list of file changes (path relative to the
 * inventory folder, new text or null for deleted, blob id). A refresh is this on the files git says
 * changed; `apply` is this on the files it writes; a request can bring a copied index to another
 * tree with it, no checkout needed. A full build is this on every file of an empty index, done by
 * ./fresh.ts, which streams.
 *
 * Call inside a transaction. References are resolved by hfid over the batch and the index; those
 * that do not resolve are kept in `dangling` and retried after each batch.
 */
export interface FileChange {
  path: string;
  text: string | null;
  blob: string;
}

export interface IngestOptions {
  /** The index is empty and `changes` is every file: built by ./fresh.ts (what a full build does). */
  fresh: boolean;
  /** How diagnostics name a file (e.g. `inventory/DcimDevice/a.json`). */
  display: (path: string) => string;
  /** The current content of a file not in the batch, to re-read objects affected by a change. */
  readContent: (path: string) => FileChange | undefined;
}

interface Stmts {
  insObject: Database.Statement;
  insEdge: Database.Statement;
  insDangling: Database.Statement;
  insProblem: Database.Statement;
  objByPath: Database.Statement;
  objById: Database.Statement;
  objByHfid: Database.Statement;
  delObject: Database.Statement;
  delEdges: Database.Statement;
  delDangling: Database.Statement;
  delProblems: Database.Statement;
  rows: Map<string, { ins: Database.Statement; del: Database.Statement; get: Database.Statement }>;
}

/** An `objects` row as the write path reads it back (id and kind are null for a file without a usable object). */
interface ObjectRow {
  rid: number;
  id: string | null;
  kind: string | null;
  hfid: string | null;
}

const stmtCache = new WeakMap<Database.Database, Stmts>();

function stmts(db: Database.Database, layout: Layout): Stmts {
  let s = stmtCache.get(db);
  if (s) return s;
  const rows = new Map<string, { ins: Database.Statement; del: Database.Statement; get: Database.Statement }>();
  for (const t of layout.kinds.values()) {
    const cols = ['rid', 'id', ...t.attrs.map((a) => a.col), ...t.ones.map((o) => o.col)];
    rows.set(t.schema.kind, {
      ins: db.prepare(`INSERT INTO ${q(t.table)}(${cols.map(q).join(',')}) VALUES (${cols.map(() => '?').join(',')})`),
      del: db.prepare(`DELETE FROM ${q(t.table)} WHERE rid = ?`),
      get: db.prepare(`SELECT * FROM ${q(t.table)} WHERE rid = ?`),
    });
  }
  s = {
    insObject: db.prepare('INSERT INTO objects(rid, path, blob, id, kind, hfid) VALUES (?, ?, ?, ?, ?, ?)'),
    insEdge: db.prepare('INSERT INTO edges(src, rel, dst) VALUES (?, ?, ?)'),
    insDangling: db.prepare('INSERT INTO dangling(src, rel, ref, path) VALUES (?, ?, ?, ?)'),
    insProblem: db.prepare('INSERT INTO problems(path, diag) VALUES (?, ?)'),
    objByPath: db.prepare('SELECT rid, id, kind, hfid FROM objects WHERE path = ?'),
    objById: db.prepare('SELECT rid, id, kind, path, hfid FROM objects WHERE id = ?'),
    objByHfid: db.prepare('SELECT id, kind FROM objects WHERE kind = ? AND hfid = ?'),
    delObject: db.prepare('DELETE FROM objects WHERE rid = ?'),
    delEdges: db.prepare('DELETE FROM edges WHERE src = ?'),
    delDangling: db.prepare('DELETE FROM dangling WHERE src = ?'),
    delProblems: db.prepare('DELETE FROM problems WHERE path = ?'),
    rows,
  };
  stmtCache.set(db, s);
  return s;
}

/** A decoded object of the batch on its way to the index. */
interface Entry {
  obj: DecodedObject;
  path: string;
  blob: string;
  hfid: string[] | undefined;
  /** JSON of the hfid as stored; null when it has none or another file already holds it. */
  hfidText: string | null;
}

interface Removed {
  kind: string;
  hfid: string | null;
  /** Values that other kinds' hfids read through a relationship: when they change, those objects move. */
  sig: string;
}

/** Applies `changes` and every follow-on re-read they cause (referrers of moved or deleted objects). */
export function ingest(db: Database.Database, layout: Layout, changes: Iterable<FileChange>, opts: IngestOptions): void {
  if (opts.fresh) {
    ingestFresh(db, layout, changes, opts);
    return;
  }
  let batch: Iterable<FileChange> = [...changes];
  const done = new Set<string>();
  // Each round re-reads files whose references or hfids depend on the previous round; a chain of
  // hfids through relationships is short, so the bound only guards against cycles.
  for (let round = 0; round < 16; round++) {
    const again = ingestOnce(db, layout, batch, opts, done);
    const next = [...again].filter((p) => !done.has(p)).sort();
    if (next.length === 0) break;
    batch = next.map((p) => opts.readContent(p) ?? { path: p, text: null, blob: '' });
  }
  retryDangling(db, layout);
}

function ingestFresh(db: Database.Database, layout: Layout, changes: Iterable<FileChange>, opts: IngestOptions): void {
  const plan = buildPlan(layout, linkOrder(layout));
  const kit = makeBuildKit(plan, crypto);
  const byPath = new Map<string, FileChange>();
  for (const c of changes) if (c.text !== null) byPath.set(c.path, c);
  const fresh = new FreshBuild(db, layout, plan, opts.display, opts.readContent);
  for (const p of kit.order(byPath.keys())) {
    const c = byPath.get(p)!;
    const record: Records = [];
    kit.record(record, c.path, c.blob, c.text!);
    fresh.add(record);
  }
  fresh.finish();
  fresh.afterIndexes();
}

function ingestOnce(db: Database.Database, layout: Layout, changes: Iterable<FileChange>, opts: IngestOptions, done: Set<string>): Set<string> {
  const s = stmts(db, layout);
  const schema = layout.schema;
  const removed = new Map<string, Removed>();
  for (const c of changes) {
    const old = s.objByPath.get(c.path) as ObjectRow | undefined;
    if (old && old.id !== null && old.kind !== null) {
      removed.set(old.id, { kind: old.kind, hfid: old.hfid, sig: viaSignature(layout, old.kind, s.rows.get(old.kind)?.get.get(old.rid) as Record<string, unknown> | undefined, true) });
      s.rows.get(old.kind)?.del.run(old.rid);
      s.delEdges.run(old.id);
      s.delDangling.run(old.id);
    }
    if (old) s.delObject.run(old.rid);
    s.delProblems.run(c.path);
  }
  const insertObject = (path: string, blob: string, id: string | null, kind: string | null, hfid: string | null): number | bigint =>
    s.insObject.run(null, path, blob, id, kind, hfid).lastInsertRowid;

  // Decode, grouped by kind in hfid order.
  const byKind = new Map<string, Entry[]>();
  const batchById = new Map<string, DecodedObject>();
  const problem = (path: string, d: Diagnostic) => s.insProblem.run(path, JSON.stringify(d));
  for (const c of changes) {
    done.add(c.path);
    if (c.text === null) continue;
    const { object, diagnostics } = decodeObject(schema, c.path, c.text, opts.display(c.path));
    for (const d of diagnostics) problem(c.path, d);
    if (!object) {
      insertObject(c.path, c.blob, null, null, null);
      continue;
    }
    const clash = batchById.has(object.id) || s.objById.get(object.id) !== undefined;
    if (clash) {
      problem(c.path, diag('error', 'inventory/duplicate-id', `id ${object.id} is already used by another file`, { file: opts.display(c.path), ...locateKey(c.text, 'id') }, { hint: 'two files hold the same object: keep one (a bad merge or a copied file?)' }));
      insertObject(c.path, c.blob, null, null, null);
      continue;
    }
    batchById.set(object.id, object);
    const list = byKind.get(object.kind);
    const entry: Entry = { obj: object, path: c.path, blob: c.blob, hfid: undefined, hfidText: null };
    if (list) list.push(entry);
    else byKind.set(object.kind, [entry]);
  }

  const batchByKey = new Map<string, PeerRef>();
  const resolve = (ref: RefKey): PeerRef | undefined => {
    if ('id' in ref) {
      const b = batchById.get(ref.id);
      if (b) return { id: b.id, kind: b.kind };
      const row = s.objById.get(ref.id) as { id: string; kind: string } | undefined;
      return row ? { id: row.id, kind: row.kind } : undefined;
    }
    const hit = batchByKey.get(refKeyText(ref));
    if (hit) return hit;
    const row = s.objByHfid.get(ref.kind, JSON.stringify(ref.hfid)) as { id: string; kind: string } | undefined;
    return row ? { id: row.id, kind: row.kind } : undefined;
  };
  const attrOf = (peer: PeerRef, attr: string): AttributeValue | undefined => {
    const b = batchById.get(peer.id);
    if (b) return b.attributes[attr];
    const t = layout.kinds.get(peer.kind);
    const a = t?.attrs.find((x) => x.a.name === attr);
    if (!t || !a) return undefined;
    const rid = (s.objById.get(peer.id) as { rid?: number } | undefined)?.rid;
    const row = rid === undefined ? undefined : (s.rows.get(peer.kind)!.get.get(rid) as Record<string, unknown> | undefined);
    return fromSql(a.a.kind, row?.[a.col]);
  };

  // Phase 1: every hfid (kinds in dependency order), so that phase 2 resolves references
  // whatever order the files came in.
  for (const kind of layout.order) {
    const list = byKind.get(kind);
    if (!list) continue;
    const t = layout.kinds.get(kind)!;
    for (const entry of list) {
      const { obj, path } = entry;
      const hfid = t.hfid ? computeHfid(t, obj, resolve, attrOf) : undefined;
      let hfidText: string | null = hfid ? JSON.stringify(hfid) : null;
      if (hfid) {
        // refKeyText({ kind, hfid }) without a second JSON.stringify.
        const key = `${kind}:${hfidText}`;
        const dup = batchByKey.get(key) ?? (s.objByHfid.get(kind, hfidText) as PeerRef | undefined);
        if (dup) {
          problem(path, diag('error', 'inventory/duplicate-hfid', `${kind} ${hfid.join(' / ')} is also defined by another file`, { file: opts.display(path), line: 1, column: 1 }, { hint: 'two objects share a human-friendly id: merge or rename one' }));
          hfidText = null;
        } else batchByKey.set(key, { id: obj.id, kind });
      }
      entry.hfid = hfid;
      entry.hfidText = hfidText;
    }
  }

  // Phase 2: rows, with references resolved over the batch and the index.
  for (const kind of layout.order) {
    const list = byKind.get(kind);
    if (!list) continue;
    const t = layout.kinds.get(kind)!;
    const row = s.rows.get(kind)!;
    for (const { obj, path, blob, hfid, hfidText } of list) {
      const expected = objectPath(kind, obj.id, hfidText === null ? undefined : hfid);
      if (expected !== path) {
        problem(path, diag('error', 'inventory/path-mismatch', `the file of this ${kind} should be ${opts.display(expected)}`, { file: opts.display(path), line: 1, column: 1 }, { hint: 'files are named by their hfid: move the file (git mv) or let svc rewrite it' }));
      }
      const params: SqlValue[] = [insertObject(path, blob, obj.id, kind, hfidText), obj.id];
      for (const { a } of t.attrs) params.push(toSql(a.kind, obj.attributes[a.name]));
      for (const { rel } of t.ones) {
        const ref = obj.refs[rel.name];
        let peer: PeerRef | undefined;
        if (ref && !Array.isArray(ref)) {
          peer = resolve(ref);
          if (peer && !schema.isA(peer.kind, rel.peer)) peer = undefined;
          if (!peer) s.insDangling.run(obj.id, rel.name, refKeyText(ref), path);
        }
        params.push(peer?.id ?? null);
      }
      row.ins.run(params);
      for (const rel of t.manys) {
        const refs = obj.refs[rel.name];
        if (!Array.isArray(refs)) continue;
        for (const ref of refs) {
          const peer = resolve(ref);
          if (peer && schema.isA(peer.kind, rel.peer)) s.insEdge.run(obj.id, rel.name, peer.id);
          else s.insDangling.run(obj.id, rel.name, refKeyText(ref), path);
        }
      }
    }
  }

  // Objects that moved, vanished or changed values other hfids read: re-read who refers to them.
  const again = new Set<string>();
  for (const [id, old] of removed) {
    const now = batchById.get(id);
    const nowHfid = now ? ((s.objById.get(id) as { hfid: string | null } | undefined)?.hfid ?? null) : undefined;
    const moved = !now || now.kind !== old.kind || nowHfid !== old.hfid;
    const sigChanged = now ? viaSignature(layout, now.kind, now.attributes, false) !== old.sig : true;
    if (!moved && !sigChanged) continue;
    for (const p of referrers(db, layout, id, old.kind, moved ? undefined : 'via')) again.add(p);
  }
  return again;
}

function computeHfid(
  t: KindTable,
  obj: DecodedObject,
  resolve: (ref: RefKey) => PeerRef | undefined,
  attrOf: (peer: PeerRef, attr: string) => AttributeValue | undefined,
): string[] | undefined {
  const out: string[] = [];
  for (const p of t.hfid!) {
    let v: AttributeValue | undefined;
    if (p.via.length === 0) v = obj.attributes[p.attribute];
    else {
      const ref = obj.refs[p.via[0]!];
      const peer = ref && !Array.isArray(ref) ? resolve(ref) : undefined;
      v = peer ? attrOf(peer, p.attribute) : undefined;
    }
    if (v === undefined || v === null) return undefined;
    out.push(typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  return out;
}

/** The values of `kind` that other kinds' hfids read (from a row of its table, or decoded attributes). */
function viaSignature(layout: Layout, kind: string, values: Record<string, unknown> | undefined, isRow: boolean): string {
  const deps = layout.viaDependents.get(kind);
  if (!deps || !values) return '';
  const t = layout.kinds.get(kind)!;
  const attrs = [...new Set(deps.flatMap((d) => d.attrs))].sort();
  return JSON.stringify(attrs.map((name) => {
    const a = t.attrs.find((x) => x.a.name === name);
    if (!a) return null;
    return isRow ? (fromSql(a.a.kind, values[a.col]) ?? null) : (values[name] ?? null);
  }));
}

/** Paths of the objects whose stored relationships point at `id` (`via`: only those whose hfid reads through it). */
function referrers(db: Database.Database, layout: Layout, id: string, kind: string, only?: 'via'): string[] {
  const out: string[] = [];
  const schema = layout.schema;
  for (const t of layout.kinds.values()) {
    const viaRels = new Set((layout.viaDependents.get(kind) ?? []).filter((d) => d.kind === t.schema.kind).map((d) => d.rel));
    for (const { rel, col } of t.ones) {
      if (!schema.isA(kind, rel.peer)) continue;
      if (only === 'via' && !viaRels.has(rel.name)) continue;
      for (const r of db.prepare(`SELECT o.path FROM ${q(t.table)} k JOIN objects o ON o.rid = k.rid WHERE k.${q(col)} = ?`).all(id) as { path: string }[]) out.push(r.path);
    }
  }
  if (only !== 'via') {
    for (const r of db.prepare('SELECT o.path FROM edges e JOIN objects o ON o.id = e.src WHERE e.dst = ?').all(id) as { path: string }[]) out.push(r.path);
  }
  return out;
}

/** References that did not resolve before may resolve now (their peer arrived or was fixed). */
function retryDangling(db: Database.Database, layout: Layout): void {
  const rows = db.prepare('SELECT d.rowid AS rowid, d.src, d.rel, d.ref, o.kind FROM dangling d JOIN objects o ON o.id = d.src').all() as { rowid: number; src: string; rel: string; ref: string; kind: string }[];
  const s = stmts(db, layout);
  const byId = db.prepare('SELECT id, kind FROM objects WHERE id = ?');
  const del = db.prepare('DELETE FROM dangling WHERE rowid = ?');
  for (const d of rows) {
    let peer: PeerRef | undefined;
    if (d.ref.startsWith('#')) peer = byId.get(d.ref.slice(1)) as PeerRef | undefined;
    else {
      const i = d.ref.indexOf(':');
      peer = s.objByHfid.get(d.ref.slice(0, i), d.ref.slice(i + 1)) as PeerRef | undefined;
    }
    const t = layout.kinds.get(d.kind);
    if (!peer || !t) continue;
    const one = t.ones.find((o) => o.rel.name === d.rel);
    const many = t.manys.find((r) => r.name === d.rel);
    if (one && layout.schema.isA(peer.kind, one.rel.peer)) preparedOnce(db, `UPDATE ${q(t.table)} SET ${q(one.col)} = ? WHERE rid = (SELECT rid FROM objects WHERE id = ?)`).run(peer.id, d.src);
    else if (many && layout.schema.isA(peer.kind, many.peer)) s.insEdge.run(d.src, d.rel, peer.id);
    else continue;
    del.run(d.rowid);
  }
}
