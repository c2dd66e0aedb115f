import type { AttributeValue, InventoryObject, PeerRef } from './model.js';

/** JSON text with object keys sorted, so equal values have equal text whatever their key order. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) return x;
    const rec = x as Record<string, unknown>;
    return Object.fromEntries(Object.keys(rec).sort().map((k) => [k, rec[k]]));
  });
}

/** Equality of attribute values as files hold them (JSON): key order inside objects does not matter. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Whether two versions of an object would be stored as the same file: same kind, the same attribute
 * values (absent and null alike), and the same peers per relationship (in any order; an empty list
 * is no relationship). Generation compares every object it rewrites with the index's version, so
 * this walks the values instead of building JSON text for both.
 */
export function sameObject(a: InventoryObject, b: InventoryObject): boolean {
  if (a === b) return true;
  if (a.id !== b.id || a.kind !== b.kind) return false;
  return sameEntries(a.attributes, b.attributes, isAbsentValue, sameValue) && sameEntries(a.relationships, b.relationships, isNoPeer, samePeers);
}

const isAbsentValue = (v: AttributeValue | undefined) => v === undefined || v === null;
const isNoPeer = (v: PeerRef | PeerRef[] | undefined) => v === undefined || (Array.isArray(v) && v.length === 0);

function sameEntries<V>(a: Record<string, V>, b: Record<string, V>, absent: (v: V | undefined) => boolean, same: (x: V, y: V) => boolean): boolean {
  let present = 0;
  for (const k in a) {
    const x = a[k];
    if (absent(x)) continue;
    present++;
    const y = b[k];
    if (absent(y) || !same(x!, y!)) return false;
  }
  for (const k in b) if (!absent(b[k])) present--;
  return present === 0;
}

function samePeers(a: PeerRef | PeerRef[], b: PeerRef | PeerRef[]): boolean {
  const x = Array.isArray(a) ? a : [a];
  const y = Array.isArray(b) ? b : [b];
  if (x.length !== y.length) return false;
  if (x.length === 1) return x[0]!.id === y[0]!.id && x[0]!.kind === y[0]!.kind;
  const key = (p: PeerRef) => `${p.kind}:${p.id}`;
  const ys = new Set(y.map(key));
  return ys.size === new Set(x.map(key)).size && x.every((p) => ys.has(key(p)));
}
