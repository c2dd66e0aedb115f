/**
 * The inventory's object model: what generators, `svc load`, products and the index exchange.
 *
 * Identity: every object has an `id` that never changes (renames keep it); ownership records,
 * allocations and references inside SQLite key on it. Files refer to other objects by their
 * human-friendly id so a reviewer can read them (see ./codec.ts for the file format).
 */

/** A typed attribute value as it comes back from files and the index: never a string in disguise. */
export type AttributeValue =
  | string // Text, TextArea, Dropdown, Email, URL, Color, MacAddress, DateTime (ISO 8601), IPHost/IPNetwork (normalised)
  | number // Number, Bandwidth
  | boolean // Boolean, Checkbox
  | unknown[] // List
  | { [key: string]: unknown } // JSON
  | null;

/** A reference to another object, resolved to its stable id. */
export interface PeerRef {
  id: string;
  /** The peer's concrete kind (needed when the relationship's peer is a generic). */
  kind: string;
}

export interface InventoryObject {
  id: string;
  /** A concrete node kind (never a generic). */
  kind: string;
  /** Attribute name → typed value. Absent optional attributes are absent, not null. */
  attributes: Record<string, AttributeValue>;
  /**
   * Relationship name → peer(s), for the relationships this object's file stores (the owning side:
   * see ./codec.ts). A `one` relationship holds a PeerRef, a `many` relationship a sorted array.
   */
  relationships: Record<string, PeerRef | PeerRef[]>;
}

/** The plan every writer produces and every reader of changes consumes: a value, applied later. */
export interface ChangeSet {
  /** Objects to create or replace, whole. */
  upserts: InventoryObject[];
  /** Ids of objects to delete. */
  deletes: string[];
}

export const emptyChangeSet = (): ChangeSet => ({ upserts: [], deletes: [] });

/**
 * Read access to an inventory, whatever holds it (the SQLite index, an in-memory list in a pure
 * test). Generators, `svc load`, products and validation read through this.
 */
export interface InventoryReader {
  get(id: string): InventoryObject | undefined;
  /** `kind` may be a generic: then any kind inheriting it matches. */
  findByHfid(kind: string, hfid: readonly string[]): InventoryObject | undefined;
  /** Every object of `kind` (a generic lists every inheriting kind), in a stable order. */
  list(kind: string): InventoryObject[];
}
