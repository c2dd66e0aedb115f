import { diag, type Diagnostic } from '../diagnostics.js';
import type { AttributeSchema, KindSchema, RelationshipSchema, SchemaSet } from '../schema/model.js';
import { didYouMean } from '../suggest.js';
import type { AttributeValue, InventoryObject, PeerRef } from './model.js';
import { storedRelationships } from './ownership.js';
import { ID_PATTERN, kindOfPath } from './paths.js';
import { normaliseValue, typeProblem } from './values.js';
import { findDuplicateKey } from './duplicate-keys.js';

/**
 * The object file format: JSON (machine-written, read 50x faster than YAML, see PERF-FACTS), 2-space
 * indent, trailing newline, keys in a fixed order: "id", then attributes in schema order, then the
 * relationships this side stores (./ownership.ts) in schema order. Absent values are left out,
 * never null. The kind is the first folder of the path, so it is not repeated inside.
 *
 * A reference is the peer's hfid (a string for a one-component hfid, an array otherwise);
 * `{"kind", "hfid"}` when the relationship's peer is a generic; `{"id"}` for a peer without hfid.
 * A `many` relationship is an array sorted by each reference's JSON text.
 */

/** A reference as a file writes it, before it is resolved to an id. */
export type RefKey = { kind: string; hfid: string[] } | { id: string };

/** A file's content, decoded and typed, with its references still unresolved. */
export interface DecodedObject {
  id: string;
  kind: string;
  attributes: Record<string, AttributeValue>;
  refs: Record<string, RefKey | RefKey[]>;
}

export interface DecodeResult {
  /** Undefined when the file is unusable (not JSON, no id, unknown kind). */
  object: DecodedObject | undefined;
  /** Problems found; values that do not fit their attribute are dropped from `object`. */
  diagnostics: Diagnostic[];
}

export const DUPLICATE_KEY = 'inventory/duplicate-key';

/** The canonical text of a reference: how `many` arrays sort, and how the index looks peers up. */
export function refKeyText(ref: RefKey): string {
  return 'id' in ref ? `#${ref.id}` : `${ref.kind}:${JSON.stringify(ref.hfid)}`;
}

/**
 * Object → file text. `hfidOfPeer` gives the current hfid of a referenced object (undefined when it
 * has none: then the reference is written by id).
 */
export function encodeObject(schema: SchemaSet, obj: InventoryObject, hfidOfPeer: (peer: PeerRef) => readonly string[] | undefined): string {
  const kind = schema.get(obj.kind);
  if (!kind) throw new Error(`encodeObject: unknown kind ${obj.kind}`);
  const out: Record<string, unknown> = { id: obj.id };
  for (const a of kind.attributes) {
    const v = obj.attributes[a.name];
    if (v === undefined || v === null) continue;
    out[a.name] = normaliseValue(a.kind, v);
  }
  for (const rel of storedRelationships(schema, kind)) {
    const v = obj.relationships[rel.name];
    if (v === undefined) continue;
    const write = (p: PeerRef): unknown => refValue(schema, rel, p, hfidOfPeer(p));
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
      out[rel.name] = v.map(write).sort((a, b) => cmp(JSON.stringify(a), JSON.stringify(b)));
    } else {
      out[rel.name] = write(v);
    }
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}

function refValue(schema: SchemaSet, rel: RelationshipSchema, peer: PeerRef, hfid: readonly string[] | undefined): unknown {
  if (!hfid || hfid.length === 0) return { id: peer.id };
  const h = hfid.length === 1 ? hfid[0] : [...hfid];
  return schema.get(rel.peer)?.isGeneric ? { kind: peer.kind, hfid: h } : h;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * File text → a typed object with unresolved references. Pure; every problem is returned with the
 * file's line and column. `path` is relative to the inventory folder (its first folder is the
 * kind); `file` is how diagnostics name it.
 */
