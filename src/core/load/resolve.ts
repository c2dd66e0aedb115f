import type { InventoryObject, InventoryReader } from '../inventory/model.js';
import { hfidOf, parseHfidPath } from '../inventory/hfid.js';
import type { SchemaSet } from '../schema/model.js';
import type { Entry, PeerSpec } from './types.js';

export const hfidKey = (hfid: readonly string[]): string => JSON.stringify(hfid);

export type Found = { entry: Entry } | { object: InventoryObject } | { ambiguous: string[] } | undefined;

/**
 * Human-friendly ids of the objects being loaded, and lookups by hfid across the load and the
 * inventory. An hfid may run through a relationship (`device__name__value`), so computing one may
 * resolve a reference, which may need other hfids: memoised, with a guard against cycles.
 */
export class HfidResolver {
  private readonly memo = new Map<Entry, string[] | undefined>();
  private readonly busy = new Set<Entry>();
  private readonly byKind = new Map<string, Map<string, Entry[]>>();
  private readonly knownCache = new Map<string, string[]>();

  constructor(
    private readonly schema: SchemaSet,
    private readonly reader: InventoryReader,
    private readonly entries: readonly Entry[],
  ) {}

  hfid(e: Entry): string[] | undefined {
    if (this.memo.has(e)) return this.memo.get(e);
    if (this.busy.has(e)) return undefined;
    this.busy.add(e);
    const out = this.compute(e);
    this.busy.delete(e);
    this.memo.set(e, out);
    return out;
  }

  /** The hfid parts the entry lacks (for a helpful error). */
  missingParts(e: Entry): string[] {
    return (e.schema.human_friendly_id ?? []).filter((p) => this.part(e, p) === undefined);
  }

  private compute(e: Entry): string[] | undefined {
    const paths = e.schema.human_friendly_id;
    if (!paths?.length) return undefined;
    const out: string[] = [];
    for (const p of paths) {
      const v = this.part(e, p);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }

  private part(e: Entry, path: string): string | undefined {
    const { via, attribute } = parseHfidPath(path);
    let cur: Entry | InventoryObject | undefined = e;
    let kind = e.schema;
    for (const relName of via) {
      const rel = kind.relationships.find((r) => r.name === relName);
      if (!rel || !cur) return undefined;
      if ('schema' in cur) {
        const peer: PeerSpec | undefined = cur.relationships[relName]?.peers[0];
        if (!peer) return undefined;
        const found: Found = 'entry' in peer ? { entry: peer.entry } : this.find(rel.peer, peer.hfid);
        cur = found && 'entry' in found ? found.entry : found && 'object' in found ? found.object : undefined;
        // A reference that does not resolve still names the peer's hfid: read the part from it, so the
        // object keeps its name and the error is about the reference, not about a missing id.
        if (!cur && 'hfid' in peer && relName === via[via.length - 1]) return this.partFromRef(rel.peer, peer.hfid, attribute);
      } else {
        const ref = cur.relationships[relName];
        cur = ref && !Array.isArray(ref) ? this.reader.get(ref.id) : undefined;
      }
      const next = cur ? this.schema.get(cur.kind) : undefined;
      if (!next) return undefined;
      kind = next;
    }
    const v = cur?.attributes[attribute];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }

  private partFromRef(peerKind: string, hfid: readonly string[], attribute: string): string | undefined {
    const paths = this.schema.get(peerKind)?.human_friendly_id ?? [];
    if (paths.length !== hfid.length) return undefined;
    const i = paths.findIndex((p) => {
      const parsed = parseHfidPath(p);
      return parsed.via.length === 0 && parsed.attribute === attribute;
    });
    return i < 0 ? undefined : hfid[i];
  }

  /** Entries of one concrete kind by hfid (several when the load defines an object twice). */
  index(kind: string): Map<string, Entry[]> {
    let idx = this.byKind.get(kind);
    if (!idx) {
      idx = new Map();
      this.byKind.set(kind, idx);
      for (const e of this.entries) {
        if (e.kind !== kind) continue;
        const h = this.hfid(e);
        if (!h) continue;
        const k = hfidKey(h);
        const list = idx.get(k);
        if (list) list.push(e);
        else idx.set(k, [e]);
      }
    }
    return idx;
  }

  /** A peer by hfid: objects of this load first (they replace what the inventory holds), then the inventory. */
  find(kind: string, hfid: readonly string[]): Found {
    const key = hfidKey(hfid);
    const hits: Entry[] = [];
    for (const k of this.schema.concreteKinds(kind)) {
      const e = this.index(k).get(key)?.[0];
      if (e) hits.push(e);
    }
    if (hits.length > 1) return { ambiguous: hits.map((h) => h.kind) };
    if (hits[0]) return { entry: hits[0] };
    const obj = this.reader.findByHfid(kind, hfid);
    return obj ? { object: obj } : undefined;
  }

  /** Known hfids of a kind (load and inventory), for "did you mean"; computed once per kind. */
  known(kind: string): string[] {
    let list = this.knownCache.get(kind);
    if (!list) this.knownCache.set(kind, (list = this.computeKnown(kind)));
    return list;
  }

  private computeKnown(kind: string): string[] {
    const out = new Set<string>();
    for (const k of this.schema.concreteKinds(kind)) {
      for (const list of this.index(k).values()) {
        const h = list[0] ? this.hfid(list[0]) : undefined;
        if (h) out.add(h.join(' / '));
      }
    }
    for (const obj of this.reader.list(kind)) {
      const h = hfidOf(this.schema, obj, this.reader);
      if (h) out.add(h.join(' / '));
    }
    return [...out].sort();
  }
}
