import type { Inventory } from '../inventory/api.js';
import { sameObject } from '../inventory/equality.js';
import { hfidOf } from '../inventory/hfid.js';
import type { AttributeValue, ChangeSet, InventoryObject, InventoryReader, PeerRef } from '../inventory/model.js';
import { builtinDefaultNamespace, findDefaultNamespace, takesNamespace } from '../pools/namespace.js';
import type { SchemaSet } from '../schema/model.js';
import type { MemoView, ReadTracker } from './memo.js';

/**
 * The inventory as a generation run sees it: the index underneath, the run's own writes on top.
 * Nothing reaches the index or the files until the whole run succeeded; then `changeSet()` is the
 * plan, a plain value (a throw anywhere simply drops the overlay: nothing was written).
 */
export class Overlay implements InventoryReader, MemoView {
  /** Set while one target runs: every read is noted for remembering the run (./memo.ts). */
  tracker: ReadTracker | undefined;

  /** id → the object as the run left it, or null when the run deleted it. */
  private readonly changed = new Map<string, InventoryObject | null>();
  /** `${kind}\0${hfid json}` → id, for objects created or renamed by the run. */
  private readonly byHfid = new Map<string, string>();

  constructor(
    readonly base: Inventory,
    readonly schema: SchemaSet,
  ) {}

  /** The index's answers to findByHfid (an upsert asks for each object it writes, every run). */
  private readonly baseByHfid = new Map<string, string | undefined>();
  /**
   * Peer id → ids of objects the run put with a relationship to it (some may since point elsewhere:
   * their current version says). Finding what points at a switch must not scan every port the run
   * changed: over 1,000 new services that scan was quadratic.
   */
  private readonly changedPointing = new Map<string, Set<string>>();
  /** Concrete kind → ids the run put (some may since be deleted: `changed` says). */
  private readonly changedIds = new Map<string, Set<string>>();
  /** `${id}\0${kind}\0${rel}` → the index's referrers (the index does not change during a run). */
  private readonly incoming = new Map<string, string[]>();
  /** Sort keys, per object version (objects are replaced, never mutated, by the run). */
  private readonly sortKeys = new WeakMap<InventoryObject, string>();

  /** Objects read from the index: it does not change during a run, and generators read the same ports and devices again and again. */
  private readonly read = new Map<string, InventoryObject | undefined>();

  get(id: string): InventoryObject | undefined {
    const o = this.current(id);
    this.tracker?.object(id, o);
    return o;
  }

  /** The object as the generation has it now, without noting a read. */
  current(id: string): InventoryObject | undefined {
    const c = this.changed.get(id);
    if (c === null) return undefined;
    if (c) return c;
    if (this.read.has(id)) return this.read.get(id);
    const o = this.base.get(id);
    this.read.set(id, o && freeze(o));
    return o;
  }

  /** Whether `obj` is the version of its object this generation read from the index. */
  isIndexVersion(obj: InventoryObject): boolean {
    return this.read.get(obj.id) === obj;
  }

  /** Runs `fn` without noting its reads: state the engine builds for every target (pool allocators). */
  untracked<T>(fn: () => T): T {
    const t = this.tracker;
    this.tracker = undefined;
    try {
      return fn();
    } finally {
      this.tracker = t;
    }
  }

  findByHfid(kind: string, hfid: readonly string[]): InventoryObject | undefined {
    const found = this.findByHfidInner(kind, hfid);
    this.tracker?.lookup({ q: 'hfid', kind, hfid: [...hfid], id: found?.id ?? null });
    return found;
  }

  private findByHfidInner(kind: string, hfid: readonly string[]): InventoryObject | undefined {
    for (const concrete of this.schema.concreteKinds(kind)) {
      const id = this.byHfid.get(hfidKey(concrete, hfid));
      if (id !== undefined) {
        const obj = this.get(id);
        if (obj && sameHfid(this.hfid(obj), hfid)) return obj;
      }
    }
    const key = hfidKey(kind, hfid);
    let foundId = this.baseByHfid.get(key);
    if (!this.baseByHfid.has(key)) this.baseByHfid.set(key, (foundId = this.base.findByHfid(kind, hfid)?.id));
    const found = foundId === undefined ? undefined : this.get(foundId);
    if (!found) return undefined;
    const now = this.get(found.id);
    // The run may have renamed or deleted what the index still has under that hfid.
    return now && sameHfid(this.hfid(now), hfid) ? now : undefined;
  }

