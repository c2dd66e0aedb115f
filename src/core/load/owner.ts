import { counterpart, isStoredHere } from '../inventory/ownership.js';
import type { RelationshipSchema, SchemaSet } from '../schema/model.js';

/**
 * Which side stores a link is the store's rule (src/core/inventory/ownership.ts): the loader follows
 * it so that a file may describe a link from either side (a country listing its sites, or a site
 * naming its country) and the change set still sets only the stored side.
 */
export function storesRelationship(schema: SchemaSet, kind: string, rel: RelationshipSchema): boolean {
  const k = schema.get(kind);
  return k ? isStoredHere(schema, k, rel) : true;
}

/** The other end of `rel` as the concrete kind `peerKind` declares it (found by name, so inherited ones match). */
export function reverseOf(schema: SchemaSet, kind: string, rel: RelationshipSchema, peerKind: string): RelationshipSchema | undefined {
  const k = schema.get(kind);
  const other = k ? counterpart(schema, k, rel) : undefined;
  if (!other) return undefined;
  return schema.get(peerKind)?.relationships.find((r) => r.name === other.name);
}
