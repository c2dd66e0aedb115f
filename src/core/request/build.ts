import { ValidationError } from '../errors.js';
import type { InventoryObject, InventoryReader, PeerRef } from '../inventory/model.js';
import { objectId } from '../inventory/paths.js';
import { BLOCK_NAME_ATTRIBUTE, blockKind, OWNER_RELATIONSHIP, subscriptionKind } from '../products/compile.js';
import { formFields } from '../products/inputs.js';
import type { FieldDef, ProductDef, ProductSet, Variant } from '../products/model.js';

/**
 * A request's inputs → the subscription object and its root block, as the inventory will hold
 * them. Pure: references to existing objects are resolved through `reader`.
 */
export interface NewSubscription {
  subscriptionId: string;
  customer: string;
  description?: string;
  /** Input values keyed by field name, already checked by validateRequest. */
  inputs: Record<string, unknown>;
}

export function subscriptionObjectId(product: ProductDef, subscriptionId: string): string {
  return objectId(subscriptionKind(product.type), [subscriptionId]);
}

export function rootBlockId(product: ProductDef, subscriptionId: string): string {
  const root = product.blocks.find((b) => b.name === product.rootBlock)!;
  return objectId(blockKind(root.type), [subscriptionId, product.rootBlock]);
}

export function buildSubscription(product: ProductDef, set: ProductSet, variant: Variant, req: NewSubscription, reader: InventoryReader): { subscription: InventoryObject; block: InventoryObject } {
  const root = product.blocks.find((b) => b.name === product.rootBlock)!;
  const subKind = subscriptionKind(product.type);
  const subId = subscriptionObjectId(product, req.subscriptionId);
  const blkKind = blockKind(root.type);
  const blkId = rootBlockId(product, req.subscriptionId);
  const subscription: InventoryObject = {
    id: subId,
    kind: subKind,
    attributes: {
      ...variant.fixedInputs,
      subscription_id: req.subscriptionId,
      product: variant.name,
      customer: req.customer,
      status: 'initial',
      insync: true,
      version: 1,
      ...(req.description ? { description: req.description } : {}),
    },
    relationships: { [product.rootBlock]: { id: blkId, kind: blkKind } },
  };
  // Its hfid is [subscription id, block name], the very values its id is made of.
  const block: InventoryObject = { id: blkId, kind: blkKind, attributes: { [BLOCK_NAME_ATTRIBUTE]: product.rootBlock }, relationships: { [OWNER_RELATIONSHIP]: { id: subId, kind: subKind } } };
  setInputs(block, formFields(product, set).map((f) => f.field), req.inputs, reader);
  return { subscription, block };
}

/** Write input values onto a block: scalars as attributes, references as relationships. */
export function setInputs(block: InventoryObject, fields: readonly FieldDef[], inputs: Record<string, unknown>, reader: InventoryReader): void {
  for (const field of fields) {
    if (!(field.name in inputs)) continue;
    const value = inputs[field.name];
    const t = field.target;
    if (t.kind === 'schema' || t.kind === 'block') {
      const kind = t.kind === 'schema' ? t.schemaKind : blockKind(t.block);
      const refs = (Array.isArray(value) ? value : [value]).map((v) => resolveRef(kind, String(v), field.name, reader));
      if (field.list) block.relationships[field.name] = refs;
      else if (refs[0]) block.relationships[field.name] = refs[0];
      continue;
    }
    if (value === undefined || value === null) delete block.attributes[field.name];
    else block.attributes[field.name] = value as InventoryObject['attributes'][string];
  }
}

function resolveRef(kind: string, text: string, input: string, reader: InventoryReader): PeerRef {
  const obj = reader.get(text) ?? reader.findByHfid(kind, text.split('/'));
  if (!obj) throw new ValidationError('request/unknown-reference', `${input}: no ${kind} "${text}"`, { hint: `\`svc list ${kind}\` shows what exists` });
  return { id: obj.id, kind: obj.kind };
}

/**
 * `--set key=value` text → the typed value the field takes: numbers for int fields and int enums,
 * booleans for bool, comma-separated lists for list fields. Unknown keys stay text (validation names them).
 */
export function coerceInput(product: ProductDef, set: ProductSet, key: string, text: string): unknown {
  const fixed = product.fixedInputs.find((f) => f.name === key);
  if (fixed) return fixed.values.some((v) => typeof v === 'number') && /^-?\d+$/.test(text) ? Number(text) : text;
  const field = formFields(product, set).find((f) => f.key === key)?.field;
  if (!field) return text;
  const one = (s: string): unknown => {
    const t = field.target;
    const numeric = (t.kind === 'scalar' && t.type === 'int') || (t.kind === 'enum' && t.values.every((v) => typeof v === 'number'));
    if (numeric && /^-?\d+$/.test(s.trim())) return Number(s.trim());
    if (t.kind === 'scalar' && t.type === 'bool' && (s === 'true' || s === 'false')) return s === 'true';
    // svc shows an object as "sw1-par01 / eth3": take it back as written, as well as "sw1-par01/eth3".
    if (t.kind === 'schema' || t.kind === 'block') return s.trim().replace(/\s+\/\s+/g, '/');
    return s;
  };
  return field.list ? (text === '' ? [] : text.split(',').map((s) => one(s.trim()))) : one(text);
}
