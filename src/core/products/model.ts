import type { SourceLocation } from '../diagnostics.js';

/**
 * Products as svc understands them after loading (SURF's product-generator YAML dialect, plus svc's
 * `generator:` and per-field `role:`). Everything downstream (variants, compiled schema kinds, the
 * request form, the lifecycle) works from these types, never from raw YAML.
 */

/** The lifecycle levels a field may be required from, weakest first (SURF's `required:` values). */
export const REQUIRED_LEVELS = ['inactive', 'provisioning', 'active'] as const;
export type RequiredLevel = (typeof REQUIRED_LEVELS)[number];

export const SCALAR_TYPES = ['str', 'int', 'bool'] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

/** Who fills a field in: the requester (the form) or the generator (the result). */
export type FieldRole = 'input' | 'output';

/** What a field (or a list's items) holds, once block and schema-kind names are resolved. */
export type FieldTarget =
  | { kind: 'scalar'; type: ScalarType | 'ipv4' | 'ipv6' | 'ipv4_network' | 'ipv6_network' | 'uuid' }
  | { kind: 'enum'; values: (string | number)[] }
  | { kind: 'block'; block: string }
  | { kind: 'schema'; schemaKind: string };

/**
 * A `validations:` entry (SURF: on a field, the id of a form validator `<id>_validator` written in
 * Python; on a workflow, a check that workflow runs). svc cannot run SURF's code: it keeps every entry
 * and checks the ones that carry a rule it can (svc's keys `pattern`, `min_length`, `max_length`,
 * `min_value`, `max_value`), in the request form and on the compiled attribute.
 */
export interface ValidationDef {
  id: string;
  description?: string;
  rule?: ValidationRule;
  source: SourceLocation;
}
export interface ValidationRule {
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
}

export interface FieldDef {
  name: string;
  description?: string;
  /** As written (`str`, `list`, `Node`, `LocationSite` ...). */
  type: string;
  target: FieldTarget;
  /** Set for `type: list`. */
  list?: { minItems?: number; maxItems?: number };
  required?: RequiredLevel;
  modifiable: boolean;
  default?: unknown;
  minValue?: number;
  maxValue?: number;
  role: FieldRole;
  /** As written (`validations:`), in file order. */
  validations?: ValidationDef[];
  source: SourceLocation;
}

export interface BlockDef {
  /** The name the product uses for the block (snake_case in SURF files). */
  name: string;
  /** The block type (UpperCamelCase); blocks are shared between products by type. */
  type: string;
  tag?: string;
  description?: string;
  fields: FieldDef[];
  /** A block listed without `fields:`: its definition lives in another product file. */
  referenceOnly: boolean;
  /** The product file that defines it. */
  definedIn: string;
  source: SourceLocation;
}

export interface FixedInputDef {
  name: string;
  description?: string;
  /**
   * The values it takes: several for an enum (one variant each), one for a plain fixed value, none
   * when the file gives none (SURF sets it in its database): then no variant carries it.
   */
  values: (string | number | boolean)[];
  /** What its values are (a type svc does not know is read as str). */
  type: 'enum' | 'str' | 'int' | 'bool';
  source: SourceLocation;
}

export const WORKFLOW_NAMES = ['create', 'modify', 'terminate', 'validate'] as const;
export type WorkflowName = (typeof WORKFLOW_NAMES)[number];

export interface ProductDef {
  name: string;
  /** UpperCamelCase product type; also names the compiled subscription kind. */
  type: string;
  tag: string;
  description?: string;
  fixedInputs: FixedInputDef[];
  /** The blocks this file lists, root first, then in file order. */
  blocks: BlockDef[];
  rootBlock: string;
  workflows: Record<WorkflowName, boolean>;
  /** A workflow's `validations:` (SURF runs them in that workflow; svc keeps and shows them). */
  workflowValidations: Partial<Record<WorkflowName, ValidationDef[]>>;
  /** As written: `generator:`. */
  generator?: string;
  /**
   * The generators that implement it, sorted: the one `generator:` names and every one whose
   * `targets:` in .orchestrator.yml names the product. Empty: nothing but the request fills it in.
   */
  implementedBy: string[];
  file: string;
  source: SourceLocation;
}

/** One orderable product: a product with a value chosen for every fixed input. */
export interface Variant {
  /** `<product name> <value> <value>...`, in fixed-input order (SURF's registry naming). */
  name: string;
  product: string;
  fixedInputs: Record<string, string | number | boolean>;
}

export interface ProductSet {
  /** By product name, sorted. */
  products: ReadonlyMap<string, ProductDef>;
  /** Every block type with its defining block (the one with fields), sorted by type. */
  blocks: ReadonlyMap<string, BlockDef>;
}
