import type { Progress } from './progress.js';
import type { Catalog } from './catalog/catalog.js';
import { hasErrors, sortDiagnostics, strictly, type Diagnostic } from './diagnostics.js';
import type { FileHost } from './host.js';
import { checkAllocations } from './inventory-check/allocations.js';
import { checkInventory } from './inventory-check/check.js';
import { readObjectFiles } from './inventory-check/read-files.js';
import { mergeProductKinds } from './products/compile.js';
import { loadCatalogProducts } from './products/load.js';
import { loadCatalogSchema } from './schema/catalog-schema.js';

export interface ValidationReport {
  diagnostics: Diagnostic[];
  /** What was checked, for the summary line: e.g. { 'schema files': 4, kinds: 31 }. */
  checked: Record<string, number>;
}

/**
 * `svc validate`: every stage that applies, each reporting all its findings. A stage that depends
 * on an earlier one's result skips what the earlier one could not produce rather than piling up
 * follow-on errors: the inventory is checked only against a schema (catalog + products) that loaded.
 */
export function validateCatalog(catalog: Catalog, host: FileHost, extra: { ledgerProblems?: readonly string[]; strict?: boolean; progress?: Progress } = {}): ValidationReport {
  // Strict (`--strict` or the config's `strict: true`): a stage's warnings are errors, and stop the
  // stages after it as its errors would.
  const strict = extra.strict || catalog.strict;
  const diagnostics: Diagnostic[] = strictly(catalog.warnings, strict);
  const checked: Record<string, number> = {};
  const schema = loadCatalogSchema(catalog, host);
  diagnostics.push(...strictly(schema.diagnostics, strict));
  checked['schema files'] = schema.fileCount;
  checked['kinds'] = schema.schema ? [...schema.schema.kinds.values()].filter((k) => !k.builtin).length : 0;
  const products = loadCatalogProducts(catalog, host, schema.schema);
  const productFindings = strictly(products.diagnostics, strict);
  diagnostics.push(...productFindings);
  checked['product files'] = products.fileCount;
  const model = schema.schema && products.products && !hasErrors(productFindings) && !(strict && hasErrors(diagnostics))
    ? products.products.products.size ? mergeProductKinds(schema.files, products.products) : schema.schema
    : undefined;
  // Read once for both checks (each picks the kinds it needs).
  const files = model ? readObjectFiles(catalog, host) : undefined;
  const inventory = model && files ? checkInventory(model, files, extra.progress) : undefined;
  if (inventory) {
    diagnostics.push(...strictly(inventory.diagnostics, strict));
    checked['objects'] = inventory.objects;
  }
  const allocations = model && files ? checkAllocations(model, files, extra.ledgerProblems) : undefined;
  if (allocations) diagnostics.push(...strictly(allocations.diagnostics, strict));
  if (allocations?.records) checked['allocation records'] = allocations.records;
  return { diagnostics: sortDiagnostics(diagnostics), checked };
}
