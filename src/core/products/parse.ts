import { diag, type Diagnostic } from '../diagnostics.js';
import { didYouMean } from '../suggest.js';
import type { YamlPath, YamlSource } from '../yaml/source.js';
import { BLOCK_NAME_ATTRIBUTE, OWNER_RELATIONSHIP, blockKind, subscriptionKind } from './compile.js';
import {
  REQUIRED_LEVELS,
  WORKFLOW_NAMES,
  type BlockDef,
  type FieldDef,
  type FieldTarget,
  type FixedInputDef,
  type ProductDef,
  type RequiredLevel,
  type ValidationDef,
  type WorkflowName,
} from './model.js';

/**
 * One product file (already shape-checked against ./file-schema.ts) → a ProductDef, with the
 * findings a JSON Schema cannot phrase well. Field types naming blocks or schema kinds are left as
 * `block` targets here; ./link.ts resolves them once every file is read.
 */

interface RawField {
  name: string;
  description?: string;
  type: string;
  required?: unknown;
  modifiable?: unknown;
  default?: unknown;
  enum_type?: 'str' | 'int';
  values?: RawEnumValue[];
  list_type?: string;
  min_items?: number;
  max_items?: number;
  min_value?: number;
  max_value?: number;
  role?: 'input' | 'output';
  validations?: RawValidation[];
}
interface RawValidation { id: string; description?: string; pattern?: string; min_length?: number; max_length?: number; min_value?: number; max_value?: number }
interface RawBlock { name: string; type: string; tag?: string; description?: string; fields?: RawField[] }
interface RawFixed { name: string; type: string; description?: string; enum_type?: string; values?: RawEnumValue[]; value?: string | number | boolean; default?: unknown }
/** SURF writes enum values plain or as `{key, value}` (the key names the Python enum member). */
type RawEnumValue = string | number | { key?: string; value: string | number };
const enumValues = (vs: RawEnumValue[] | undefined): (string | number)[] | undefined => vs?.map((v) => (typeof v === 'object' ? v.value : v));
interface RawProduct {
  name: string;
  type: string;
  tag?: string;
  description?: string;
  generator?: string;
  fixed_inputs?: RawFixed[];
  product_blocks: RawBlock[];
  workflows?: { name: WorkflowName; enabled?: boolean; validations?: RawValidation[]; flows?: unknown }[];
}

/** Names the compiled kinds use themselves (./compile.ts): the subscription's own fields, a block's owner. */
const SUBSCRIPTION_FIELDS = ['product', 'customer', 'status', 'description', 'start_date', 'end_date', 'insync', 'note', 'version'];
const OWNER_FIELD = OWNER_RELATIONSHIP;

/** SURF files use Python type names for a few scalars; they map onto schema attribute kinds. */
const PY_SCALARS: Record<string, FieldTarget> = {
  str: { kind: 'scalar', type: 'str' },
  int: { kind: 'scalar', type: 'int' },
  bool: { kind: 'scalar', type: 'bool' },
  UUID: { kind: 'scalar', type: 'uuid' },
  'ipaddress.IPv4Address': { kind: 'scalar', type: 'ipv4' },
  'ipaddress.IPv6Address': { kind: 'scalar', type: 'ipv6' },
  'ipaddress.IPv4Network': { kind: 'scalar', type: 'ipv4_network' },
  'ipaddress.IPv6Network': { kind: 'scalar', type: 'ipv6_network' },
  // An interface is an address with its prefix length, which an IPHost attribute holds.
  'ipaddress.IPv4Interface': { kind: 'scalar', type: 'ipv4' },
  'ipaddress.IPv6Interface': { kind: 'scalar', type: 'ipv6' },
};

const FIXED_TYPES = ['enum', 'str', 'int', 'bool'] as const;
function fixedType(t: string): FixedInputDef['type'] {
  return t === 'int' || t === 'bool' || t === 'enum' ? t : 'str';
}

