import type Database from 'better-sqlite3';
import { SvcError, ValidationError } from '../../core/errors.js';
import type { AppliedChanges, FilePlan, Inventory } from '../../core/inventory/api.js';
import { encodeObject } from '../../core/inventory/codec.js';
import { hfidOf as computeHfid } from '../../core/inventory/hfid.js';
import type { ChangeSet, InventoryObject } from '../../core/inventory/model.js';
import { storedRelationships } from '../../core/inventory/ownership.js';
import { ID_PATTERN, objectPath } from '../../core/inventory/paths.js';
import { normaliseValue } from '../../core/inventory/values.js';
import { blobId } from '../inventory/files.js';
import { commitFiles } from '../txn/journal.js';
import { ingest, type FileChange } from './ingest.js';
import { IndexReader } from './reader.js';
import type { OpenedIndex } from './refresh.js';

/** The inventory over an up-to-date index (see ./refresh.ts `openIndex`). */
export class SqliteInventory extends IndexReader implements Inventory {
  constructor(
    private readonly opened: OpenedIndex,
    private readonly inventoryDir: string,
    /** The catalog root: its .svc/txn stages the writes (see ../txn/journal.ts). */
    private readonly catalogRoot: string,
  ) {
    super(opened.db, opened.layout, opened.display, opened.readContent);
  }

  get how(): OpenedIndex['how'] {
    return this.opened.how;
  }

  get blobFormat(): OpenedIndex['blobFormat'] {
    return this.opened.blobFormat;
  }

  get database(): Database.Database {
    return this.db;
  }

  plan(changes: ChangeSet): FilePlan {
    return this.planInner(changes).plan;
  }

