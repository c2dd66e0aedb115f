import type { YamlSource } from '../yaml/source.js';

/**
 * Schema files as written (Infrahub dialect), after the structural check passed. Optional
 * everywhere: defaults are applied by ./resolve.ts.
 */
export interface RawAttribute {
  name: string;
  kind: string;
  optional?: boolean;
  unique?: boolean;
  read_only?: boolean;
  default_value?: unknown;
  choices?: { name: string; label?: string; description?: string; color?: string }[];
  enum?: (string | number)[];
  regex?: string;
  min_length?: number;
  max_length?: number;
  min_value?: number;
  max_value?: number;
  parameters?: { regex?: string; min_length?: number; max_length?: number; min_value?: number; max_value?: number; excluded_values?: string };
  label?: string;
  description?: string;
  order_weight?: number;
  branch?: string;
  state?: string;
  [key: string]: unknown;
}

export interface RawRelationship {
  name: string;
  peer: string;
  kind?: string;
  cardinality?: string;
  optional?: boolean;
  direction?: string;
  identifier?: string;
  min_count?: number;
  max_count?: number;
  on_delete?: string;
  label?: string;
  description?: string;
  order_weight?: number;
  branch?: string;
  read_only?: boolean;
  state?: string;
  [key: string]: unknown;
}

export interface RawKind {
  name: string;
  namespace: string;
  inherit_from?: string[];
  attributes?: RawAttribute[];
  relationships?: RawRelationship[];
  human_friendly_id?: string[];
  display_labels?: string[];
  display_label?: string;
  uniqueness_constraints?: string[][];
  order_by?: string[];
  parent?: string;
  children?: string;
  branch?: string;
  state?: string;
  label?: string;
  description?: string;
  icon?: string;
  default_filter?: string;
  include_in_menu?: boolean;
  menu_placement?: string;
  documentation?: string;
  hierarchical?: boolean;
  [key: string]: unknown;
}

export interface RawExtension {
  kind: string;
  attributes?: RawAttribute[];
  relationships?: RawRelationship[];
}

export interface RawSchemaDocument {
  version?: string;
  generics?: RawKind[];
  nodes?: RawKind[];
  extensions?: { nodes?: RawExtension[] };
}

/** One loaded schema file: its parsed YAML (with positions) and the document it holds. */
export interface SchemaFile {
  source: YamlSource;
  doc: RawSchemaDocument;
  /** True for the kinds that ship with svc. */
  builtin: boolean;
}
