import type { Progress } from '../progress.js';
import { diag, type Diagnostic } from '../diagnostics.js';
import { decodeObject, locateKey, refKeyText, toInventoryObject, type DecodedObject, type RefKey } from '../inventory/codec.js';
import { parseHfidPath, type HfidPath } from '../inventory/hfid.js';
import type { PeerRef } from '../inventory/model.js';
import type { SchemaSet } from '../schema/model.js';
import type { Located, ObjectFileText } from './model.js';

export interface ResolvedInventory {
  objects: Located[];
  byId: Map<string, Located>;
  diagnostics: Diagnostic[];
}

/**
 * Files → decoded objects → hfids → references resolved to ids. Decoding is the store's codec, so
 * validation reads the files exactly as the index does. Sorted by path for deterministic findings.
 */
export function resolveInventory(schema: SchemaSet, files: readonly ObjectFileText[], progress?: Progress): ResolvedInventory {
  const diagnostics: Diagnostic[] = [];
  const decoded: { file: ObjectFileText; d: DecodedObject }[] = [];
  const byIdDecoded = new Map<string, { file: ObjectFileText; d: DecodedObject }>();
  // Looked up per kind when a reference by hfid is resolved: grouped once, not found by a walk of every object per kind.
  const byKind = new Map<string, DecodedObject[]>();
  let read = 0;
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    progress?.('checking objects', ++read, files.length);
    const r = decodeObject(schema, file.path, file.text, file.file);
    diagnostics.push(...r.diagnostics);
    if (!r.object) continue;
    const prior = byIdDecoded.get(r.object.id);
    if (prior) {
      diagnostics.push(diag('error', 'inventory/duplicate-id', `id ${r.object.id} is also used by ${prior.file.file}`, { file: file.file, ...locateKey(file.text, 'id') }, { hint: 'every object has its own id: a copied file needs a new one (delete the id line and run `svc load` on it)' }));
      continue;
    }
    const entry = { file, d: r.object };
    byIdDecoded.set(r.object.id, entry);
    decoded.push(entry);
    const same = byKind.get(r.object.kind);
    if (same) same.push(r.object);
    else byKind.set(r.object.kind, [r.object]);
  }

  // hfids may run through a reference (`device__name__value`): memoised, guarded against cycles.
  const memo = new Map<string, string[] | undefined>();
  const busy = new Set<string>();
  const byHfid = new Map<string, Map<string, string>>();
  const hfidOf = (id: string): string[] | undefined => {
    if (memo.has(id)) return memo.get(id);
    const o = byIdDecoded.get(id)?.d;
    if (!o || busy.has(id)) return undefined;
    busy.add(id);
    const paths = schema.get(o.kind)?.human_friendly_id ?? [];
    let out: string[] | undefined = paths.length ? [] : undefined;
    for (const p of paths) {
      const v = partOf(o, p);
      if (v === undefined) {
        out = undefined;
        break;
      }
      out!.push(v);
    }
    busy.delete(id);
    memo.set(id, out);
    return out;
  };
  // An hfid path is parsed once, not once per object (a third of the time of computing hfids).
  const parsedPaths = new Map<string, HfidPath>();
  const partOf = (o: DecodedObject, path: string): string | undefined => {
    let parsed = parsedPaths.get(path);
    if (!parsed) parsedPaths.set(path, (parsed = parseHfidPath(path)));
    const { via, attribute } = parsed;
    let cur: DecodedObject | undefined = o;
    for (const rel of via) {
      const ref: RefKey | RefKey[] | undefined = cur?.refs[rel];
      const id: string | undefined = ref && !Array.isArray(ref) ? lookup(ref) : undefined;
      cur = id ? byIdDecoded.get(id)?.d : undefined;
    }
    const v = cur?.attributes[attribute];
    return v === undefined || v === null ? undefined : typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  const indexOf = (kind: string): Map<string, string> => {
    let idx = byHfid.get(kind);
    if (!idx) {
      byHfid.set(kind, (idx = new Map()));
      for (const d of byKind.get(kind) ?? []) {
        const h = hfidOf(d.id);
        if (!h) continue;
        const key = JSON.stringify(h);
        if (!idx.has(key)) idx.set(key, d.id);
      }
    }
    return idx;
  };
  const lookup = (ref: RefKey): string | undefined => {
    if ('id' in ref) return byIdDecoded.has(ref.id) ? ref.id : undefined;
    const key = JSON.stringify(ref.hfid);
    for (const k of schema.concreteKinds(ref.kind)) {
      const id = indexOf(k).get(key);
      if (id) return id;
    }
    return undefined;
  };

  const objects: Located[] = [];
  const byId = new Map<string, Located>();
  for (const { file, d } of decoded) {
    const at = (key?: string) => ({ file: file.file, ...(key === undefined ? { line: 1, column: 1 } : locateKey(file.text, key)) });
    const object = toInventoryObject(d, (ref): PeerRef | undefined => {
      const id = lookup(ref);
      const peer = id ? byIdDecoded.get(id)?.d : undefined;
      return peer ? { id: peer.id, kind: peer.kind } : undefined;
    });
    for (const [name, refs] of Object.entries(d.refs)) {
      for (const ref of Array.isArray(refs) ? refs : [refs]) {
        if (lookup(ref)) continue;
        const rel = schema.get(d.kind)?.relationships.find((r) => r.name === name);
        diagnostics.push(diag('error', 'inventory/dangling-reference', `${name} refers to ${'id' in ref ? `id ${ref.id}` : `${ref.kind} "${ref.hfid.join(' / ')}"`}, which is not in the inventory`, at(name), {
          subject: d.kind,
          key: name,
          hint: `create the ${rel?.peer ?? 'peer'} (svc load) or fix the reference (${refKeyText(ref)})`,
        }));
      }
    }
    const located: Located = { file, decoded: d, object, hfid: hfidOf(d.id), at };
    objects.push(located);
    byId.set(d.id, located);
  }
  return { objects, byId, diagnostics };
}
