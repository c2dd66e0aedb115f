import type { Catalog } from '../catalog/catalog.js';
import { hasErrors, sortDiagnostics, strictly } from '../diagnostics.js';
import { ValidationError } from '../errors.js';
import type { FileHost } from '../host.js';
import { loadCatalogSchema } from '../schema/catalog-schema.js';
import type { SchemaSet } from '../schema/model.js';
import { mergeProductKinds } from './compile.js';
import { loadCatalogProducts } from './load.js';
import type { ProductSet } from './model.js';

export interface LoadedProducts {
  products: ProductSet;
  /** The catalog's kinds and the compiled product kinds, resolved together. */
  schema: SchemaSet;
}

/** For commands: the catalog's products, or a ValidationError carrying every finding. */
export function requireProducts(catalog: Catalog, host: FileHost): LoadedProducts {
  const schema = loadCatalogSchema(catalog, host);
  const load = loadCatalogProducts(catalog, host, schema.schema);
  const diagnostics = sortDiagnostics(strictly([...catalog.warnings, ...schema.diagnostics, ...load.diagnostics], catalog.strict));
  if (!schema.schema || !load.products || hasErrors(diagnostics)) {
    throw new ValidationError('products/invalid', 'the schema or the product files have errors', { diagnostics, hint: 'fix them (`svc validate` lists them all), then try again' });
  }
  return { products: load.products, schema: mergeProductKinds(schema.files, load.products) };
}
