import type { Ajv, ErrorObject } from 'ajv';
import { diag } from '../diagnostics.js';
import { ValidationError } from '../errors.js';
import { newAjv } from '../own-schema.js';
import { hfidOf } from '../inventory/hfid.js';
import { normaliseIp } from '../inventory/values.js';
import type { InventoryReader } from '../inventory/model.js';
import type { SchemaSet } from '../schema/model.js';
import { didYouMean } from '../suggest.js';
import { blockKind } from './compile.js';
import type { FieldDef, FieldTarget, ProductDef, ProductSet, Variant } from './model.js';
import { intBounds } from './rules.js';

/**
 * The request form of a product: a JSON Schema of its inputs (fixed inputs that pick the variant,
 * the customer, and every field whose role is `input`), and ajv validation of a request against it
 * with messages that name the input, the value given and what is allowed.
 */
export type JsonSchema = { [key: string]: unknown };

export interface FormField {
  /** The request key: the root block's field name. */
  key: string;
  block: string;
  field: FieldDef;
}

export interface InputOptions {
  /** Pin the fixed inputs to this variant's values. */
  variant?: Variant;
  /** With both, references list the existing objects (ids and human-friendly ids) as choices. */
  reader?: InventoryReader;
  schema?: SchemaSet;
}

export interface InputProblem {
  input: string;
  value?: unknown;
  message: string;
  hint?: string;
}

/**
 * The root block's input fields: the top of the form. A field holding blocks of this product's own
 * (not shared ones from other subscriptions) nests their input fields as an object, or a list of
 * objects; a field holding a shared block or a schema kind is a reference to an existing object.
 */
export function formFields(product: ProductDef, set: ProductSet): FormField[] {
  const root = product.blocks.find((b) => b.name === product.rootBlock);
  if (!root) return [];
  return (set.blocks.get(root.type) ?? root).fields.filter((f) => f.role === 'input').map((field) => ({ key: field.name, block: root.name, field }));
}

/** Block types this product owns: listed with their fields here or, when listed by reference, not. */
function ownBlockTypes(product: ProductDef): Set<string> {
  return new Set(product.blocks.filter((b) => !b.referenceOnly).map((b) => b.type));
}

function blockForm(type: string, product: ProductDef, set: ProductSet, opts: InputOptions, seen: ReadonlySet<string>): JsonSchema {
  const fields = (set.blocks.get(type)?.fields ?? []).filter((f) => f.role === 'input');
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const f of fields) {
    properties[f.name] = fieldSchema(f, product, set, opts, new Set([...seen, type]));
    if (isRequiredInput(f, product)) required.push(f.name);
  }
  return { type: 'object', additionalProperties: false, required, properties };
}

/**
 * An input the request must give: one required before the subscription is active. For a product
 * without a generator, also one required at active: nothing but the request will ever fill it, and
 * so the subscription becomes active with the request (see completeUngenerated in the engine).
 */
function isRequiredInput(f: FieldDef, product: ProductDef): boolean {
  if (f.default !== undefined || f.required === undefined) return false;
  return f.required !== 'active' || product.implementedBy.length === 0;
}

function fieldSchema(field: FieldDef, product: ProductDef, set: ProductSet, opts: InputOptions, seen: ReadonlySet<string>): JsonSchema {
  const t = field.target;
  const nested = t.kind === 'block' && ownBlockTypes(product).has(t.block) && !seen.has(t.block);
  const item = nested ? blockForm(t.block, product, set, opts, seen) : targetSchema(field, t, opts);
  const s: JsonSchema = field.list ? { type: 'array', items: item, ...bounds(field) } : item;
  if (field.description !== undefined) s.description = field.description;
  if (field.default !== undefined) s.default = field.default;
  return s;
}

export function requestSchema(product: ProductDef, set: ProductSet, opts: InputOptions = {}): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const fi of product.fixedInputs) {
    if (fi.values.length < 2) continue;
    properties[fi.name] = opts.variant ? { const: opts.variant.fixedInputs[fi.name] } : { enum: [...fi.values], ...(fi.description ? { description: fi.description } : {}) };
    required.push(fi.name);
  }
  properties.customer = { type: 'string', minLength: 1, description: 'The customer the subscription is for' };
  required.push('customer');
  properties.description = { type: 'string' };
  for (const { key, field } of formFields(product, set)) {
    properties[key] = fieldSchema(field, product, set, opts, new Set());
    if (isRequiredInput(field, product)) required.push(key);
  }
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: product.name, type: 'object', additionalProperties: false, required, properties };
}

function bounds(f: FieldDef): JsonSchema {
  return { ...(f.list?.minItems !== undefined ? { minItems: f.list.minItems } : {}), ...(f.list?.maxItems !== undefined ? { maxItems: f.list.maxItems } : {}) };
}

