import { UsageError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import { blockKind, subscriptionKind } from './compile.js';
import { formFields, requestSchema, type JsonSchema } from './inputs.js';
import { WORKFLOW_NAMES, type FieldDef, type ProductDef, type ProductSet, type RequiredLevel, type ValidationDef, type Variant } from './model.js';
import { requirementsByState } from './requirements.js';
import { LIFECYCLE_STATES } from './states.js';
import { variantsOf } from './variants.js';

/**
 * Plain values describing products for `svc products` and `svc product show`; the command renders
 * them as text or prints them as JSON (whose shape is therefore stable: add keys, never rename).
 */
export interface ProductSummary {
  name: string;
  type: string;
  tag: string;
  description?: string;
  file: string;
  /** As written in the product file. */
  generator?: string;
  /** The generators that implement it (ProductDef.implementedBy): empty when the request fills in everything. */
  generators: string[];
  subscription_kind: string;
  variants: Variant[];
}

export interface FieldView {
  name: string;
  type: string;
  /** `str`, `int`, `bool`, `enum`, `block:<Type>`, `kind:<SchemaKind>`, or a scalar such as `ipv4`. */
  target: string;
  list?: { min_items?: number; max_items?: number };
  required?: RequiredLevel;
  modifiable: boolean;
  role: 'input' | 'output';
  values?: (string | number)[];
  default?: unknown;
  min_value?: number;
  max_value?: number;
  description?: string;
  validations?: ValidationView[];
}

/** A `validations:` entry; `checked`: svc checks its rule (else it is SURF code svc keeps but cannot run). */
export interface ValidationView {
  id: string;
  description?: string;
  checked: boolean;
  rule?: { pattern?: string; min_length?: number; max_length?: number; min_value?: number; max_value?: number };
}

export interface InputView {
  key: string;
  /** Where the value lands: `fixed input`, `subscription`, or `<block>.<field>`. */
  target: string;
  type: string;
  required: boolean;
  choices?: unknown[];
  default?: unknown;
}

export interface ProductDetail extends ProductSummary {
  workflows: Record<string, boolean>;
  /** Per workflow, its `validations:` (SURF runs them there; svc does not). */
  workflow_validations: Record<string, ValidationView[]>;
  root_block: string;
  blocks: { name: string; type: string; kind: string; root: boolean; defined_in: string; reference_only: boolean; fields: FieldView[] }[];
  inputs: InputView[];
  /** The JSON Schema of a request (the form), for tools. */
  input_schema: JsonSchema;
  /** Per lifecycle state, the `block.field` paths it requires. */
  requires: Record<string, string[]>;
}

export function summarize(p: ProductDef): ProductSummary {
  return {
    name: p.name,
    type: p.type,
    tag: p.tag,
    ...(p.description !== undefined ? { description: p.description } : {}),
    file: p.file,
    ...(p.generator !== undefined ? { generator: p.generator } : {}),
    generators: [...p.implementedBy],
    subscription_kind: subscriptionKind(p.type),
    variants: variantsOf(p),
  };
}

export function listProducts(set: ProductSet): ProductSummary[] {
  return [...set.products.values()].map(summarize);
}

/** `name` is a product or one of its variants (then the form pins the fixed inputs). */
export function describeProduct(set: ProductSet, name: string): ProductDetail {
  let product = set.products.get(name);
  let variant: Variant | undefined;
  if (!product) {
    for (const p of set.products.values()) {
      variant = variantsOf(p).find((v) => v.name === name);
      if (variant) {
        product = p;
        break;
      }
    }
  }
  if (!product) {
    const names = [...set.products.values()].flatMap((p) => [p.name, ...variantsOf(p).map((v) => v.name)]);
    throw new UsageError('product/not-found', `no product or variant called "${name}"`, {
      hint: didYouMean(name, names) ?? (set.products.size ? `products: ${[...set.products.keys()].join(', ')}` : 'the catalog has no products yet'),
    });
  }
  const schema = requestSchema(product, set, variant ? { variant } : {});
  const required = new Set(schema.required as string[]);
  const props = schema.properties as Record<string, JsonSchema>;
  const form = new Map(formFields(product, set).map((f) => [f.key, f]));
  const inputs: InputView[] = Object.entries(props).map(([key, s]) => {
    const f = form.get(key);
    const isFixed = product!.fixedInputs.some((fi) => fi.name === key);
    const choices = (s.enum as unknown[] | undefined) ?? (s.const !== undefined ? [s.const] : undefined);
    return {
      key,
      target: f ? `${f.block}.${f.field.name}` : isFixed ? 'fixed input' : 'subscription',
      type: f ? typeLabel(f.field) : isFixed ? 'enum' : 'str',
      required: required.has(key),
      ...(choices ? { choices } : {}),
      ...(s.default !== undefined ? { default: s.default } : {}),
    };
  });
  return {
    ...summarize(product),
    ...(variant ? { variants: [variant] } : {}),
    workflows: Object.fromEntries(WORKFLOW_NAMES.map((w) => [w, product!.workflows[w]])),
    workflow_validations: Object.fromEntries(WORKFLOW_NAMES.flatMap((w) => (product!.workflowValidations[w] ? [[w, product!.workflowValidations[w]!.map(validationView)]] : []))),
    root_block: product.rootBlock,
    blocks: product.blocks.map((b) => {
      const def = set.blocks.get(b.type) ?? b;
      return { name: b.name, type: b.type, kind: blockKind(b.type), root: b.name === product!.rootBlock, defined_in: def.definedIn, reference_only: b.referenceOnly, fields: def.fields.map(fieldView) };
    }),
    inputs,
    input_schema: schema,
    requires: requirementsByState(product, set, LIFECYCLE_STATES),
  };
}

function typeLabel(f: FieldDef): string {
  const t = f.target;
  const base = t.kind === 'block' ? `${t.block} (block)` : t.kind === 'schema' ? `${t.schemaKind} (reference)` : t.kind === 'enum' ? 'enum' : t.type;
  return f.list ? `list of ${base}` : base;
}

function fieldView(f: FieldDef): FieldView {
  const t = f.target;
  const v: FieldView = {
    name: f.name,
    type: f.type,
    target: t.kind === 'block' ? `block:${t.block}` : t.kind === 'schema' ? `kind:${t.schemaKind}` : t.kind === 'enum' ? 'enum' : t.type,
    modifiable: f.modifiable,
    role: f.role,
  };
  if (f.list) v.list = { ...(f.list.minItems !== undefined ? { min_items: f.list.minItems } : {}), ...(f.list.maxItems !== undefined ? { max_items: f.list.maxItems } : {}) };
  if (f.required !== undefined) v.required = f.required;
  if (t.kind === 'enum') v.values = t.values;
  if (f.default !== undefined) v.default = f.default;
  if (f.minValue !== undefined) v.min_value = f.minValue;
  if (f.maxValue !== undefined) v.max_value = f.maxValue;
  if (f.description !== undefined) v.description = f.description;
  if (f.validations) v.validations = f.validations.map(validationView);
  return v;
}

function validationView(v: ValidationDef): ValidationView {
  const r = v.rule;
  const rule = r && {
    ...(r.pattern !== undefined ? { pattern: r.pattern } : {}),
    ...(r.minLength !== undefined ? { min_length: r.minLength } : {}),
    ...(r.maxLength !== undefined ? { max_length: r.maxLength } : {}),
    ...(r.minValue !== undefined ? { min_value: r.minValue } : {}),
    ...(r.maxValue !== undefined ? { max_value: r.maxValue } : {}),
  };
  return { id: v.id, ...(v.description !== undefined ? { description: v.description } : {}), checked: rule !== undefined, ...(rule ? { rule } : {}) };
}
