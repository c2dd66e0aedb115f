import type { SourceLocation } from '../diagnostics.js';

/**
 * The resolved schema: what the rest of svc (inventory, products, generators) works with.
 * Raw YAML (Infrahub dialect) is loaded and checked by ./load.ts and ./check.ts; ./resolve.ts turns
 * it into these types: kinds computed, inheritance flattened (each inherited item remembers its
 * origin), extensions merged, defaults applied (optional=false for attributes, cardinality=many and
 * optional=true for relationships, identifiers generated).
 */

export const ATTRIBUTE_KINDS = [
  'ID', 'Text', 'TextArea', 'DateTime', 'Email', 'Password', 'HashedPassword', 'URL', 'File', 'MacAddress',
  'Color', 'Dropdown', 'Number', 'NumberPool', 'Bandwidth', 'IPHost', 'IPNetwork', 'Boolean', 'Checkbox',
  'List', 'JSON', 'Any',
] as const;
export type AttributeKind = (typeof ATTRIBUTE_KINDS)[number];

export const RELATIONSHIP_KINDS = ['Generic', 'Attribute', 'Component', 'Parent', 'Group', 'Hierarchy', 'Profile', 'Template'] as const;
export type RelationshipKind = (typeof RELATIONSHIP_KINDS)[number];

/**
 * Infrahub's own machinery (groups, menus, lineage) is not what a group holds, and neither are svc's
 * own kinds (products, blocks, bookkeeping), which Infrahub never sees.
 */
export const INTERNAL_NAMESPACES: ReadonlySet<string> = new Set(['Core', 'Lineage', 'Internal', 'Svc', 'Product', 'Block']);

export type Cardinality = 'one' | 'many';
export type Direction = 'bidirectional' | 'outbound' | 'inbound';
export type BranchSupport = 'aware' | 'agnostic' | 'local';
export type OnDelete = 'no-action' | 'cascade';

export interface DropdownChoice {
  name: string;
  label?: string;
  description?: string;
  color?: string;
}

export interface AttributeSchema {
  name: string;
  kind: AttributeKind;
  /** Mandatory unless `optional: true`, as in Infrahub. */
  optional: boolean;
  unique: boolean;
  read_only: boolean;
  default_value?: unknown;
  /** Dropdown choices. */
  choices?: DropdownChoice[];
  /** Allowed values for Text/Number attributes. */
  enum?: (string | number)[];
  /** Merged from top-level keys and `parameters:`. */
  regex?: string;
  min_length?: number;
  max_length?: number;
  min_value?: number;
  max_value?: number;
  label?: string;
  description?: string;
  order_weight?: number;
  branch?: BranchSupport;
  /** The generic this attribute was inherited from, when it was. */
  inherited_from?: string;
  /** Set when this attribute was added to its kind by an `extensions:` block (the file). */
  extended_in?: string;
  /** Where the attribute is declared (the generic's file for inherited ones). */
  source?: SourceLocation;
}

export interface RelationshipSchema {
  name: string;
  peer: string;
  kind: RelationshipKind;
  cardinality: Cardinality;
  optional: boolean;
  direction: Direction;
  /** Both sides of one relationship share it; generated as `<a>__<b>` (sorted, lowercase) when absent. */
  identifier: string;
  min_count: number;
  /** 0 means unbounded. */
  max_count: number;
  on_delete?: OnDelete;
  label?: string;
  description?: string;
  order_weight?: number;
  branch?: BranchSupport;
  read_only: boolean;
  inherited_from?: string;
  /** Set when this relationship was added to its kind by an `extensions:` block. */
  extended_in?: string;
  source?: SourceLocation;
}

/** A node or a generic, after resolution. */
export interface KindSchema {
  kind: string;
  namespace: string;
  name: string;
  isGeneric: boolean;
  /** Kinds that come with svc (BuiltinTag, CoreNumberPool, ...) rather than from the catalog. */
  builtin: boolean;
  inherit_from: string[];
  /** In declaration order (own first, then inherited), sorted by order_weight where given. */
  attributes: AttributeSchema[];
  relationships: RelationshipSchema[];
  /** Paths such as `name__value` or `device__name__value`. */
  human_friendly_id?: string[];
  display_labels?: string[];
  uniqueness_constraints?: string[][];
  order_by?: string[];
  parent?: string;
  children?: string;
  branch?: BranchSupport;
  label?: string;
  description?: string;
  icon?: string;
  default_filter?: string;
  include_in_menu?: boolean;
  menu_placement?: string;
  documentation?: string;
  /** Generics only: nodes inheriting it form a tree with implicit `parent` / `children` relationships. */
  hierarchical?: boolean;
  /** Nodes only: the hierarchical generic whose tree this node belongs to. */
  hierarchy?: string;
  /** Generics only: the node kinds that inherit from it (directly or not), sorted. */
  used_by: string[];
  source?: SourceLocation;
}

export interface SchemaSet {
  /** Every kind (nodes and generics, built-in and catalog), sorted by kind. */
  kinds: ReadonlyMap<string, KindSchema>;
  get(kind: string): KindSchema | undefined;
  /** A node kind itself; for a generic, every node kind that inherits it. */
  concreteKinds(kind: string): string[];
  /** True when `kind` is `target` or inherits from it. */
  isA(kind: string, target: string): boolean;
  /** A hash of the resolved catalog schema: the SQLite index rebuilds when it changes. */
  fingerprint: string;
}
