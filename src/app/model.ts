import { nodeFileHost } from '../adapters/fs.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { hasErrors, sortDiagnostics, strictly, type Diagnostic } from '../core/diagnostics.js';
import { UsageError } from '../core/errors.js';
import type { FileHost } from '../core/host.js';
import { mergeProductKinds } from '../core/products/compile.js';
import { loadCatalogProducts } from '../core/products/load.js';
import type { ProductSet } from '../core/products/model.js';
import { loadCatalogSchema } from '../core/schema/catalog-schema.js';
import type { SchemaSet } from '../core/schema/model.js';
import { cachedCatalogSchema } from './schema-cache.js';

/**
 * The catalog's whole model, as every inventory command needs it: the schema files, the kinds the
 * products compile to, and svc's built-in kinds, resolved together into one SchemaSet.
 */
export interface CatalogModel {
  schema: SchemaSet;
  products: ProductSet | undefined;
  diagnostics: Diagnostic[];
  /** True when the product files loaded without a single finding (schema findings aside). */
  productsClean?: boolean;
}

/** `strict` (default: the catalog's `strict:`): warnings stop the load as errors do. */
export function loadModel(catalog: Catalog, host: FileHost = nodeFileHost, strict = catalog.strict): CatalogModel | { schema: undefined; products: undefined; diagnostics: Diagnostic[] } {
  const schemaLoad = loadCatalogSchema(catalog, host);
  // `strict: true`: the config's, the schema's and the products' warnings stop the command as errors do.
  const early = strictly([...catalog.warnings, ...schemaLoad.diagnostics], strict);
  if (!schemaLoad.schema || hasErrors(early)) return { schema: undefined, products: undefined, diagnostics: sortDiagnostics(early) };
  const productLoad = loadCatalogProducts(catalog, host, schemaLoad.schema);
  const diagnostics = sortDiagnostics([...early, ...strictly(productLoad.diagnostics, strict)]);
  if (!productLoad.products || hasErrors(diagnostics)) return { schema: undefined, products: undefined, diagnostics };
  const schema = productLoad.products.products.size ? mergeProductKinds(schemaLoad.files, productLoad.products) : schemaLoad.schema;
  return { schema, products: productLoad.products, diagnostics, productsClean: productLoad.diagnostics.length === 0 };
}

/** For commands: the model, or a configuration error pointing at `svc validate`. */
export function requireModel(catalog: Catalog, host: FileHost = nodeFileHost): CatalogModel {
  // Fast path: the verified schema cache (.svc/schema-cache.json) gives the whole model: the kinds,
  // and the linked products when they loaded without findings (else the product files are read
  // again). Any finding sends us down the full path, which reports it properly. In strict mode always
  // the full path: the cache also holds schemas that had warnings, which strict mode refuses.
  if (catalog.strict) return requireLoaded(loadModel(catalog, host));
  const cached = cachedCatalogSchema(catalog, () => loadModel(catalog, host), host);
  if (cached.schema && cached.products && cached.productsClean) return { schema: cached.schema, products: cached.products, diagnostics: [] };
  if (cached.schema) {
    const products = loadCatalogProducts(catalog, host, cached.schema);
    if (products.products && products.diagnostics.length === 0) return { schema: cached.schema, products: products.products, diagnostics: [] };
  }
  return requireLoaded(loadModel(catalog, host));
}

function requireLoaded(m: ReturnType<typeof loadModel>): CatalogModel {
  if (!m.schema) {
    throw new UsageError('catalog/invalid', 'the schema or the product files have errors', { diagnostics: m.diagnostics, hint: 'run `svc validate`, fix what it lists, then try again' });
  }
  return m;
}
