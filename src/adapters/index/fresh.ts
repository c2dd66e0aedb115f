import type Database from 'better-sqlite3';
import * as crypto from 'node:crypto';
import { decodeObject, locateKey, refKeyText, type DecodedObject } from '../../core/inventory/codec.js';
import type { AttributeValue } from '../../core/inventory/model.js';
import { diag, type Diagnostic } from '../../core/diagnostics.js';
import type { AttributeKind } from '../../core/schema/model.js';
import { fromSql, toSql } from '../../core/inventory/values.js';
import { makeBuildKit, RECORD_VALUES, type BuildKit, type BuildPlan, type Records } from './build-kit.js';
import type { FileChange } from './ingest.js';
import { q, type KindTable, type Layout } from './layout.js';
import { preparedOnce } from './statements.js';

/**
 * The second half of a full build: records (./build-kit.ts) in build order → rows of an empty index,
 * streamed: a record is linked and inserted as it arrives, and nothing of it is kept but what later
 * files may ask about (its id, its hfid, and for kinds a reference can name, its kind and the
 * attributes other kinds' hfids read).
 *
 * Same result as ingest() of every file at once, with two differences in who wins a clash, which
 * stay deterministic: records arrive kind by kind (./build-kit.ts linkOrder) rather than in path
 * order, and uncommitted new files after committed ones. So of two files with the same id or hfid,
 * the one that comes first in that order is indexed and the other reported. (Also, in data that is
 * broken anyway, an hfid read through a reference to an object of the wrong kind is not computed.)
 *
 * A record whose hfid reads through a peer not seen yet (a cycle between kinds, or a peer that is a
 * new file) waits until every file has been seen; so do references to peers not seen yet. Both are
 * rare and kept small (no texts).
 *
 * This runs on the build's critical path (the other thread only reads and decodes), so rows go in
 * by many per statement, with their values spread as arguments (cheaper to bind than an array),
 * and what is remembered of 100k objects avoids big Maps, whose lookups miss the CPU caches
 * (~300 ns each): ids, and hfids of kinds no reference names, are remembered as 64-bit values in
 * typed arrays (Set64). An id is exactly 64 bits; an hfid's 64-bit hash may collide, so a repeat
 * found that way is only a suspect until afterIndexes() asks the index. Only objects a reference can
 * name (kinds some stored relationship points to) are kept in Maps.
 */
interface KindInfo {
  t: KindTable;
  kind: string;
  /** Some stored relationship can point to objects of this kind: they are kept for resolving references. */
  referable: boolean;
  /** Record length. */
  size: number;
  /** Offsets in a record of the attribute, `one` and `many` values. */
  attrAt: number;
  oneAt: number;
  manyAt: number;
  rows: RowBuffer;
  /** Concrete kinds each `one` / `many` relationship accepts. */
  oneAccept: Set<string>[];
  manyAccept: Set<string>[];
  /** Per hfid component: the offset of the attribute (-1: not an attribute of this kind) or of the `one` reference it reads through. */
  hfid: { own: boolean; at: number; kind: AttributeKind | undefined; attr: string }[] | undefined;
  /** Attributes other kinds' hfids read from objects of this kind: [name, offset, kind]. */
  viaAttrs: [string, number, AttributeKind][] | undefined;
  orderRank: number;
}

interface Deferred {
  rec: Records;
}

/** A file whose hfid may repeat another's (equal 64-bit hashes): told for sure once the index exists. */
interface Suspect {
  rid: number;
  path: string;
  id: string;
  kind: string;
  hfid: string;
  /** The path check had the hfid stood. */
  mismatch: string | null;
}

interface DeferredRef {
  rid: number;
  k: KindInfo;
  id: string;
  path: string;
  /** Index among the kind's `one` relationships, or -1 - index among its `many` ones. */
  which: number;
  key: string;
}

const DEFER = Symbol('defer');

/** Rows of one table, inserted `per` at a time. */
class RowBuffer {
  readonly values: unknown[] = [];
  private readonly one: Database.Statement;
  private readonly many: Database.Statement;
  private readonly per: number;
  private readonly width: number;

  constructor(db: Database.Database, table: string, cols: string[]) {
    this.width = cols.length;
    // Well under SQLite's limit of 32766 parameters per statement.
    this.per = Math.max(1, Math.min(32, Math.floor(16000 / cols.length)));
    const row = `(${cols.map(() => '?').join(',')})`;
    const head = `INSERT INTO ${q(table)}(${cols.map(q).join(',')}) VALUES `;
    this.one = db.prepare(head + row);
    this.many = db.prepare(head + Array(this.per).fill(row).join(','));
  }