  list(kind: string): InventoryObject[] {
    return this.query(kind);
  }

  /** Objects of `kind` (generics included) whose attributes equal `filter`, sorted by hfid text then id. */
  query(kind: string, filter: Record<string, AttributeValue> = {}): InventoryObject[] {
    const out = new Map<string, InventoryObject>();
    for (const o of this.base.query(kind, filter)) {
      if (this.changed.has(o.id)) continue;
      // One instance per object for the whole generation (the first read of it).
      let known = this.read.get(o.id);
      if (!known) this.read.set(o.id, (known = freeze(o)));
      out.set(o.id, known);
    }
    for (const o of this.changedOf(kind)) {
      if (matches(o, filter)) out.set(o.id, o);
    }
    const found = this.sorted([...out.values()]);
    if (this.tracker) {
      for (const o of found) this.tracker.object(o.id, o);
      this.tracker.lookup({ q: 'query', kind, filter, ids: found.map((o) => o.id).sort() });
    }
    return found;
  }

  /** The run's live objects of `kind` (generics included) whose relationship `rel` points at `id`. */
  private *changedPointingAt(id: string, kind: string, rel: string): Iterable<InventoryObject> {
    for (const pid of this.changedPointing.get(id) ?? []) {
      const o = this.changed.get(pid);
      if (o && this.schema.isA(o.kind, kind) && pointsAt(o.relationships[rel], id)) yield o;
    }
  }

  /** The run's live objects of `kind` (generics included), through a per-kind index: a run changes thousands. */
  private *changedOf(kind: string): Iterable<InventoryObject> {
    for (const concrete of this.schema.concreteKinds(kind)) {
      for (const id of this.changedIds.get(concrete) ?? []) {
        const o = this.changed.get(id);
        if (o) yield o;
      }
    }
  }

  /** Objects of `kind` whose stored relationship `rel` points at `id`. */
  referrers(id: string, kind: string, rel: string): InventoryObject[] {
    const out = new Map<string, InventoryObject>();
    const key = `${id}\0${kind}\0${rel}`;
    let incoming = this.incoming.get(key);
    if (!incoming) {
      // One read for all of them, kept like any other read of the index.
      const found = this.base.referrerObjects(id, kind, rel);
      for (const o of found) if (!this.read.has(o.id)) this.read.set(o.id, freeze(o));
      this.incoming.set(key, (incoming = found.map((o) => o.id)));
    }
    // The current version of each: a peer the run changed or deleted is judged as it is now.
    for (const pid of incoming) {
      const peer = this.current(pid);
      if (peer && pointsAt(peer.relationships[rel], id)) out.set(peer.id, peer);
    }
    for (const o of this.changedPointingAt(id, kind, rel)) out.set(o.id, o);
    const found = this.sorted([...out.values()]);
    if (this.tracker) {
      for (const o of found) this.tracker.object(o.id, o);
      this.tracker.lookup({ q: 'referrers', id, kind, rel, ids: found.map((o) => o.id).sort() });
    }
    return found;
  }

  // MemoView: the answers a remembered run's lookups get now, from ids and blob ids alone.

  changedInRun(id: string): boolean {
    return this.changed.has(id);
  }

  blobsOf(ids: readonly string[]): Map<string, string> {
    return this.base.blobsOf(ids);
  }

  idByHfid(kind: string, hfid: readonly string[]): string | undefined {
    for (const concrete of this.schema.concreteKinds(kind)) {
      const id = this.byHfid.get(hfidKey(concrete, hfid));
      if (id !== undefined) {
        const obj = this.current(id);
        if (obj && sameHfid(this.hfid(obj), hfid)) return id;
      }
    }
    const id = this.base.idByHfid(kind, hfid);
    if (id === undefined || !this.changed.has(id)) return id;
    const now = this.changed.get(id);
    return now && sameHfid(this.hfid(now), hfid) ? id : undefined;
  }

  referrerIds(id: string, kind: string, rel: string): string[] {
    const out = new Set<string>();
    for (const pid of this.base.referrers(id, kind, rel)) {
      const now = this.changed.get(pid);
      if (now === undefined ? !this.changed.has(pid) : pointsAt(now?.relationships[rel], id)) out.add(pid);
    }
    for (const o of this.changedPointingAt(id, kind, rel)) out.add(o.id);
    return [...out].sort();
  }