/** `node`, `user_group`, `core-link` → `Node`, `UserGroup`, `CoreLink`; an UpperCamelCase name stays. */
export function upperCamel(name: string): string {
  if (/^[A-Z][A-Za-z0-9]*$/.test(name)) return name;
  return name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** `Layer3Interface`, `core-port` → `layer3_interface`, `core_port`; a snake_case name stays. */
export function snakeCase(name: string): string {
  if (/^[a-z][a-z0-9_]*$/.test(name)) return name;
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function parseProduct(src: YamlSource): { product: ProductDef; diagnostics: Diagnostic[] } {
  const raw = src.value as RawProduct;
  const diagnostics: Diagnostic[] = [];
  const at = (path: YamlPath) => src.locate(path);
  const subject = raw.name;
  const err = (code: string, message: string, path: YamlPath, hint?: string, key?: boolean) =>
    diagnostics.push(diag('error', `product/${code}`, message, key ? src.locateKey(path) : at(path), { subject, ...(hint ? { hint } : {}) }));
  // Where SURF accepts what svc reads more strictly: svc says what it does instead (errors in strict mode).
  const warn: Err = (code, message, path, hint, key) =>
    diagnostics.push(diag('warning', `product/${code}`, message, key ? src.locateKey(path) : at(path), { subject, ...(hint ? { hint } : {}) }));

  const fixedInputs: FixedInputDef[] = (raw.fixed_inputs ?? []).map((f, i) => {
    const path = ['fixed_inputs', i];
    if (!(FIXED_TYPES as readonly string[]).includes(f.type)) {
      warn('unknown-fixed-input-type', `fixed input "${f.name}": type "${f.type}" is not one svc knows (${FIXED_TYPES.join(', ')}): svc reads its values as str`, [...path, 'type'], didYouMean(f.type, FIXED_TYPES) ?? 'SURF imports it as a Python type; svc has only enum, str, int and bool');
    }
    if (f.default !== undefined) {
      warn('ignored-key', `fixed input "${f.name}": default is not used by svc: every value is a variant, and a request names its variant`, [...path, 'default'], 'leave it out', true);
    }
    const given = f.type === 'enum' ? enumValues(f.values) : f.value !== undefined ? [f.value] : enumValues(f.values);
    if (!given?.length) {
      // SURF sets such a value in its database (a migration); svc has none to take it from.
      warn('fixed-input-without-values', `fixed input "${f.name}" has no ${f.type === 'enum' ? 'values' : 'value'}: svc makes no variants from it and leaves it unset on subscriptions`, path, f.type === 'enum' ? 'add `values: [...]`, one variant each' : 'add `value:` (or `values: [...]` for one variant each)');
    }
    return { name: f.name, ...(f.description !== undefined ? { description: f.description } : {}), values: given ?? [], type: fixedType(f.type), source: at(path) };
  });
  dupes(fixedInputs.map((f) => f.name), (name, i) => err('duplicate-fixed-input', `fixed input "${name}" is declared twice`, ['fixed_inputs', i, 'name']));
  fixedInputs.forEach((f, i) => {
    if (SUBSCRIPTION_FIELDS.includes(f.name)) {
      err('reserved-name', `fixed input "${f.name}" has the name of a subscription field`, ['fixed_inputs', i, 'name'], `rename it: ${SUBSCRIPTION_FIELDS.join(', ')} belong to every subscription`);
    }
  });

  const productType = upperCamel(raw.type);
  if (productType !== raw.type) warn('type-not-camel-case', `product type "${raw.type}" is not UpperCamelCase: svc reads it as "${productType}" (its subscription kind is ${subscriptionKind(productType)})`, ['type'], `write \`type: ${productType}\``);
  if (raw.tag === undefined) warn('missing-tag', `product "${raw.name}" has no tag: svc uses "${productType.toUpperCase()}"`, [], 'add `tag:`, a short upper-case name');

  const blocks: BlockDef[] = raw.product_blocks.map((b, i) => {
    const path = ['product_blocks', i];
    const name = snakeCase(b.name);
    if (name !== b.name) warn('block-name-not-snake-case', `block name "${b.name}" is not snake_case: svc reads it as "${name}" (its relationship and block_name)`, [...path, 'name'], `write \`name: ${name}\``);
    const type = upperCamel(b.type);
    if (type !== b.type) warn('type-not-camel-case', `block type "${b.type}" is not UpperCamelCase: svc reads it as "${type}" (its kind is ${blockKind(type)})`, [...path, 'type'], `write \`type: ${type}\``);
    const fields = (b.fields ?? []).map((f, j) => parseField(f, [...path, 'fields', j], src, err, warn));
    dupes(fields.map((f) => f.name), (fname, j) => err('duplicate-field', `block "${b.name}" declares field "${fname}" twice`, [...path, 'fields', j, 'name']));
    fields.forEach((f, j) => {
      if (f.name === OWNER_FIELD) err('reserved-name', `block "${b.name}": a field may not be called "${OWNER_FIELD}"`, [...path, 'fields', j, 'name'], `every block links to the subscription that owns it under that name; rename the field`);
      if (f.name === BLOCK_NAME_ATTRIBUTE) err('reserved-name', `block "${b.name}": a field may not be called "${BLOCK_NAME_ATTRIBUTE}"`, [...path, 'fields', j, 'name'], `every block object names its place in its subscription under that name; rename the field`);
    });
    return {
      name,
      type,
      ...(b.tag !== undefined ? { tag: b.tag } : {}),
      ...(b.description !== undefined ? { description: b.description } : {}),
      fields,
      referenceOnly: b.fields === undefined,
      definedIn: src.file,
      source: at(path),
    };
  });
  dupes(blocks.map((b) => b.name), (name, i) => err('duplicate-block', `block name "${name}" is used twice in this product`, ['product_blocks', i, 'name']));

  // As SURF's generator: every workflow is on unless the file lists it with `enabled: false`.
  const workflows = Object.fromEntries(WORKFLOW_NAMES.map((w) => [w, true])) as Record<WorkflowName, boolean>;
  for (const w of raw.workflows ?? []) workflows[w.name] &&= w.enabled ?? true;
  const workflowValidations: ProductDef['workflowValidations'] = {};
  (raw.workflows ?? []).forEach((w, i) => {
    if (!w.validations?.length) return;
    const path = ['workflows', i, 'validations'];
    const found = parseValidations(w.validations, path, src);
    (workflowValidations[w.name] ??= []).push(...found);
    found.forEach((v, j) =>
      warn('validation-not-run', `${w.name} workflow: validation "${v.id}" is SURF code that runs in that workflow: svc keeps it and shows it, but does not run it`, [...path, j, 'id'], 'check it in the generator, or in CI with `svc show --format json`'),
    );
  });

  (raw.workflows ?? []).forEach((w, i) => {
    if (w.flows !== undefined) warn('ignored-key', `${w.name} workflow: flows is not used by svc: a request runs the product's generators`, ['workflows', i, 'flows'], 'leave it out', true);
  });

  const product: ProductDef = {
    name: raw.name,
    type: productType,
    tag: raw.tag ?? productType.toUpperCase(),
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    fixedInputs,
    blocks,
    rootBlock: blocks[0]?.name ?? '',
    workflows,
    workflowValidations,
    ...(raw.generator !== undefined ? { generator: raw.generator } : {}),
    // Set by linkProducts, which knows the generator definitions.
    implementedBy: raw.generator !== undefined ? [raw.generator] : [],
    file: src.file,
    source: at([]),
  };
  return { product, diagnostics };
}

type Err = (code: string, message: string, path: YamlPath, hint?: string, key?: boolean) => void;

function parseField(f: RawField, path: YamlPath, src: YamlSource, err: Err, warn: Err): FieldDef {
  // SURF types a field by its level only when it is one of the three; any other value (`initial`
  // too) leaves the field optional there, and so in svc, with a warning.
  let required: RequiredLevel | undefined;
  if (f.required !== undefined) {
    if (f.required === 'initial') {
      warn('required-initial', `field "${f.name}": required: initial is not a level: svc reads the field as optional, as SURF does`, [...path, 'required'], 'a field set from the start is `required: inactive` (the level of the initial state); or leave `required` out to make it optional');
    } else if (typeof f.required === 'string' && (REQUIRED_LEVELS as readonly string[]).includes(f.required)) {
      required = f.required as RequiredLevel;
    } else {
      warn('invalid-required', `field "${f.name}": required: ${JSON.stringify(f.required)} is not one of ${REQUIRED_LEVELS.join(', ')}: svc reads the field as optional, as SURF does`, [...path, 'required'], didYouMean(String(f.required), REQUIRED_LEVELS) ?? 'leave `required` out for an optional field');
    }
  }
  // SURF's generator asks only whether the key is there: `modifiable:` with no value (as its guide
  // and templates write it) is modifiable, and so, in SURF, is `modifiable: false`.
  let modifiable = false;
  if (f.modifiable === false) {
    warn('modifiable-false', `field "${f.name}": modifiable: false: svc does not let a modify change it, but SURF treats any modifiable key as modifiable`, [...path, 'modifiable'], 'to mean the same in both tools, leave the key out for a field that may not change');
  } else if (f.modifiable === null || f.modifiable === true) {
    modifiable = true;
  } else if (f.modifiable !== undefined) {
    modifiable = true;
    warn('modifiable-not-boolean', `field "${f.name}": modifiable: ${JSON.stringify(f.modifiable)} is not a boolean: svc reads it as modifiable, as SURF does`, [...path, 'modifiable'], 'write `modifiable:` or `modifiable: true`');
  }
  const isList = f.type === 'list';
  const itemType = isList ? f.list_type : f.type;
  if (isList && f.list_type === undefined) err('list-without-type', `field "${f.name}" is a list without list_type`, path, 'add `list_type:` (str, int, bool, a block type or a schema kind)');
  if (!isList && (f.list_type !== undefined || f.min_items !== undefined || f.max_items !== undefined)) {
    err('list-keys-on-non-list', `field "${f.name}": list_type, min_items and max_items need type: list`, path);
  }
  let target: FieldTarget;
  if (itemType === 'enum') {
    if (!f.values) err('enum-without-values', `field "${f.name}" is an enum without values`, path, 'add `values: [...]`');
    target = { kind: 'enum', values: enumValues(f.values) ?? [] };
  } else if (PY_SCALARS[itemType ?? 'str']) {
    // No list_type (reported above) reads as str rather than adding a follow-on error.
    target = PY_SCALARS[itemType ?? 'str']!;
  } else if (itemType?.includes('.')) {
    // SURF imports a dotted type from its Python module; svc has no such type.
    warn('unknown-python-type', `field "${f.name}": type "${itemType}" is a Python type svc does not know: svc reads the field as str`, [...path, isList ? 'list_type' : 'type'], `svc knows ${Object.keys(PY_SCALARS).join(', ')}`);
    target = { kind: 'scalar', type: 'str' };
  } else {
    target = { kind: 'block', block: itemType ?? '' };
  }
  if (f.values !== undefined && target.kind !== 'enum') err('values-on-non-enum', `field "${f.name}": values need type: enum`, [...path, 'values']);
  if ((f.min_value !== undefined || f.max_value !== undefined) && !(target.kind === 'scalar' && target.type === 'int')) {
    err('bounds-on-non-int', `field "${f.name}": min_value and max_value apply to int fields only`, path);
  }
  if (f.min_value !== undefined && f.max_value !== undefined && f.min_value > f.max_value) {
    err('bad-bounds', `field "${f.name}": min_value ${f.min_value} is above max_value ${f.max_value}`, [...path, 'min_value']);
  }
  if (f.min_items !== undefined && f.max_items !== undefined && f.min_items > f.max_items) {
    err('bad-bounds', `field "${f.name}": min_items ${f.min_items} is above max_items ${f.max_items}`, [...path, 'min_items']);
  }
  const validations = f.validations ? parseValidations(f.validations, [...path, 'validations'], src) : undefined;
  validations?.forEach((v, j) => {
    const at = [...path, 'validations', j];
    const r = v.rule;
    if (!r) {
      warn('validation-not-checked', `field "${f.name}": validation "${v.id}" is SURF's ${v.id}_validator, which svc cannot run: kept, not checked`, [...at, 'id'], 'give it a rule svc checks (pattern, min_length, max_length, min_value, max_value), or check it in the generator');
      return;
    }
    const isStr = target.kind === 'scalar' && target.type === 'str';
    const isInt = target.kind === 'scalar' && target.type === 'int';
    if ((r.pattern !== undefined || r.minLength !== undefined || r.maxLength !== undefined) && !isStr) err('validation-rule-type', `field "${f.name}": validation "${v.id}": pattern, min_length and max_length apply to str fields`, at);
    if ((r.minValue !== undefined || r.maxValue !== undefined) && !isInt) err('validation-rule-type', `field "${f.name}": validation "${v.id}": min_value and max_value apply to int fields`, at);
    if (r.pattern !== undefined) {
      try {
        new RegExp(r.pattern, 'u');
      } catch (e) {
        err('validation-bad-pattern', `field "${f.name}": validation "${v.id}": pattern ${JSON.stringify(r.pattern)} is not a regular expression (${(e as Error).message})`, [...at, 'pattern']);
      }
    }
  });
  const role = f.role ?? (required === 'inactive' || required === 'provisioning' ? 'input' : 'output');
  const out: FieldDef = { name: f.name, type: f.type, target, modifiable, role, source: src.locate(path) };
  if (f.description !== undefined) out.description = f.description;
  if (required !== undefined) out.required = required;
  if (f.default !== undefined) out.default = f.default;
  if (f.min_value !== undefined) out.minValue = f.min_value;
  if (f.max_value !== undefined) out.maxValue = f.max_value;
  if (validations) out.validations = validations;
  if (isList) out.list = { ...(f.min_items !== undefined ? { minItems: f.min_items } : {}), ...(f.max_items !== undefined ? { maxItems: f.max_items } : {}) };
  return out;
}

function parseValidations(raw: RawValidation[], path: YamlPath, src: YamlSource): ValidationDef[] {
  return raw.map((v, i) => {
    const rule = {
      ...(v.pattern !== undefined ? { pattern: v.pattern } : {}),
      ...(v.min_length !== undefined ? { minLength: v.min_length } : {}),
      ...(v.max_length !== undefined ? { maxLength: v.max_length } : {}),
      ...(v.min_value !== undefined ? { minValue: v.min_value } : {}),
      ...(v.max_value !== undefined ? { maxValue: v.max_value } : {}),
    };
    return {
      id: v.id,
      ...(v.description !== undefined ? { description: v.description } : {}),
      ...(Object.keys(rule).length ? { rule } : {}),
      source: src.locate([...path, i]),
    };
  });
}

function dupes(names: string[], report: (name: string, index: number) => void): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) report(n, i);
    seen.add(n);
  });
}
