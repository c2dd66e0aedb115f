import { decodeObject, DUPLICATE_KEY, refKeyText, type DecodedObject, type RefKey } from '../inventory/codec.js';
import { parseHfidPath } from '../inventory/hfid.js';
import type { SchemaSet } from '../schema/model.js';

/** One side of a file change, decoded and named. */
export interface Side {
  path: string;
  object: DecodedObject;
  hfid: string[] | undefined;
  label: string;
}

export type SideResult = { side: Side } | { problem: string };

/**
 * File text → a named object, or why it is not one. Problems about single values (a wrong type)
 * do not make the file unreadable: `svc validate` reports those, the diff shows what it can read.
 */
export function decodeSide(schema: SchemaSet, path: string, text: string): SideResult {
  const { object, diagnostics } = decodeObject(schema, path, text, path);
  if (!object) return { problem: diagnostics[0]?.message ?? 'not an object file' };
  // Which of two values is meant cannot be told: the diff would show a guess.
  const repeated = diagnostics.find((d) => d.code === DUPLICATE_KEY);
  if (repeated) return { problem: `${repeated.message} (line ${repeated.line}, column ${repeated.column})` };
  const hfid = hfidOfDecoded(schema, object);
  return { side: { path, object, hfid, label: hfid ? hfidLabel(hfid) : object.id } };
}

export const hfidLabel = (hfid: readonly string[]): string => hfid.join(' / ');

/**
 * The object's human-friendly id from its file alone. A component read through a `one`
 * relationship (`device__name__value`) comes from the peer's reference, which already holds the
 * peer's hfid: the component is the one at the same position in the peer kind's hfid. Undefined
 * when a component cannot be known this way (then the object is named by its id, as its path is).
 */
export function hfidOfDecoded(schema: SchemaSet, d: DecodedObject): string[] | undefined {
  const paths = schema.get(d.kind)?.human_friendly_id;
  if (!paths?.length) return undefined;
  const out: string[] = [];
  for (const p of paths) {
    const { via, attribute } = parseHfidPath(p);
    if (via.length === 0) {
      const v = d.attributes[attribute];
      if (v === undefined || v === null) return undefined;
      out.push(typeof v === 'object' ? JSON.stringify(v) : String(v));
      continue;
    }
    if (via.length > 1) return undefined;
    const ref = d.refs[via[0]!];
    if (ref === undefined || Array.isArray(ref) || 'id' in ref) return undefined;
    const peerPaths = schema.get(ref.kind)?.human_friendly_id ?? [];
    const at = peerPaths.findIndex((q) => {
      const x = parseHfidPath(q);
      return x.via.length === 0 && x.attribute === attribute;
    });
    const component = at < 0 ? undefined : ref.hfid[at];
    if (component === undefined) return undefined;
    out.push(component);
  }
  return out;
}

/** References of one relationship as a list, whatever its cardinality. */
export const refList = (r: RefKey | RefKey[] | undefined): RefKey[] => (r === undefined ? [] : Array.isArray(r) ? r : [r]);

export { refKeyText };

export { sameValue } from '../inventory/equality.js';