  /**
   * New state = index + change set. Files to write: the upserts, plus every object whose file text
   * changes because of them: referrers of a renamed object (references are written by hfid),
   * objects whose hfid reads through a renamed object (their path moves), and referrers of a deleted
   * object (the reference is dropped: what remains is for validation to judge).
   */
  private planInner(changes: ChangeSet): { plan: FilePlan; byPath: Map<string, string> } {
    const schema = this.schema;
    const upserts = new Map<string, InventoryObject>();
    const deleted = new Set(changes.deletes);
    for (const o of changes.upserts) {
      const k = schema.get(o.kind);
      if (!k || k.isGeneric) throw new ValidationError('inventory/unknown-kind', `cannot store an object of ${k ? 'generic ' : 'unknown '}kind "${o.kind}"`);
      if (!ID_PATTERN.test(o.id)) throw new ValidationError('inventory/bad-id', `${o.kind}: id "${o.id}" is not 16 lower-case hex digits`, { hint: 'make ids with objectId(kind, hfid) from src/core/inventory/paths.ts' });
      if (upserts.has(o.id)) throw new ValidationError('inventory/duplicate-id', `the change set upserts ${o.id} twice`);
      const stored = new Set(storedRelationships(schema, k).map((r) => r.name));
      for (const name of Object.keys(o.relationships)) {
        if (!stored.has(name)) {
          const known = k.relationships.some((r) => r.name === name);
          throw new ValidationError('inventory/not-stored-here', `${o.kind}.${name}: ${known ? 'this relationship is stored by the peer; set it on the peer object' : 'no such relationship'}`);
        }
      }
      // Normalise first (IP prefixes, dates) so hfids and paths come from the values the file will hold.
      const attributes: InventoryObject['attributes'] = {};
      for (const a of k.attributes) {
        const v = o.attributes[a.name];
        if (v !== undefined && v !== null) attributes[a.name] = normaliseValue(a.kind, v);
      }
      for (const name of Object.keys(o.attributes)) {
        if (!k.attributes.some((a) => a.name === name)) throw new ValidationError('inventory/unknown-attribute', `${o.kind} has no attribute "${name}"`);
      }
      upserts.set(o.id, { ...o, attributes });
    }
    // Hfids read peers again and again (every address of one prefix): read each from the index once.
    const read = new Map<string, InventoryObject | undefined>();
    const fromIndex = (id: string) => {
      if (!read.has(id)) read.set(id, this.get(id));
      return read.get(id);
    };
    const view = {
      get: (id: string): InventoryObject | undefined => (deleted.has(id) ? undefined : (upserts.get(id) ?? fromIndex(id))),
    };
    for (const o of upserts.values()) {
      const k = schema.get(o.kind)!;
      for (const [name, v] of Object.entries(o.relationships)) {
        const declared = k.relationships.find((r) => r.name === name)!.peer;
        for (const p of Array.isArray(v) ? v : [v]) {
          const peer = view.get(p.id);
          if (!peer) throw new ValidationError('inventory/unknown-peer', `${o.kind} ${o.id}: ${name} refers to ${p.kind} ${p.id}, which does not exist`);
          // The file names the peer by its hfid within the declared kind: a peer of another kind
          // would not be found again when the file is read (the relationship would silently vanish).
          if (!schema.isA(peer.kind, declared)) {
            throw new ValidationError('inventory/wrong-peer-kind', `${o.kind} ${o.id}: ${name} takes a ${declared}, but ${p.id} is a ${peer.kind}`, { hint: `point ${name} at a ${declared} (or a kind that inherits it)` });
          }
        }
      }
    }

    const newHfid = new Map<string, string[] | undefined>();
    const hfidNow = (id: string): string[] | undefined => {
      if (!newHfid.has(id)) {
        const o = view.get(id);
        newHfid.set(id, o ? computeHfid(schema, o, view) : undefined);
      }
      return newHfid.get(id);
    };
    const affected = new Set<string>(upserts.keys());
    const queue = [...upserts.keys(), ...deleted];
    const seen = new Set<string>();
    while (queue.length) {
      const id = queue.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const before = this.hfidOf(id);
      const gone = deleted.has(id);
      if (!gone && JSON.stringify(before) === JSON.stringify(hfidNow(id))) continue;
      for (const rv of this.relationsOf(id)) {
        if (rv.direction !== 'in') continue;
        for (const p of rv.peers) {
          if (deleted.has(p.id) || affected.has(p.id)) continue;
          affected.add(p.id);
          newHfid.delete(p.id);
          queue.push(p.id);
        }
      }
    }

    const writes: { path: string; text: string }[] = [];
    const deletes = new Set<string>();
    const byPath = new Map<string, string>();
    const owner = new Map<string, string>();
    for (const id of [...affected].sort()) {
      let obj = view.get(id)!;
      obj = dropDeleted(obj, deleted);
      const hfid = hfidNow(id);
      const path = objectPath(obj.kind, id, hfid);
      const text = encodeObject(schema, obj, (p) => hfidNow(p.id));
      const other = owner.get(path) ?? this.idAtPath(path);
      if (other !== undefined && other !== id && !deleted.has(other) && (owner.has(path) || !affected.has(other))) {
        throw new ValidationError('inventory/duplicate-hfid', `${obj.kind} ${hfid?.join(' / ') ?? id}: another object already has this human-friendly id (${this.display(path)})`, { hint: 'upsert the existing object (same id) instead of a new one' });
      }
      owner.set(path, id);
      const old = this.innerPathOf(id);
      if (old !== undefined && old !== path) deletes.add(old);
      // The index holds every file's blob id: hashing the new text beats reading the old file.
      if (this.blobAtPath(path) !== blobId(text, this.opened.blobFormat)) {
        writes.push({ path, text });
        byPath.set(path, text);
      }
    }
    for (const id of deleted) {
      const old = this.innerPathOf(id);
      if (old !== undefined) deletes.add(old);
    }
    for (const p of byPath.keys()) deletes.delete(p);
    return {
      plan: { writes: writes.sort((a, b) => cmp(a.path, b.path)), deletes: [...deletes].sort() },
      byPath,
    };
  }

  private atPath: Database.Statement | undefined;

  private rowAtPath(path: string): { id: string | null; blob: string } | undefined {
    return (this.atPath ??= this.db.prepare('SELECT id, blob FROM objects WHERE path = ?')).get(path) as { id: string | null; blob: string } | undefined;
  }

  private idAtPath(path: string): string | undefined {
    // A file without a usable object has a row with a null id: nobody owns that path.
    return this.rowAtPath(path)?.id ?? undefined;
  }

  private blobAtPath(path: string): string | undefined {
    return this.rowAtPath(path)?.blob;
  }