/** The IP scalars: what the value must parse as, for the custom keyword IP_KEYWORD. */
const IP_TYPES: Record<string, { kind: 'IPHost' | 'IPNetwork'; family: 4 | 6; what: string }> = {
  ipv4: { kind: 'IPHost', family: 4, what: 'an IPv4 address' },
  ipv6: { kind: 'IPHost', family: 6, what: 'an IPv6 address' },
  ipv4_network: { kind: 'IPNetwork', family: 4, what: 'an IPv4 prefix (such as 192.0.2.0/24)' },
  ipv6_network: { kind: 'IPNetwork', family: 6, what: 'an IPv6 prefix (such as 2001:db8::/48)' },
};
const IP_KEYWORD = 'x-svc-ip';

/** Whether `text` is the IP value `type` names, as the inventory will read it (normaliseIp). */
function isIpOf(type: string, text: unknown): boolean {
  const t = IP_TYPES[type];
  return t !== undefined && typeof text === 'string' && text.includes(':') === (t.family === 6) && normaliseIp(t.kind, text) !== undefined;
}

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

function targetSchema(f: FieldDef, t: FieldTarget, opts: InputOptions): JsonSchema {
  switch (t.kind) {
    case 'enum':
      return { enum: [...t.values] };
    case 'scalar':
      if (t.type in IP_TYPES) return { type: 'string', minLength: 1, [IP_KEYWORD]: t.type };
      if (t.type === 'int') {
        const { min, max } = intBounds(f);
        return { type: 'integer', ...(min !== undefined ? { minimum: min } : {}), ...(max !== undefined ? { maximum: max } : {}) };
      }
      if (t.type === 'bool') return { type: 'boolean' };
      if (t.type === 'uuid') return { type: 'string', pattern: UUID };
      return strSchema(f);
    case 'block':
    case 'schema': {
      const kind = t.kind === 'block' ? blockKind(t.block) : t.schemaKind;
      const s: JsonSchema = { type: 'string', minLength: 1, description: `a ${kind}, by id${t.kind === 'schema' ? ' or human-friendly id' : ''}`, 'x-svc-reference': kind };
      if (opts.reader && opts.schema) s.enum = referenceChoices(kind, opts.reader, opts.schema);
      return s;
    }
  }
}

/** A str input: not empty, and what its validations' rules say; each pattern names its validation, for the message. */
function strSchema(f: FieldDef): JsonSchema {
  const rules = (f.validations ?? []).flatMap((v) => (v.rule ? [{ v, r: v.rule }] : []));
  const mins = rules.flatMap(({ r }) => (r.minLength !== undefined ? [r.minLength] : []));
  const maxs = rules.flatMap(({ r }) => (r.maxLength !== undefined ? [r.maxLength] : []));
  const patterns = rules.filter(({ r }) => r.pattern !== undefined).map(({ v, r }) => ({ pattern: r.pattern!, [VALIDATION_KEYWORD]: v.description ?? v.id }));
  return {
    type: 'string',
    minLength: Math.max(1, ...mins),
    ...(maxs.length ? { maxLength: Math.min(...maxs) } : {}),
    ...(patterns.length ? { allOf: patterns } : {}),
  };
}
/** Annotation (not checked): what a pattern stands for, from its validation. */
const VALIDATION_KEYWORD = 'x-svc-validation';

/** Ids and human-friendly ids (components joined by "/") of every object of `kind`, sorted. */
export function referenceChoices(kind: string, reader: InventoryReader, schema: SchemaSet): string[] {
  const out = new Set<string>();
  for (const obj of reader.list(kind)) {
    out.add(obj.id);
    const hfid = hfidOf(schema, obj, reader);
    if (hfid) out.add(hfid.join('/'));
  }
  return [...out].sort();
}

/** Built once each: one that only checks, one that also fills in defaults. */
const ajvs: { check?: Ajv; fill?: Ajv } = {};

function requestAjv(fill: boolean): Ajv {
  const ajv = newAjv({ allErrors: true, strict: false, useDefaults: fill, verbose: true });
  // Addresses and prefixes are checked as the inventory parses them, so a request never writes one it would refuse.
  ajv.addKeyword({ keyword: IP_KEYWORD, type: 'string', schemaType: 'string', validate: (type: string, data: unknown) => isIpOf(type, data) });
  return ajv;
}

/** Every problem with `request`, or an empty list. */
export function validateRequest(product: ProductDef, set: ProductSet, request: unknown, opts: InputOptions = {}): InputProblem[] {
  return check(product, set, request, opts, false);
}

/** `fill`: inputs left out that have a default get it, in `request` itself (ajv's useDefaults, nested blocks too). */
function check(product: ProductDef, set: ProductSet, request: unknown, opts: InputOptions, fill: boolean): InputProblem[] {
  const schema = requestSchema(product, set, opts);
  const validate = (ajvs[fill ? 'fill' : 'check'] ??= requestAjv(fill)).compile(schema);
  if (validate(request)) return [];
  const props = Object.keys(schema.properties as object);
  const atActive = new Set(product.implementedBy.length === 0 ? formFields(product, set).filter((f) => f.field.required === 'active').map((f) => f.key) : []);
  const said = (x: InputProblem): InputProblem =>
    atActive.has(x.input) && x.value === undefined && x.hint === undefined ? { ...x, hint: `${x.input} is required at active, and ${product.name} has no generator to fill it in later: the request gives it` } : x;
  return (validate.errors ?? []).map((e) => said(problem(e, request, props))).sort((a, b) => a.input.localeCompare(b.input) || a.message.localeCompare(b.message));
}

