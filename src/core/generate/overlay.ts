import type { Inventory } from '../inventory/api.js';
import { hfidOf } from '../inventory/hfid.js';
import type { AttributeValue, ChangeSet, InventoryObject, InventoryReader, PeerRef } from '../inventory/model.js';
import type { SchemaSet } from '../schema/model.js';

/**
 * The inventory as a generation run sees it: the index underneath, the run's own writes on top.
 * Nothing reaches the index or the files until the whole run succeeded; then `changeSet()` is the
 * plan, a plain value (a throw anywhere simply drops the overlay: nothing was written).
 */
export class Overlay implements InventoryReader {
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
  /** Concrete kind → ids the run put (some may since be deleted: `changed` says). */
  private readonly changedIds = new Map<string, Set<string>>();
  /** id → the index's peers pointing at it, as the index had them (it does not change during a run). */
  private readonly incoming = new Map<string, PeerRef[]>();
  /** Sort keys, per object version (objects are replaced, never mutated, by the run). */
  private readonly sortKeys = new WeakMap<InventoryObject, string>();

  /** Objects read from the index: it does not change during a run, and generators read the same ports and devices again and again. */
  private readonly read = new Map<string, InventoryObject | undefined>();

  get(id: string): InventoryObject | undefined {
    const c = this.changed.get(id);
    if (c === null) return undefined;
    if (c) return c;
    if (this.read.has(id)) return this.read.get(id);
    const o = this.base.get(id);
    this.read.set(id, o);
    return o;
  }

  findByHfid(kind: string, hfid: readonly string[]): InventoryObject | undefined {
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
      if (!this.changed.has(o.id)) out.set(o.id, o);
    }
    for (const o of this.changedOf(kind)) {
      if (matches(o, filter)) out.set(o.id, o);
    }
    return this.sorted([...out.values()]);
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
    let incoming = this.incoming.get(id);
    if (!incoming) {
      incoming = this.base.relationsOf(id).filter((v) => v.direction === 'in').flatMap((v) => v.peers);
      this.incoming.set(id, incoming);
    }
    // The current version of each: a peer the run changed or deleted is judged as it is now.
    for (const p of incoming) {
      if (!this.schema.isA(p.kind, kind)) continue;
      const peer = this.get(p.id);
      if (peer && pointsAt(peer.relationships[rel], id)) out.set(peer.id, peer);
    }
    for (const o of this.changedOf(kind)) {
      if (pointsAt(o.relationships[rel], id)) out.set(o.id, o);
    }
    return this.sorted([...out.values()]);
  }

  put(obj: InventoryObject): void {
    this.changed.set(obj.id, obj);
    let ids = this.changedIds.get(obj.kind);
    if (!ids) this.changedIds.set(obj.kind, (ids = new Set()));
    ids.add(obj.id);
    const h = this.hfid(obj);
    if (h) this.byHfid.set(hfidKey(obj.kind, h), obj.id);
  }

  remove(id: string): void {
    this.changed.set(id, null);
  }

  hfid(obj: InventoryObject): string[] | undefined {
    return hfidOf(this.schema, obj, this);
  }

  /** The plan: upserts of objects whose content differs from the index, deletes of those that existed. */
  changeSet(): ChangeSet {
    const upserts: InventoryObject[] = [];
    const deletes: string[] = [];
    for (const [id, o] of [...this.changed.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      // Read afresh: a generator may have mutated an object it was handed from the cache.
      const before = this.base.get(id);
      if (o === null) {
        if (before) deletes.push(id);
      } else if (!before || canonical(before) !== canonical(o)) {
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

const hfidKey = (kind: string, hfid: readonly string[]) => `${kind}\0${JSON.stringify(hfid)}`;
const sameHfid = (a: readonly string[] | undefined, b: readonly string[]) => a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

export function pointsAt(v: PeerRef | PeerRef[] | undefined, id: string): boolean {
  if (v === undefined) return false;
  return Array.isArray(v) ? v.some((p) => p.id === id) : v.id === id;
}

export function matches(o: InventoryObject, filter: Record<string, AttributeValue>): boolean {
  return Object.entries(filter).every(([k, v]) => JSON.stringify(o.attributes[k] ?? null) === JSON.stringify(v));
}

/** Key order does not matter for equality: objects are compared by sorted content. */
export function canonical(o: InventoryObject): string {
  const sortObj = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)));
  const rels = Object.fromEntries(
    Object.entries(o.relationships)
      .filter(([, v]) => !(Array.isArray(v) && v.length === 0))
      .map(([k, v]) => [k, Array.isArray(v) ? [...v].map((p) => `${p.kind}:${p.id}`).sort() : `${v.kind}:${v.id}`]),
  );
  const attrs = Object.fromEntries(Object.entries(o.attributes).filter(([, v]) => v !== undefined && v !== null));
  return JSON.stringify([o.id, o.kind, sortObj(attrs), sortObj(rels)]);
}
