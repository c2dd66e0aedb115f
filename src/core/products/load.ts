import { ownValidator } from '../own-schema.js';
import type { Catalog } from '../catalog/catalog.js';
import { diag, hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import type { FileHost } from '../host.js';
import { displayPath, expandPaths } from '../schema/load.js';
import type { SchemaSet } from '../schema/model.js';
import { parseYaml, YAML11, type YamlSource } from '../yaml/source.js';
import { checkShape } from '../yaml/shape.js';
import { productFileJsonSchema } from './file-schema.js';
import { linkProducts, type GeneratorRef } from './link.js';
import type { ProductDef, ProductSet } from './model.js';
import { parseProduct } from './parse.js';

export interface ProductLoad {
  /** Undefined when any product file has an error. */
  products: ProductSet | undefined;
  fileCount: number;
  diagnostics: Diagnostic[];
}

const validator = ownValidator(productFileJsonSchema);

/** Pure: product file texts (display name → text) → a checked ProductSet. */
export function loadProductTexts(
  files: readonly { file: string; text: string }[],
  schema: SchemaSet | undefined,
  generators: readonly GeneratorRef[] | undefined,
): ProductLoad {
  const diagnostics: Diagnostic[] = [];
  const parsed: ProductDef[] = [];
  for (const { file, text } of files) {
    const src: YamlSource = parseYaml(text, file, YAML11);
    diagnostics.push(...src.diagnostics);
    if (hasErrors(src.diagnostics)) continue;
    if (src.value === undefined || src.value === null) continue; // an empty file declares nothing
    if (typeof src.value !== 'object' || Array.isArray(src.value)) {
      diagnostics.push(diag('error', 'product/not-a-mapping', `${file}: a product file is a mapping (name:, type:, product_blocks: ...)`, src.locate([])));
      continue;
    }
    const shape = checkShape(validator(), src, 'product');
    diagnostics.push(...shape);
    if (hasErrors(shape)) continue;
    const { product, diagnostics: found } = parseProduct(src);
    diagnostics.push(...found);
    parsed.push(product);
  }
  const linked = linkProducts(parsed, schema, generators);
  diagnostics.push(...linked.diagnostics);
  return { products: hasErrors(diagnostics) ? undefined : linked.set, fileCount: files.length, diagnostics: sortDiagnostics(diagnostics) };
}

/** The catalog's product files (`products:` in .orchestrator.yml), checked against its schema and generators. */
export function loadCatalogProducts(catalog: Catalog, host: FileHost, schema: SchemaSet | undefined): ProductLoad {
  // The default `products` folder may simply not exist yet: that is an empty catalog, not an error.
  const paths = hasExplicitProducts(catalog) ? catalog.products : catalog.products.filter((p) => host.exists(p));
  const expanded = expandPaths(paths, host, catalog.root);
  const files = expanded.files.map((f) => ({ file: displayPath(f, catalog.root), text: host.readText(f) }));
  const load = loadProductTexts(files, schema, catalog.generators.map((g) => ({ name: g.name, targets: g.targets })));
  return { ...load, diagnostics: [...expanded.diagnostics, ...load.diagnostics], products: hasErrors(expanded.diagnostics) ? undefined : load.products };
}

function hasExplicitProducts(catalog: Catalog): boolean {
  const v = catalog.source.value;
  return typeof v === 'object' && v !== null && 'products' in v;
}
