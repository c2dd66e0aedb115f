import type { ChalkInstance } from 'chalk';
import { openInventory } from '../app/inventory.js';
import { requireModel } from '../app/model.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { UsageError } from '../core/errors.js';
import { assertEnabled } from '../core/products/operations.js';
import { findVariant, variantsOf } from '../core/products/variants.js';
import { didYouMean } from '../core/suggest.js';
import { askRequest, inquirerPrompter, referenceChoicesFor, referenceKinds } from './form/index.js';

/**
 * `svc request create <product>` on a terminal with no inputs: ask for them as a form would. The
 * choices for references (a site) come from the work tree's inventory; the request itself is still
 * checked against its base when it is made.
 */
export async function askForRequest(catalog: Catalog, productName: string, color: ChalkInstance, given: { description?: string } = {}): Promise<Record<string, unknown>> {
  const { schema, products } = requireModel(catalog);
  if (!products) throw new UsageError('request/no-products', 'this catalog has no products to request');
  const named = findVariant(products.products.values(), productName);
  const product = named?.product ?? [...products.products.values()].find((p) => p.name === productName || p.type === productName);
  if (!product) {
    const names = [...products.products.values()].flatMap((p) => [p.name, ...variantsOf(p).map((v) => v.name)]);
    throw new UsageError('request/unknown-product', `no product or variant named "${productName}"`, { hint: didYouMean(productName, names) ?? '`svc products` lists them' });
  }
  // Not a whole form for a product that cannot be requested.
  assertEnabled(product, 'create', `a new ${named?.variant.name ?? product.name}`);
  const inv = openInventory(catalog, schema);
  try {
    const choices = referenceChoicesFor(referenceKinds(product, products), inv, schema);
    const result = await askRequest(
      // A --description given with the command is not asked for again.
      { product, set: products, variants: named ? [named.variant] : variantsOf(product), choices, ...(given.description !== undefined ? { preset: { inputs: { description: given.description } } } : {}) },
      inquirerPrompter({ dim: color.dim, output: process.stderr }),
    );
    return { ...result.request, ...result.variant.fixedInputs, customer: result.customer };
  } finally {
    inv.close();
  }
}
