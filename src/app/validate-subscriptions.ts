import type { Catalog } from '../core/catalog/catalog.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { checkSubscriptions } from '../core/products/check-subscriptions.js';
import { openInventory } from './inventory.js';
import { loadModel } from './model.js';

/**
 * `svc validate`'s subscription stage: every subscription against its product and lifecycle state,
 * read through the index, each finding placed in the subscription's file. Nothing when the model
 * does not load (the schema and product stages already say why) or there are no products.
 */
export function validateSubscriptions(catalog: Catalog): Diagnostic[] {
  const model = loadModel(catalog);
  if (!model.schema || !model.products || model.products.products.size === 0) return [];
  const inv = openInventory(catalog, model.schema);
  try {
    return checkSubscriptions(model.products, inv).map((d) => {
      const path = d.subject !== undefined ? inv.pathOf(d.subject) : undefined;
      return path === undefined ? d : { ...d, file: path, line: 1, column: 1 };
    });
  } finally {
    inv.close();
  }
}