export function decodeObject(schema: SchemaSet, path: string, text: string, file: string): DecodeResult {
  const diagnostics: Diagnostic[] = [];
  const at = (key?: string) => ({ file, ...(key === undefined ? { line: 1, column: 1 } : locateKey(text, key)) });
  const kindName = kindOfPath(path);
  const kind = kindName === undefined ? undefined : schema.get(kindName);
  if (!kind || kind.isGeneric) {
    const known = [...schema.kinds.values()].filter((k) => !k.isGeneric).map((k) => k.kind);
    const hint = kindName === undefined ? 'object files live in <Kind>/<name>.json' : (didYouMean(kindName, known) ?? 'the first folder under the inventory names the kind');
    diagnostics.push(diag('error', 'inventory/unknown-kind', kindName === undefined ? `${path}: not an object file path` : `unknown kind "${kindName}"${kind?.isGeneric ? ' (a generic: objects belong to a concrete kind)' : ''}`, at(), { hint }));
    return { object: undefined, diagnostics };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(msg);
    const where = m ? positionAt(text, Number(m[1])) : { line: 1, column: 1 };
    diagnostics.push(diag('error', 'inventory/bad-json', `not valid JSON: ${msg}`, { file, ...where }, { hint: 'object files are JSON written by svc; restore it from git or fix the syntax' }));
    return { object: undefined, diagnostics };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    diagnostics.push(diag('error', 'inventory/not-an-object', 'an object file must hold a JSON object', at(), { hint: 'start the file with {"id": ...}' }));
    return { object: undefined, diagnostics };
  }
  const repeated = findDuplicateKey(text, raw);
  if (repeated) {
    // Reported, and the object still read (with the last value, as JSON.parse keeps it), so its
    // references do not turn into a cascade of dangling ones.
    diagnostics.push(diag('error', DUPLICATE_KEY, `key "${repeated.key}" is written twice in one object: which value is meant cannot be told`, { file, line: repeated.line, column: repeated.column }, { key: repeated.key, hint: 'keep one of them (JSON readers silently keep the last), or restore the file from git' }));
  }
  const rec = raw as Record<string, unknown>;
  if (typeof rec.id !== 'string' || !ID_PATTERN.test(rec.id)) {
    diagnostics.push(diag('error', 'inventory/bad-id', `"id" must be 16 lower-case hex digits, got ${JSON.stringify(rec.id)}`, at(rec.id === undefined ? undefined : 'id'), { hint: 'ids are assigned by svc and never change; restore it from git' }));
    return { object: undefined, diagnostics };
  }
  const object: DecodedObject = { id: rec.id, kind: kind.kind, attributes: {}, refs: {} };
  const { attrs, rels } = keysOf(schema, kind);
  for (const key in rec) {
    if (key === 'id') continue;
    const value = rec[key];
    const a = attrs.get(key);
    if (a) {
      const problem = typeProblem(a.kind, value);
      if (problem) diagnostics.push(diag('error', 'inventory/wrong-type', `${key}: ${problem}`, at(key), { subject: kind.kind, key }));
      else object.attributes[key] = value as AttributeValue;
      continue;
    }
    const rel = rels.get(key);
    if (rel) {
      const refs = decodeRefs(schema, kind, rel, value);
      if (typeof refs === 'string') diagnostics.push(diag('error', 'inventory/bad-reference', `${key}: ${refs}`, at(key), { subject: kind.kind, key }));
      else object.refs[key] = refs;
      continue;
    }
    const other = kind.relationships.find((r) => r.name === key);
    const hint = other ? `"${key}" is stored in the peer's file (${other.peer}), not here` : didYouMean(key, [...attrs.keys(), ...rels.keys()]);
    diagnostics.push(diag('error', 'inventory/unknown-key', `unknown key "${key}" for ${kind.kind}`, at(key), { subject: kind.kind, key, ...(hint ? { hint } : {}) }));
  }
  return { object, diagnostics };
}

const keyCache = new WeakMap<SchemaSet, Map<string, { attrs: Map<string, AttributeSchema>; rels: Map<string, RelationshipSchema> }>>();

/** Per kind, the keys a file may hold (memoised: decoding 100k files must not rebuild these maps). */
function keysOf(schema: SchemaSet, kind: KindSchema): { attrs: Map<string, AttributeSchema>; rels: Map<string, RelationshipSchema> } {
  let perKind = keyCache.get(schema);
  if (!perKind) keyCache.set(schema, (perKind = new Map()));
  let k = perKind.get(kind.kind);
  if (!k) {
    k = { attrs: new Map(kind.attributes.map((a) => [a.name, a])), rels: new Map(storedRelationships(schema, kind).map((r) => [r.name, r])) };
    perKind.set(kind.kind, k);
  }
  return k;
}

function decodeRefs(schema: SchemaSet, kind: KindSchema, rel: RelationshipSchema, value: unknown): RefKey | RefKey[] | string {
  if (rel.cardinality === 'many') {
    if (!Array.isArray(value)) return `a "many" relationship is an array of references`;
    const out: RefKey[] = [];
    for (const v of value) {
      const r = decodeRef(schema, rel, v);
      if (typeof r === 'string') return r;
      out.push(r);
    }
    return out;
  }
  void kind;
  return decodeRef(schema, rel, value);
}

function decodeRef(schema: SchemaSet, rel: RelationshipSchema, v: unknown): RefKey | string {
  const hfid = (h: unknown): string[] | undefined =>
    typeof h === 'string' ? [h] : Array.isArray(h) && h.length > 0 && h.every((x) => typeof x === 'string') ? (h as string[]) : undefined;
  const peer = schema.get(rel.peer);
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.id === 'string' && ID_PATTERN.test(o.id)) return { id: o.id };
    const h = hfid(o.hfid);
    if (typeof o.kind === 'string' && h) {
      if (!schema.get(o.kind) || !schema.isA(o.kind, rel.peer)) return `"${o.kind}" is not a kind of ${rel.peer}`;
      return { kind: o.kind, hfid: h };
    }
    return `a reference is {"kind": ..., "hfid": ...} or {"id": ...}`;
  }
  const h = hfid(v);
  if (!h) return `a reference is the peer's hfid: a string or an array of strings`;
  if (peer?.isGeneric) return `${rel.peer} is a generic: write {"kind": "<Kind>", "hfid": ${JSON.stringify(v)}}`;
  return { kind: rel.peer, hfid: h };
}

function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

/** Where a top-level key is written (files are svc-formatted, so a text search is exact enough). */
export function locateKey(text: string, key: string): { line: number; column: number } {
  const i = text.indexOf(`${JSON.stringify(key)}:`);
  return i < 0 ? { line: 1, column: 1 } : positionAt(text, i);
}

/** Decoded → in-memory object, once its references are resolved to ids (unresolved ones are left out). */
export function toInventoryObject(d: DecodedObject, resolve: (ref: RefKey) => PeerRef | undefined): InventoryObject {
  const relationships: InventoryObject['relationships'] = {};
  for (const [name, r] of Object.entries(d.refs)) {
    if (Array.isArray(r)) relationships[name] = r.flatMap((x) => resolve(x) ?? []);
    else {
      const p = resolve(r);
      if (p) relationships[name] = p;
    }
  }
  return { id: d.id, kind: d.kind, attributes: d.attributes, relationships };
}
