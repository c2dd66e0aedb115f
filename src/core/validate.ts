import type { Catalog } from './catalog/catalog.js';
import { sortDiagnostics, type Diagnostic } from './diagnostics.js';
import type { FileHost } from './host.js';
import { loadCatalogSchema } from './schema/catalog-schema.js';

export interface ValidationReport {
  diagnostics: Diagnostic[];
  /** What was checked, for the summary line: e.g. { 'schema files': 4, kinds: 31 }. */
  checked: Record<string, number>;
}

/**
 * `svc validate`: every stage that applies, each reporting all its findings. Later stages (products,
 * generators, inventory) are appended here; a stage that depends on an earlier one's result skips
 * what the earlier one could not produce rather than piling up follow-on errors.
 */
export function validateCatalog(catalog: Catalog, host: FileHost): ValidationReport {
  const diagnostics: Diagnostic[] = [];
  const checked: Record<string, number> = {};
  const schema = loadCatalogSchema(catalog, host);
  diagnostics.push(...schema.diagnostics);
  checked['schema files'] = schema.fileCount;
  checked['kinds'] = schema.schema ? [...schema.schema.kinds.values()].filter((k) => !k.builtin).length : 0;
  return { diagnostics: sortDiagnostics(diagnostics), checked };
}
