import type { SourceLocation } from '../diagnostics.js';
import { builtinSchemaFiles } from '../schema/builtin.js';
import type { AttributeKind, SchemaSet } from '../schema/model.js';
import type { RawAttribute, RawKind, RawRelationship, RawSchemaDocument, SchemaFile } from '../schema/raw.js';
import { resolveSchema } from '../schema/resolve.js';
import type { YamlPath, YamlSource } from '../yaml/source.js';
import { intBounds } from './rules.js';
import { LIFECYCLE_STATES } from './states.js';
import type { BlockDef, FieldDef, FixedInputDef, ProductSet } from './model.js';

/**
 * Products and schema nodes are one model: every block type compiles to a node kind `Block<Type>`,
 * every product to a subscription kind `Product<Type>`. They are emitted as a raw schema document
 * (the Infrahub dialect) so the schema resolver treats them exactly like catalog kinds; positions
 * point back into the product files.
 *
 * Every field is optional in the schema: what must be present depends on the lifecycle state, and
 * ./lifecycle.ts enforces it.
 */
export const SUBSCRIPTION_GENERIC = 'SvcSubscription';
export const BLOCK_GENERIC = 'SvcProductBlock';
/** The relationship from every block object to the subscription that owns it. */
export const OWNER_RELATIONSHIP = 'subscription';
/**
 * A block object's place in its subscription: the product's name for the block (`dedicated_internet`).
 * With the owner's subscription id it is the block's human-friendly id, so a block's file and every
 * reference to it read `dia-0001 / dedicated_internet` instead of an opaque id. A block without it
 * (one a generator made without saying) has no hfid and is filed by its id.
 */
export const BLOCK_NAME_ATTRIBUTE = 'block_name';
export const blockKind = (type: string): string => `Block${type}`;
export const subscriptionKind = (productType: string): string => `Product${productType}`;

/** The subscription's own fields (SURF's SubscriptionModel); `subscription_id` is its human-friendly id. */
const SUBSCRIPTION_ATTRIBUTES: RawAttribute[] = [
  // The readable identifier people and branches use (request/<subscription_id>); the object id stays opaque.
  { name: 'subscription_id', kind: 'Text', unique: true, regex: '^[a-z0-9][a-z0-9._-]*$', description: 'The subscription\'s readable id, e.g. dia-0001' },
  { name: 'product', kind: 'Text', description: 'The product variant, e.g. "dedicated internet 1000"' },
  { name: 'customer', kind: 'Text' },
  { name: 'status', kind: 'Text', enum: [...LIFECYCLE_STATES], default_value: 'initial' },
  { name: 'description', kind: 'Text', optional: true },
  { name: 'start_date', kind: 'DateTime', optional: true },
  { name: 'end_date', kind: 'DateTime', optional: true },
  { name: 'insync', kind: 'Boolean', default_value: false },
  { name: 'note', kind: 'TextArea', optional: true },
  { name: 'version', kind: 'Number', default_value: 1 },
];

const SCALAR_KINDS: Record<string, AttributeKind> = {
  str: 'Text', int: 'Number', bool: 'Boolean', uuid: 'Text', ipv4: 'IPHost', ipv6: 'IPHost', ipv4_network: 'IPNetwork', ipv6_network: 'IPNetwork',
};

export interface CompiledProducts {
  doc: RawSchemaDocument;
  file: SchemaFile;
}

/** The compiled kinds as one schema file (not built-in, positioned in the product files). */
export function compileProducts(set: ProductSet): CompiledProducts {
  const where = new Map<string, SourceLocation>();
  const nodes: RawKind[] = [];
  const generics: RawKind[] = [
    {
      name: 'Subscription',
      namespace: 'Svc',
      description: 'A customer instance of a product (svc products)',
      human_friendly_id: ['subscription_id__value'],
      display_labels: ['subscription_id__value'],
      attributes: SUBSCRIPTION_ATTRIBUTES.map((a) => ({ ...a })),
    },
    {
      name: 'ProductBlock',
      namespace: 'Svc',
      description: 'A product block instance, owned by one subscription',
      human_friendly_id: [`${OWNER_RELATIONSHIP}__subscription_id__value`, `${BLOCK_NAME_ATTRIBUTE}__value`],
      attributes: [{ name: BLOCK_NAME_ATTRIBUTE, kind: 'Text', optional: true, description: 'The block\'s name in its product, e.g. dedicated_internet' }],
      relationships: [{ name: OWNER_RELATIONSHIP, peer: SUBSCRIPTION_GENERIC, cardinality: 'one', optional: false, direction: 'outbound', identifier: 'svcproductblock__subscription' }],
    },
  ];
  for (const b of set.blocks.values()) {
    const i = nodes.length;
    where.set(`nodes.${i}`, b.source);
    const attributes: RawAttribute[] = [];
    const relationships: RawRelationship[] = [];
    for (const f of b.fields) {
      const compiled = compileField(b, f);
      if (compiled.rel) {
        where.set(`nodes.${i}.relationships.${relationships.length}`, f.source);
        relationships.push(compiled.rel);
      } else {
        where.set(`nodes.${i}.attributes.${attributes.length}`, f.source);
        attributes.push(compiled.attr);
      }
    }
    nodes.push({
      name: b.type,
      namespace: 'Block',
      inherit_from: [BLOCK_GENERIC],
      ...(b.description !== undefined ? { description: b.description } : {}),
      attributes,
      relationships,
    });
  }
  for (const p of set.products.values()) {
    const i = nodes.length;
    where.set(`nodes.${i}`, p.source);
    const root = p.blocks.find((b) => b.name === p.rootBlock);
    nodes.push({
      name: p.type,
      namespace: 'Product',
      inherit_from: [SUBSCRIPTION_GENERIC],
      ...(p.description !== undefined ? { description: p.description } : {}),
      attributes: p.fixedInputs.map((fi) => fixedInputAttribute(fi.name, fi.values, fi.type)),
      relationships: root
        ? [{ name: p.rootBlock, peer: blockKind(root.type), cardinality: 'one', optional: true, direction: 'outbound', identifier: `${subscriptionKind(p.type)}__${p.rootBlock}`.toLowerCase() }]
        : [],
    });
  }
  const doc: RawSchemaDocument = { version: '1.0', generics, nodes };
  const first = [...set.products.values()][0]?.source ?? { file: '<products>', line: 1, column: 1 };
  return { doc, file: { source: productSource(doc, where, first), doc, builtin: false } };
}