  queryIds(kind: string, filter: Record<string, AttributeValue>): string[] {
    return this.untracked(() => this.query(kind, filter).map((o) => o.id).sort());
  }

  put(given: InventoryObject): void {
    const obj = this.inDefaultNamespace(given);
    this.changed.set(obj.id, obj);
    let ids = this.changedIds.get(obj.kind);
    if (!ids) this.changedIds.set(obj.kind, (ids = new Set()));
    ids.add(obj.id);
    for (const v of Object.values(obj.relationships)) {
      for (const p of Array.isArray(v) ? v : [v]) {
        let from = this.changedPointing.get(p.id);
        if (!from) this.changedPointing.set(p.id, (from = new Set()));
        from.add(obj.id);
      }
    }
    const h = this.hfid(obj);
    if (h) this.byHfid.set(hfidKey(obj.kind, h), obj.id);
  }

  remove(id: string): void {
    this.changed.set(id, null);
  }

  /**
   * A prefix or address a generator writes without a namespace is in the default one, as Infrahub
   * files it: the one the inventory marks default or names "default", else the built-in one, made now.
   * A namespace the object already holds stays.
   */
  private inDefaultNamespace(obj: InventoryObject): InventoryObject {
    if (obj.relationships.ip_namespace !== undefined || !takesNamespace(this.schema, obj.kind)) return obj;
    let ns = this.current(obj.id)?.relationships.ip_namespace;
    if (ns === undefined) {
      let found = findDefaultNamespace(this.query('BuiltinIPNamespace'));
      if (!found) this.put((found = builtinDefaultNamespace()));
      ns = { id: found.id, kind: found.kind };
    }
    return { ...obj, relationships: { ...obj.relationships, ip_namespace: ns } };
  }

  hfid(obj: InventoryObject): string[] | undefined {
    return hfidOf(this.schema, obj, this);
  }

  /** The plan: upserts of objects whose content differs from the index, deletes of those that existed. */
  changeSet(): ChangeSet {
    const upserts: InventoryObject[] = [];
    const deletes: string[] = [];
    for (const [id, o] of [...this.changed.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      // What the run read is what the index holds: objects handed out are frozen, so no generator
      // can have changed them in place.
      const before = this.read.has(id) ? this.read.get(id) : this.base.get(id);
      if (o === null) {
        if (before) deletes.push(id);
      } else if (!before || !sameObject(before, o)) {
        upserts.push(o);
      }
    }
    return { upserts, deletes };
  }

  private sorted(list: InventoryObject[]): InventoryObject[] {
    const keyed = list.map((o) => {
      let k = this.sortKeys.get(o);
      if (k === undefined) this.sortKeys.set(o, (k = JSON.stringify(this.hfid(o) ?? [])));
      return { o, k };
    });
    keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.o.id < b.o.id ? -1 : a.o.id > b.o.id ? 1 : 0));
    return keyed.map((x) => x.o);
  }
}

/**
 * Objects read from the index are shared by every target of the generation (and compared with at
 * the end): frozen, so a generator that changes one in place fails at once instead of changing what
 * others see. Writes go through upsert/update, which copy.
 */
function freeze(o: InventoryObject): InventoryObject {
  for (const v of Object.values(o.relationships)) {
    if (Array.isArray(v)) {
      for (const p of v) Object.freeze(p);
    } else Object.freeze(v);
    Object.freeze(v);
  }
  Object.freeze(o.attributes);
  Object.freeze(o.relationships);
  return Object.freeze(o);
}

const hfidKey = (kind: string, hfid: readonly string[]) => `${kind}\0${JSON.stringify(hfid)}`;
const sameHfid = (a: readonly string[] | undefined, b: readonly string[]) => a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

export function pointsAt(v: PeerRef | PeerRef[] | undefined, id: string): boolean {
  if (v === undefined) return false;
  return Array.isArray(v) ? v.some((p) => p.id === id) : v.id === id;
}

export function matches(o: InventoryObject, filter: Record<string, AttributeValue>): boolean {
  return Object.entries(filter).every(([k, v]) => JSON.stringify(o.attributes[k] ?? null) === JSON.stringify(v));
}
