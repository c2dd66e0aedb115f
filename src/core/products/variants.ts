import type { ProductDef, Variant } from './model.js';

/**
 * A product's variants: one per combination of its fixed inputs' values, in declaration order (the
 * first fixed input varies slowest), named as SURF's registry names them: "<name> <value> <value>".
 * A product without enum fixed inputs has one variant, named like the product.
 */
export function variantsOf(p: ProductDef): Variant[] {
  let combos: Record<string, string | number | boolean>[] = [{}];
  for (const fi of p.fixedInputs) {
    // A fixed input the file gives no value (SURF keeps it in its database) is on no variant.
    if (!fi.values.length) continue;
    combos = combos.flatMap((c) => fi.values.map((v) => ({ ...c, [fi.name]: v })));
  }
  const multi = p.fixedInputs.filter((fi) => fi.values.length > 1);
  return combos.map((fixedInputs) => ({
    name: [p.name, ...multi.map((fi) => String(fixedInputs[fi.name]))].join(' '),
    product: p.name,
    fixedInputs,
  }));
}

/** The variant called `name`, or undefined. */
export function findVariant(products: Iterable<ProductDef>, name: string): { product: ProductDef; variant: Variant } | undefined {
  for (const product of products) {
    const variant = variantsOf(product).find((v) => v.name === name);
    if (variant) return { product, variant };
  }
  return undefined;
}