/** Resolve the catalog's schema files together with the compiled product kinds: one SchemaSet. */
export function mergeProductKinds(schemaFiles: readonly SchemaFile[], set: ProductSet): SchemaSet {
  return resolveSchema([...builtinSchemaFiles(), ...schemaFiles, compileProducts(set).file]);
}

function compileField(b: BlockDef, f: FieldDef): { rel: RawRelationship; attr?: undefined } | { rel?: undefined; attr: RawAttribute } {
  const t = f.target;
  const many = f.list !== undefined;
  if (t.kind === 'block' || t.kind === 'schema') {
    const rel: RawRelationship = {
      name: f.name,
      peer: t.kind === 'block' ? blockKind(t.block) : t.schemaKind,
      cardinality: many ? 'many' : 'one',
      optional: true,
      direction: 'outbound',
      identifier: `${blockKind(b.type)}__${f.name}`.toLowerCase(),
    };
    if (f.description !== undefined) rel.description = f.description;
    if (many && f.list?.minItems !== undefined) rel.min_count = f.list.minItems;
    if (many && f.list?.maxItems !== undefined) rel.max_count = f.list.maxItems;
    return { rel };
  }
  const attr: RawAttribute = { name: f.name, kind: 'Text', optional: true };
  if (many) attr.kind = 'List';
  else if (t.kind === 'enum') {
    attr.kind = t.values.every((v) => typeof v === 'number') ? 'Number' : 'Text';
    attr.enum = [...t.values];
  } else {
    attr.kind = SCALAR_KINDS[t.type] ?? 'Text';
    // The validations svc can check hold for the inventory too, not only for the request form.
    const { min, max } = intBounds(f);
    if (min !== undefined) attr.min_value = min;
    if (max !== undefined) attr.max_value = max;
    const rules = (f.validations ?? []).flatMap((v) => (v.rule ? [v.rule] : []));
    const patterns = rules.flatMap((r) => (r.pattern !== undefined ? [r.pattern] : []));
    // One regex per attribute: several patterns are all checked in the form, none here.
    if (patterns.length === 1) attr.regex = patterns[0]!;
    const mins = rules.flatMap((r) => (r.minLength !== undefined ? [r.minLength] : []));
    const maxs = rules.flatMap((r) => (r.maxLength !== undefined ? [r.maxLength] : []));
    if (mins.length) attr.min_length = Math.max(...mins);
    if (maxs.length) attr.max_length = Math.min(...maxs);
  }
  if (f.default !== undefined) attr.default_value = f.default;
  if (f.description !== undefined) attr.description = f.description;
  return { attr };
}

function fixedInputAttribute(name: string, values: (string | number | boolean)[], type: FixedInputDef['type']): RawAttribute {
  if (!values.length) {
    // No value in the file: nothing for svc to set, so the attribute may stay empty.
    return { name, kind: type === 'int' ? 'Number' : type === 'bool' ? 'Boolean' : 'Text', optional: true, description: 'fixed input: no value in the product file' };
  }
  const kind: AttributeKind = values.every((v) => typeof v === 'number') ? 'Number' : values.every((v) => typeof v === 'boolean') ? 'Boolean' : 'Text';
  const attr: RawAttribute = { name, kind, description: 'fixed input: set by the product variant' };
  if (kind !== 'Boolean') attr.enum = values.map((v) => (typeof v === 'boolean' ? String(v) : v));
  return attr;
}

/** A YamlSource for the generated document whose positions are the product files' own. */
function productSource(doc: RawSchemaDocument, where: ReadonlyMap<string, SourceLocation>, fallback: SourceLocation): YamlSource {
  const locate = (path: YamlPath): SourceLocation => {
    for (let n = path.length; n > 0; n--) {
      const hit = where.get(path.slice(0, n).join('.'));
      if (hit) return hit;
    }
    return fallback;
  };
  return { file: fallback.file, value: doc, diagnostics: [], locate, locateKey: locate };
}