function problem(e: ErrorObject, request: unknown, props: string[]): InputProblem {
  const segs = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const input = segs.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i > 0 ? `.${s}` : s)).join('') || '(request)';
  let value: unknown = request;
  for (const s of segs) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[s] : undefined;
  const p = e.params as Record<string, unknown>;
  const shown = show(value);
  switch (e.keyword) {
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      // Only a scalar can be misspelt; String() of a mapping may even throw ({toString: null}).
      const hint = typeof value === 'string' || typeof value === 'number' ? didYouMean(String(value), allowed) : undefined;
      if (allowed.length > 12) return { input, value, message: `${input}: ${shown} is not one of the ${allowed.length} known choices`, ...(hint ? { hint } : { hint: `for example: ${allowed.slice(0, 5).join(', ')}` }) };
      return { input, value, message: `${input}: ${shown} is not one of ${allowed.join(', ')}`, ...(hint ? { hint } : {}) };
    }
    case 'const':
      return { input, value, message: `${input}: ${shown} is not ${show(p.allowedValue)}, the value of this variant` };
    case 'type':
      return { input, value, message: `${input}: ${shown} is not ${article(String(p.type))}` };
    case 'minimum':
      return { input, value, message: `${input}: ${shown} is below the minimum ${String(p.limit)}` };
    case 'maximum':
      return { input, value, message: `${input}: ${shown} is above the maximum ${String(p.limit)}` };
    case 'minItems':
      return { input, value, message: `${input}: ${count(value)} given, at least ${String(p.limit)} needed` };
    case 'maxItems':
      return { input, value, message: `${input}: ${count(value)} given, at most ${String(p.limit)} allowed` };
    case 'minLength':
      return { input, value, message: Number(p.limit) <= 1 ? `${input}: may not be empty` : `${input}: ${shown} is shorter than ${String(p.limit)} characters` };
    case 'maxLength':
      return { input, value, message: `${input}: ${shown} is longer than ${String(p.limit)} characters` };
    case 'pattern': {
      if (p.pattern === UUID) return { input, value, message: `${input}: ${shown} is not a valid UUID` };
      const why = (e.parentSchema as JsonSchema | undefined)?.[VALIDATION_KEYWORD];
      return { input, value, message: `${input}: ${shown} does not match ${String(p.pattern)}`, ...(typeof why === 'string' ? { hint: why } : {}) };
    }
    case IP_KEYWORD:
      return { input, value, message: `${input}: ${shown} is not ${IP_TYPES[String(e.schema)]?.what ?? 'an IP value'}` };
    case 'required': {
      const name = input === '(request)' ? String(p.missingProperty) : `${input}.${String(p.missingProperty)}`;
      return { input: name, message: `${name}: missing, and required` };
    }
    case 'additionalProperties': {
      const extra = String(p.additionalProperty);
      const name = input === '(request)' ? extra : `${input}.${extra}`;
      const here = Object.keys(((e.parentSchema as JsonSchema | undefined)?.properties as object | undefined) ?? {});
      const hint = didYouMean(extra, here.length ? here : props) ?? `the inputs here are: ${(here.length ? here : props).join(', ')}`;
      return { input: name, value: value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[extra] : undefined, message: `${name}: not an input of this product`, hint };
    }
    default:
      return { input, value, message: `${input}: ${e.message ?? 'is invalid'}` };
  }
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : Array.isArray(v) || (typeof v === 'object' && v !== null) ? JSON.stringify(v) : String(v);
}
function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}
function count(v: unknown): string {
  const n = Array.isArray(v) ? v.length : 0;
  return `${n} item${n === 1 ? '' : 's'}`;
}

/**
 * For commands that must not go on with a bad request: every problem, as diagnostics, in one error.
 * Returns the request with the defaults of the inputs it leaves out (a copy: `request` is not changed).
 */
export function assertValidRequest<R extends Record<string, unknown>>(product: ProductDef, set: ProductSet, request: R, opts: InputOptions = {}): R {
  const filled = structuredClone(request);
  const problems = check(product, set, filled, opts, true);
  if (!problems.length) return filled;
  throw new ValidationError('request/invalid', `the request for "${product.name}" has ${problems.length} invalid input${problems.length === 1 ? '' : 's'}`, {
    diagnostics: problems.map((p) => diag('error', 'request/invalid-input', p.message, undefined, { subject: product.name, key: p.input, ...(p.hint ? { hint: p.hint } : {}) })),
    hint: '`svc product show <name>` lists the inputs and what each allows',
  });
}