  /** After pushing a row's values. */
  added(): void {
    if (this.values.length === this.per * this.width) {
      this.many.run(...this.values);
      this.values.length = 0;
    }
  }

  flush(): void {
    for (let i = 0; i < this.values.length; i += this.width) this.one.run(...this.values.slice(i, i + this.width));
    this.values.length = 0;
  }
}

export class FreshBuild {
  private readonly kinds: KindInfo[];
  private readonly byKind = new Map<string, KindInfo>();
  private readonly objects: RowBuffer;
  private readonly insEdge: Database.Statement;
  private readonly insDangling: Database.Statement;
  private readonly insProblem: Database.Statement;
  private readonly kit: BuildKit;
  /** Every id indexed so far. */
  private readonly seenIds = new Set64();
  /** Hashes of every hfid key (`<Kind>:<hfid JSON>`) of kinds no reference can name. */
  private readonly seenKeys = new Set64();
  private readonly suspects: Suspect[] = [];
  /** id → kind, of objects a reference can name. */
  private readonly ids = new Map<string, string>();
  /** `<Kind>:<hfid JSON>` → id, of objects a reference can name. */
  private readonly keys = new Map<string, string>();
  /** id → the attributes other hfids read, of objects of kinds that have such readers. */
  private readonly viaValues = new Map<string, Record<string, AttributeValue | undefined>>();
  private readonly deferred: Deferred[] = [];
  private readonly deferredRefs: DeferredRef[] = [];
  /** Row ids are handed out in the order rows are placed (afterIndexes relies on it). */
  private rid = 0;
  private files = 0;
  private final = false;
  /** Set by resolve(). */
  private peerKind = '';
  private lastKey = '';
  private lastId: string | undefined;
  private lastKind = '';

  constructor(
    private readonly db: Database.Database,
    private readonly layout: Layout,
    plan: BuildPlan,
    private readonly display: (path: string) => string,
    private readonly readContent: (path: string) => FileChange | undefined,
  ) {
    const schema = layout.schema;
    this.kit = makeBuildKit(plan, crypto);
    const concrete = [...layout.kinds.keys()];
    const accepting = (peer: string) => new Set(concrete.filter((k) => schema.isA(k, peer)));
    const referable = new Set<string>();
    for (const t of layout.kinds.values()) for (const rel of [...t.ones.map((o) => o.rel), ...t.manys]) for (const k of accepting(rel.peer)) referable.add(k);
    this.kinds = plan.kinds.map((pk) => {
      const t = layout.kinds.get(pk.kind)!;
      const attrAt = RECORD_VALUES;
      const oneAt = attrAt + t.attrs.length;
      const manyAt = oneAt + t.ones.length;
      const deps = layout.viaDependents.get(pk.kind);
      const viaNames = deps ? [...new Set(deps.flatMap((d) => d.attrs))].sort() : undefined;
      const info: KindInfo = {
        t,
        kind: pk.kind,
        referable: referable.has(pk.kind),
        size: RECORD_VALUES + pk.width,
        attrAt,
        oneAt,
        manyAt,
        rows: new RowBuffer(db, t.table, ['rid', 'id', ...t.attrs.map((a) => a.col), ...t.ones.map((o) => o.col)]),
        oneAccept: t.ones.map((o) => accepting(o.rel.peer)),
        manyAccept: t.manys.map((r) => accepting(r.peer)),
        hfid: t.hfid?.map((p) => {
          if (p.via.length === 0) {
            const i = t.attrs.findIndex((a) => a.a.name === p.attribute);
            return { own: true, at: i < 0 ? -1 : attrAt + i, kind: t.attrs[i]?.a.kind, attr: p.attribute };
          }
          return { own: false, at: oneAt + t.ones.findIndex((o) => o.rel.name === p.via[0]), kind: undefined, attr: p.attribute };
        }),
        viaAttrs: viaNames?.flatMap((name): [string, number, AttributeKind][] => {
          const i = t.attrs.findIndex((a) => a.a.name === name);
          return i < 0 ? [] : [[name, attrAt + i, t.attrs[i]!.a.kind]];
        }),
        orderRank: layout.order.indexOf(pk.kind),
      };
      this.byKind.set(pk.kind, info);
      return info;
    });
    this.objects = new RowBuffer(db, 'objects', ['rid', 'path', 'blob', 'id', 'kind', 'hfid']);
    this.insEdge = db.prepare('INSERT INTO edges(src, rel, dst) VALUES (?, ?, ?)');
    this.insDangling = db.prepare('INSERT INTO dangling(src, rel, ref, path) VALUES (?, ?, ?, ?)');
    this.insProblem = db.prepare('INSERT INTO problems(path, diag) VALUES (?, ?)');
  }

