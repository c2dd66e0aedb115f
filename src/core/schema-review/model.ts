import type { Diagnostic } from '../diagnostics.js';

/**
 * A schema change review (`svc validate --base REF`): what changed in the resolved schema since a
 * base revision, each change classed as Infrahub classes schema updates, and what in the existing
 * inventory the change breaks.
 */

/** Infrahub's four answers to "may this element change?" (its schema update reference). */
export type ChangeAction = 'allowed' | 'migration_required' | 'validate_constraint' | 'not_supported';

export type ElementType = 'node' | 'generic' | 'attribute' | 'relationship';

export interface SchemaChange {
  /** The kind the change is on (for an attribute or relationship: the kind declaring it). */
  kind: string;
  element: ElementType;
  /** The attribute or relationship name; absent for a change on the kind itself. */
  name?: string;
  change: 'added' | 'removed' | 'updated';
  /** For `updated`: the property that changed (e.g. `choices`, `optional`, `cardinality`). */
  property?: string;
  before?: unknown;
  after?: unknown;
  action: ChangeAction;
  /** Where to look: the new schema's file, or the base's (`atBase`) for what was removed. */
  file?: string;
  line?: number;
  column?: number;
  atBase?: boolean;
}

/** One object file of the inventory, as its raw JSON: what the review checks against the new schema. */
export interface ReviewObject {
  /** How diagnostics name it (catalog-relative). */
  file: string;
  kind: string;
  id: string;
  /** The file's keys and values, untyped: removed attributes are still there to be found. */
  values: Record<string, unknown>;
}

/** The inventory as the review reads it: object files per concrete kind, in file order. */
export interface ReviewInventory {
  objectsOf(kind: string): readonly ReviewObject[];
}

export interface SchemaReview {
  /** Sorted by file, line, kind, name, property. */
  changes: SchemaChange[];
  /** Findings: inventory the new schema breaks, and changes Infrahub does not support. */
  diagnostics: Diagnostic[];
}
