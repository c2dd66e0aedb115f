import type { AttributeValue } from '../inventory/model.js';
import type { RelationshipSchema } from '../schema/model.js';

/**
 * What the query engine needs from an inventory: whole batches, never one row at a time. The engine
 * collects every key one level of a query asks for (every device's location, every interface's
 * addresses) and hands them over in one call, so a query costs a few statements per level.
 */
export interface QuerySource {
  /**
   * Ids of the objects of `kind` (a generic: every kind that inherits it) that pass `filter`, in
   * the order of the kind's `order_by` (then the file's path, which follows the hfid). `within`:
   * only among these ids.
   */
  select(kind: string, filter: NodeFilter, within?: readonly string[]): string[];
  /** These ids of objects of `kind` (a generic: its kinds) → their place in select's order. */
  rank(kind: string, ids: readonly string[]): Map<string, number>;
  /** The objects under these ids; unknown ids are left out. */
  nodes(ids: readonly string[]): Map<string, NodeRow>;
  /**
   * For each id (objects of the concrete `kind`), the ids of its peers over `rel`, whichever side
   * stores the link.
   */
  peers(kind: string, rel: RelationshipSchema, ids: readonly string[]): Map<string, string[]>;
}

export interface NodeRow {
  id: string;
  /** Concrete kind. */
  kind: string;
  hfid: string[] | null;
  attributes: Record<string, AttributeValue>;
  /** The cardinality-one relationships the kind's files store: name → peer id, null for none. */
  ones: Record<string, string | null>;
}

export interface AttributeCondition {
  attribute: string;
  /** eq: equals one value; in: one of the values; isnull: has no value (value true) or has one (false). */
  op: 'eq' | 'in' | 'isnull' | 'like';
  value: AttributeValue | AttributeValue[];
}

export interface RelationshipCondition {
  relationship: string;
  /** The peer must be one of these ids. */
  ids?: string[];
  /** The peer must pass these. */
  attributes: AttributeCondition[];
  /** true: no peer at all; false: at least one. */
  isnull?: boolean;
}

export interface NodeFilter {
  ids?: string[];
  hfid?: string[];
  attributes: AttributeCondition[];
  relationships: RelationshipCondition[];
}

export const emptyFilter = (): NodeFilter => ({ attributes: [], relationships: [] });

export const isEmptyFilter = (f: NodeFilter): boolean => f.ids === undefined && f.hfid === undefined && f.attributes.length === 0 && f.relationships.length === 0;