  /** Files added so far. */
  get count(): number {
    return this.files;
  }

  /** About how many files will come: the sets of ids and hfids are sized once instead of growing. */
  expect(files: number): void {
    this.seenIds.reserve(files);
    this.seenKeys.reserve(files);
  }

  /** Records back to back, as a ChunkReader makes them. */
  add(records: Records): void {
    for (let at = 0; at < records.length; ) {
      const ki = records[at] as number;
      const next = at + (ki < 0 ? 4 : this.kinds[ki]!.size);
      this.addOne(records, at);
      at = next;
    }
  }

  /** After the last record: what waited for later files. */
  finish(): void {
    // In hfid order, as if every file had been there from the start.
    const rank = (d: Deferred) => this.kinds[d.rec[0] as number]!.orderRank;
    const waiting = this.deferred.splice(0).sort((a, b) => rank(a) - rank(b) || cmp(a.rec[1] as string, b.rec[1] as string));
    for (const d of waiting) {
      const k = this.kinds[d.rec[0] as number]!;
      this.final = true;
      const hfid = this.hfidOf(k, d.rec, 0);
      // Its references may name another waiting record: they are resolved below, once all are placed.
      this.final = false;
      this.place(++this.rid, k, d.rec, 0, hfid === DEFER ? undefined : hfid);
    }
    this.final = true;
    this.objects.flush();
    for (const k of this.kinds) k.rows.flush();
    for (const d of this.deferredRefs.splice(0)) {
      const peer = this.resolve(d.key);
      if (d.which >= 0) {
        // Prepared once: many may wait (every subscription's reference to its root block, whose hfid reads through the subscription).
        if (peer !== undefined && d.k.oneAccept[d.which]!.has(this.peerKind)) preparedOnce(this.db, `UPDATE ${q(d.k.t.table)} SET ${q(d.k.t.ones[d.which]!.col)} = ? WHERE rid = ?`).run(peer, d.rid);
        else this.insDangling.run(d.id, d.k.t.ones[d.which]!.rel.name, d.key, d.path);
      } else {
        const m = -1 - d.which;
        if (peer !== undefined && d.k.manyAccept[m]!.has(this.peerKind)) this.insEdge.run(d.id, d.k.t.manys[m]!.name, peer);
        else this.insDangling.run(d.id, d.k.t.manys[m]!.name, d.key, d.path);
      }
    }
  }

  /**
   * Once the lookup indexes exist (indexStatements): which suspected repeated hfids were repeats
   * (few, and cheap to tell with the indexes).
   */
  afterIndexes(): void {
    const first = this.db.prepare('SELECT min(rid) FROM objects WHERE kind = ? AND hfid = ?').pluck();
    const drop = this.db.prepare('UPDATE objects SET hfid = NULL WHERE rid = ?');
    for (const x of this.suspects.splice(0)) {
      let mismatch = x.mismatch;
      // A repeat if a row placed before it has the same hfid.
      if ((first.get(x.kind, x.hfid) as number) < x.rid) {
        this.duplicateHfid(x.path, x.kind, JSON.parse(x.hfid) as string[]);
        drop.run(x.rid);
        const expected = this.kit.objectPath(x.kind, x.id, []);
        mismatch = expected === x.path ? null : expected;
      }
      if (mismatch !== null) this.pathMismatch(x.path, x.kind, mismatch);
    }
  }

  private addOne(b: Records, at: number): void {
    this.files++;
    if ((b[at] as number) < 0) {
      const r = this.careful(b, at);
      if (!r) return;
      b = r;
      at = 0;
    }
    const k = this.kinds[b[at] as number]!;
    const id = b[at + 3] as string;
    if (!this.seenIds.add(hexHigh(id), hexLow(id))) {
      const path = b[at + 1] as string;
      this.problem(path, diag('error', 'inventory/duplicate-id', `id ${id} is already used by another file`, { file: this.display(path), ...locateKey(this.readContent(path)?.text ?? '', 'id') }, { hint: 'two files hold the same object: keep one (a bad merge or a copied file?)' }));
      this.objects.values.push(++this.rid, path, b[at + 2], null, null, null);
      this.objects.added();
      return;
    }
    if (k.referable) this.ids.set(id, k.kind);
    if (k.viaAttrs) {
      const values: Record<string, AttributeValue | undefined> = {};
      for (const [name, off, kind] of k.viaAttrs) values[name] = fromSql(kind, b[at + off]);
      this.viaValues.set(id, values);
    }
    // Computed by the kit unless it reads through a relationship.
    const hfid = b[at + 4] === 0 && k.hfid ? this.hfidOf(k, b, at) : undefined;
    if (hfid === DEFER) {
      this.deferred.push({ rec: b.slice(at, at + k.size) });
      return;
    }
    this.place(++this.rid, k, b, at, hfid);
  }

