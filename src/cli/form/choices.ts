import { hfidOf } from '../../core/inventory/hfid.js';
import type { InventoryReader } from '../../core/inventory/model.js';
import { requestSchema, type JsonSchema } from '../../core/products/inputs.js';
import type { ProductDef, ProductSet } from '../../core/products/model.js';
import type { SchemaSet } from '../../core/schema/model.js';
import { byText } from './answers.js';
import type { ReferenceChoice } from './ask.js';

/** Every kind the product's form references (at any depth), sorted: the kinds to list choices for. */
export function referenceKinds(product: ProductDef, set: ProductSet): string[] {
  const out = new Set<string>();
  const walk = (s: unknown): void => {
    if (Array.isArray(s)) return s.forEach(walk);
    if (s === null || typeof s !== 'object') return;
    const ref = (s as JsonSchema)['x-svc-reference'];
    if (typeof ref === 'string') out.add(ref);
    Object.values(s).forEach(walk);
  };
  walk(requestSchema(product, set));
  return [...out].sort();
}

/** The existing objects of each kind, labelled by human-friendly id (components joined by "/"). */
export function referenceChoicesFor(kinds: readonly string[], reader: InventoryReader, schema: SchemaSet): Map<string, ReferenceChoice[]> {
  const out = new Map<string, ReferenceChoice[]>();
  for (const kind of kinds) {
    const list = reader.list(kind).map((obj) => ({ id: obj.id, label: hfidOf(schema, obj, reader)?.join('/') ?? obj.id }));
    out.set(kind, list.sort((a, b) => byText(a.label, b.label) || byText(a.id, b.id)));
  }
  return out;
}
