import type { KindSchema, RelationshipSchema, SchemaSet } from '../schema/model.js';

/**
 * Which side of a relationship stores it. Each relationship is written in exactly one file so that
 * adding an interface never touches its device's file (merges stay clean); the index derives the
 * other direction.
 *
 * - `one` against `many`: the `one` side (the interface names its device).
 * - same cardinality on both sides: the side whose (declaring kind, relationship name) sorts first,
 *   so both sides of the decision agree without coordination.
 * - declared on one side only: that side.
 *
 * The declaring kind (the generic for an inherited relationship) is what is compared, so every
 * concrete kind that inherits a relationship makes the same choice.
 */
export function counterpart(schema: SchemaSet, kind: KindSchema, rel: RelationshipSchema): RelationshipSchema | undefined {
  const peer = schema.get(rel.peer);
  if (!peer) return undefined;
  const candidates = peer.relationships
    .filter((r) => r.identifier === rel.identifier && !(peer.kind === kind.kind && r.name === rel.name))
    .filter((r) => schema.isA(kind.kind, r.peer) || schema.isA(r.peer, kind.kind) || (rel.inherited_from !== undefined && schema.isA(rel.inherited_from, r.peer)))
    // Within a hierarchy both parent and children share one identifier: the counterpart of an
    // outbound side is the inbound one (and a `one` side's is a `many` one), before any name order.
    .sort((a, b) => facing(rel, b) - facing(rel, a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return candidates[0];
}

/** How well `other` mirrors `rel`: opposite directions, then opposite cardinalities, score higher. */
function facing(rel: RelationshipSchema, other: RelationshipSchema): number {
  const opposite = (rel.direction === 'outbound' && other.direction === 'inbound') || (rel.direction === 'inbound' && other.direction === 'outbound');
  return (opposite ? 2 : 0) + (rel.cardinality !== other.cardinality ? 1 : 0);
}

function declaringKind(kind: string, rel: RelationshipSchema): string {
  return rel.inherited_from ?? kind;
}

export function isStoredHere(schema: SchemaSet, kind: KindSchema, rel: RelationshipSchema): boolean {
  const other = counterpart(schema, kind, rel);
  if (!other) return true;
  if (rel.cardinality !== other.cardinality) return rel.cardinality === 'one';
  const mine = `${declaringKind(kind.kind, rel)}\0${rel.name}`;
  const theirs = `${declaringKind(rel.peer, other)}\0${other.name}`;
  return mine <= theirs;
}

const cache = new WeakMap<SchemaSet, Map<string, RelationshipSchema[]>>();

/** The relationships a kind's files store, in schema order (memoised per schema: a hot path). */
export function storedRelationships(schema: SchemaSet, kind: KindSchema): RelationshipSchema[] {
  let perKind = cache.get(schema);
  if (!perKind) cache.set(schema, (perKind = new Map()));
  let out = perKind.get(kind.kind);
  if (!out) perKind.set(kind.kind, (out = kind.relationships.filter((r) => isStoredHere(schema, kind, r))));
  return out;
}