  private problem(path: string, d: Diagnostic): void {
    this.insProblem.run(path, JSON.stringify(d));
  }

  private duplicateHfid(path: string, kind: string, hfid: string[]): void {
    this.problem(path, diag('error', 'inventory/duplicate-hfid', `${kind} ${hfid.join(' / ')} is also defined by another file`, { file: this.display(path), line: 1, column: 1 }, { hint: 'two objects share a human-friendly id: merge or rename one' }));
  }

  private pathMismatch(path: string, kind: string, expected: string): void {
    this.problem(path, diag('error', 'inventory/path-mismatch', `the file of this ${kind} should be ${this.display(expected)}`, { file: this.display(path), line: 1, column: 1 }, { hint: 'files are named by their hfid: move the file (git mv) or let svc rewrite it' }));
  }

  /** decodeObject on a file the fast decoder turned down: its findings, and its object as a record. */
  private careful(b: Records, at: number): Records | undefined {
    const path = b[at + 1] as string;
    const { object, diagnostics } = decodeObject(this.layout.schema, path, b[at + 3] as string, this.display(path));
    for (const d of diagnostics) this.problem(path, d);
    const k = object && this.byKind.get(object.kind);
    if (!object || !k) {
      this.objects.values.push(++this.rid, path, b[at + 2], null, null, null);
      this.objects.added();
      return undefined;
    }
    return recordOf(k, this.kinds.indexOf(k), path, b[at + 2] as string, object);
  }

