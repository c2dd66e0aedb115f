import type { SourceLocation } from '../diagnostics.js';
import type { AttributeValue } from '../inventory/model.js';
import type { KindSchema, RelationshipSchema } from '../schema/model.js';

/** One object file given to `svc load`: its path as the user should see it, and its text. */
export interface LoadInput {
  file: string;
  text: string;
}

/** A peer named in a file: by human-friendly id, or the object defined right there (a nested block). */
export type PeerSpec = { hfid: string[]; where: SourceLocation } | { entry: Entry };

export interface RelValue {
  rel: RelationshipSchema;
  peers: PeerSpec[];
  where: SourceLocation;
  /** Set by a parent block: the child's reference to the object it is nested in. */
  implied?: boolean;
  /** Filled in by svc (a prefix's default namespace): yields to a value the object already holds. */
  fallback?: boolean;
}

/** One object as the files describe it, before references are resolved. */
export interface Entry {
  kind: string;
  schema: KindSchema;
  where: SourceLocation;
  /** Attribute name → typed value; null clears an optional attribute. */
  attributes: Record<string, AttributeValue>;
  attributeWhere: Record<string, SourceLocation>;
  relationships: Record<string, RelValue>;
  /** `<relationship>_from_resource_pool: <pool>`: the peer is allocated from that pool (./pools.ts). */
  fromPool?: Record<string, { pool: string[]; where: SourceLocation }>;
}