  /**
   * Runs `read` over the index as it would be with the change set applied, then puts the index back
   * as it was: nothing is written to files, and the index's own transaction is rolled back (a
   * request's checks read the state its commit would make).
   */
  async previewing<T>(changes: ChangeSet, read: () => Promise<T>): Promise<T> {
    const { plan, byPath } = this.planInner(changes);
    const { fileChanges, readContent } = this.ingestable(plan, byPath);
    this.db.exec('SAVEPOINT svc_preview');
    try {
      ingest(this.db, this.layout, fileChanges, { fresh: false, display: this.display, readContent });
      return await read();
    } finally {
      this.db.exec('ROLLBACK TO svc_preview');
      this.db.exec('RELEASE svc_preview');
    }
  }

  apply(changes: ChangeSet): AppliedChanges {
    const { plan, byPath } = this.planInner(changes);
    if (plan.writes.length === 0 && plan.deletes.length === 0) return { written: [], deleted: [], plan };
    const { fileChanges, readContent } = this.ingestable(plan, byPath);
    const tx = this.db.transaction(() => {
      ingest(this.db, this.layout, fileChanges, { fresh: false, display: this.display, readContent });
      // Written but not committed: the next refresh looks at them again whatever git says.
      const ins = this.db.prepare('INSERT OR IGNORE INTO dirty(path) VALUES (?)');
      for (const c of fileChanges) ins.run(c.path);
    });
    try {
      // IMMEDIATE, as a refresh's (see refresh.ts): a process refreshing meanwhile makes this wait, not fail.
      // The index commits between staging and the journal: killed before the journal, the files
      // stay as they were and the index's `dirty` rows make the next refresh re-read them.
      commitFiles({ root: this.catalogRoot, base: this.inventoryDir, pruneEmpty: true, beforeCommit: () => tx.immediate() }, plan.writes, plan.deletes);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new ValidationError('inventory/unique-violation', `the change would break a uniqueness rule: ${(e as Error).message}`, { hint: 'nothing was written; change the conflicting values', cause: e });
      }
      if ((e as { code?: string }).code === 'SQLITE_BUSY') {
        throw new SvcError('inventory/index-busy', 'another process kept the inventory index (.svc/index.sqlite) locked for writing too long', { hint: 'nothing was written; run the command again once the other svc command is done', cause: e });
      }
      throw e;
    }
    return { written: plan.writes.map((w) => this.display(w.path)), deleted: plan.deletes.map((p) => this.display(p)), plan };
  }

  /**
   * The change set in the index only, no file written: for a throwaway copy (a request's index at
   * its base), so that what reads the index (queries, artifacts) sees the state after the change.
   */
  applyToIndexOnly(changes: ChangeSet): void {
    const { plan, byPath } = this.planInner(changes);
    const { fileChanges, readContent } = this.ingestable(plan, byPath);
    this.db.transaction(() => ingest(this.db, this.layout, fileChanges, { fresh: false, display: this.display, readContent }))();
  }

  /** A plan as the changes ingest reads: the planned texts first, then the index's files. */
  private ingestable(plan: FilePlan, byPath: Map<string, string>): { fileChanges: FileChange[]; readContent: (p: string) => FileChange | undefined } {
    const deletes = new Set(plan.deletes);
    const fileChanges: FileChange[] = [
      ...plan.writes.map((w) => ({ path: w.path, text: w.text, blob: blobId(w.text, this.opened.blobFormat) })),
      ...plan.deletes.map((p) => ({ path: p, text: null, blob: '' })),
    ];
    const readContent = (p: string): FileChange | undefined => {
      const t = byPath.get(p);
      if (t !== undefined) return { path: p, text: t, blob: blobId(t, this.opened.blobFormat) };
      return deletes.has(p) ? undefined : this.opened.readContent(p);
    };
    return { fileChanges, readContent };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function dropDeleted(obj: InventoryObject, deleted: Set<string>): InventoryObject {
  if (deleted.size === 0) return obj;
  const relationships: InventoryObject['relationships'] = {};
  for (const [name, v] of Object.entries(obj.relationships)) {
    if (Array.isArray(v)) relationships[name] = v.filter((p) => !deleted.has(p.id));
    else if (!deleted.has(v.id)) relationships[name] = v;
  }
  return { ...obj, relationships };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