  /** The object's hfid; DEFER when it reads through a peer not seen yet. */
  private hfidOf(k: KindInfo, b: Records, at: number): string[] | undefined | typeof DEFER {
    const out: string[] = [];
    for (const p of k.hfid!) {
      let v: AttributeValue | undefined;
      if (p.own) v = p.at < 0 ? undefined : fromSql(p.kind!, b[at + p.at]);
      else {
        const key = b[at + p.at] as string | null;
        const peer = key === null ? undefined : this.resolve(key);
        if (key !== null && peer === undefined && !this.final) return DEFER;
        v = peer === undefined ? undefined : this.viaValues.get(peer)?.[p.attr];
      }
      if (v === undefined || v === null) return undefined;
      out.push(typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
    return out;
  }

  /** The id a reference's key names (its kind in `peerKind`), or undefined when no object seen so far has it. */
  private resolve(key: string): string | undefined {
    // Consecutive files often name the same peer (a device's interfaces), and an hfid through a
    // relationship reads the same key as the relationship.
    if (key === this.lastKey) {
      this.peerKind = this.lastKind;
      return this.lastId;
    }
    let id = key.charCodeAt(0) === 35 /* # */ ? key.slice(1) : this.keys.get(key);
    const kind = id === undefined ? undefined : this.ids.get(id);
    if (kind === undefined) id = undefined;
    // Remembered only once found: later files may bring a peer not seen yet.
    if (id !== undefined) {
      this.lastKey = key;
      this.lastId = id;
      this.lastKind = kind!;
    }
    this.peerKind = kind ?? '';
    return id;
  }

  /** `hfid`: computed here (the record's is 0), else the record's is used. */
  private place(rid: number, k: KindInfo, b: Records, at: number, hfid: string[] | undefined): void {
    const path = b[at + 1] as string;
    const id = b[at + 3] as string;
    const kind = k.kind;
    const byKit = b[at + 4] !== 0;
    let key = byKit ? (b[at + 4] as string | null) : hfid ? `${kind}:${JSON.stringify(hfid)}` : null;
    let expected = byKit ? ((b[at + 5] as string | null) ?? path) : undefined;
    let suspect = false;
    if (key !== null) {
      const repeated = k.referable ? this.keys.has(key) : !this.seenKeys.add(hashA(key), hashB(key));
      if (repeated && k.referable) {
        this.duplicateHfid(path, kind, hfid ?? (JSON.parse(key.slice(kind.length + 1)) as string[]));
        key = null;
        expected = undefined;
      } else if (k.referable) this.keys.set(key, id);
      else suspect = repeated;
    }
    expected ??= this.kit.objectPath(kind, id, key === null ? [] : hfid!);
    if (suspect) this.suspects.push({ rid, path, id, kind, hfid: key!.slice(kind.length + 1), mismatch: expected === path ? null : expected });
    else if (expected !== path) this.pathMismatch(path, kind, expected);
    this.objects.values.push(rid, path, b[at + 2], id, kind, key === null ? null : key.slice(kind.length + 1));
    this.objects.added();

    // The kind row: [rid, id, ...attributes, ...one peers].
    const t = k.t;
    const row = k.rows.values;
    row.push(rid, id);
    for (let i = at + k.attrAt; i < at + k.oneAt; i++) row.push(b[i]);
    for (let i = 0; i < t.ones.length; i++) {
      const ref = b[at + k.oneAt + i] as string | null;
      let peerId: string | null = null;
      if (ref !== null) {
        const peer = this.resolve(ref);
        if (peer !== undefined && k.oneAccept[i]!.has(this.peerKind)) peerId = peer;
        else if (peer !== undefined || this.final) this.insDangling.run(id, t.ones[i]!.rel.name, ref, path);
        else this.deferredRefs.push({ rid, k, id, path, which: i, key: ref });
      }
      row.push(peerId);
    }
    k.rows.added();
    for (let m = 0; m < t.manys.length; m++) {
      const refs = b[at + k.manyAt + m] as string[] | null;
      if (refs === null) continue;
      for (const ref of refs) {
        const peer = this.resolve(ref);
        if (peer !== undefined && k.manyAccept[m]!.has(this.peerKind)) this.insEdge.run(id, t.manys[m]!.name, peer);
        else if (peer !== undefined || this.final) this.insDangling.run(id, t.manys[m]!.name, ref, path);
        else this.deferredRefs.push({ rid, k, id, path, which: -1 - m, key: ref });
      }
    }
  }
}

/** A decoded object as a record (see BuildRecord in ./build-kit.ts). */
function recordOf(k: KindInfo, ki: number, path: string, blob: string, o: DecodedObject): Records {
  const t = k.t;
  const out: unknown[] = [ki, path, blob, o.id, 0, null];
  for (const { a } of t.attrs) out.push(toSql(a.kind, o.attributes[a.name]));
  for (const { rel } of t.ones) {
    const r = o.refs[rel.name];
    out.push(r && !Array.isArray(r) ? refKeyText(r) : null);
  }
  for (const rel of t.manys) {
    const r = o.refs[rel.name];
    out.push(Array.isArray(r) ? r.map(refKeyText) : null);
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The two halves of an id (16 lower-case hex digits, checked by both decoders). */
function hexHigh(id: string): number {
  let v = 0;
  for (let i = 0; i < 8; i++) v = (v << 4) | hexDigit(id.charCodeAt(i));
  return v;
}

function hexLow(id: string): number {
  let v = 0;
  for (let i = 8; i < 16; i++) v = (v << 4) | hexDigit(id.charCodeAt(i));
  return v;
}

const hexDigit = (c: number) => (c <= 57 ? c - 48 : c - 87);

/** Two independent 32-bit hashes of a string (FNV-1a with different seeds and a final mix). */
function hashA(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

function hashB(s: string): number {
  let h = 0x9747b28c;
  for (let i = s.length - 1; i >= 0; i--) h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995) ^ (h >>> 13);
  return h ^ (h >>> 16);
}

/** A set of 64-bit values (two int32 halves), open addressing in typed arrays. */
class Set64 {
  private slots = new Int32Array(2 << 12);
  private used = new Uint8Array(1 << 12);
  private size = 0;

  /** Room for `n` values without growing. */
  reserve(n: number): void {
    let slots = this.used.length;
    while (slots < 2 * n) slots *= 2;
    if (slots > this.used.length) this.resize(slots);
  }

  /** False when the value was there already. */
  add(hi: number, lo: number): boolean {
    if (this.size * 2 >= this.used.length) this.grow();
    const mask = this.used.length - 1;
    let i = (Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b) >>> 7) & mask;
    while (this.used[i] === 1) {
      if (this.slots[2 * i] === hi && this.slots[2 * i + 1] === lo) return false;
      i = (i + 1) & mask;
    }
    this.used[i] = 1;
    this.slots[2 * i] = hi;
    this.slots[2 * i + 1] = lo;
    this.size++;
    return true;
  }

  private grow(): void {
    this.resize(this.used.length * 2);
  }

  private resize(n: number): void {
    const { slots, used } = this;
    this.slots = new Int32Array(2 * n);
    this.used = new Uint8Array(n);
    this.size = 0;
    for (let i = 0; i < used.length; i++) if (used[i] === 1) this.add(slots[2 * i]!, slots[2 * i + 1]!);
  }
}
