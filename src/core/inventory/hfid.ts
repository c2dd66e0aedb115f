import type { KindSchema, SchemaSet } from '../schema/model.js';
import type { InventoryObject, InventoryReader, PeerRef } from './model.js';

/**
 * Human-friendly ids. A kind's `human_friendly_id` is a list of paths in Infrahub's notation:
 * `name__value` (an attribute of the object) or `device__name__value` (an attribute of the peer of a
 * `one` relationship). The hfid of an object is the list of those values, as strings.
 */
export interface HfidPath {
  /** Relationships to follow, outermost first (usually none or one). */
  via: string[];
  attribute: string;
}

export function parseHfidPath(path: string): HfidPath {
  const parts = path.split('__');
  if (parts.length > 1 && ['value', 'id'].includes(parts[parts.length - 1]!)) parts.pop();
  const attribute = parts.pop() ?? '';
  return { via: parts, attribute };
}

/**
 * The hfid of `obj`, or undefined when the kind has none or a component is missing (then the object
 * is addressed by id). `peerOf` resolves a relationship of an object to its peer.
 */
export function hfidOf(
  schema: SchemaSet,
  obj: InventoryObject,
  reader: Pick<InventoryReader, 'get'>,
): string[] | undefined {
  const kind = schema.get(obj.kind);
  const paths = kind?.human_friendly_id;
  if (!kind || !paths?.length) return undefined;
  const out: string[] = [];
  for (const p of paths) {
    const { via, attribute } = parseHfidPath(p);
    let cur: InventoryObject | undefined = obj;
    for (const rel of via) {
      const ref: PeerRef | PeerRef[] | undefined = cur?.relationships[rel];
      cur = ref && !Array.isArray(ref) ? reader.get(ref.id) : undefined;
    }
    const v = cur?.attributes[attribute];
    if (v === undefined || v === null) return undefined;
    out.push(typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  return out;
}

/** The kinds an hfid path walks through must be `one` relationships: useful for checks and docs. */
export function hfidRelationships(kind: KindSchema): string[] {
  return (kind.human_friendly_id ?? []).flatMap((p) => parseHfidPath(p).via.slice(0, 1));
}
