import type { Catalog } from '../catalog/catalog.js';
import { hasErrors, type Diagnostic } from '../diagnostics.js';
import type { FileHost } from '../host.js';
import { builtinSchemaFiles } from './builtin.js';
import { expandPaths, readSchemaFiles } from './load.js';
import type { SchemaSet } from './model.js';
import type { SchemaFile } from './raw.js';
import { resolveSchema } from './resolve.js';

export interface SchemaLoad {
  /** Undefined when the schema has errors: nothing downstream may run on a broken schema. */
  schema: SchemaSet | undefined;
  files: SchemaFile[];
  fileCount: number;
  diagnostics: Diagnostic[];
}

/** Load, check and resolve the given schema paths together with svc's built-in kinds. */
export function loadSchemaPaths(paths: readonly string[], host: FileHost, root: string): SchemaLoad {
  const expanded = expandPaths(paths, host, root);
  const read = readSchemaFiles(expanded.files, host, root);
  const diagnostics = [...expanded.diagnostics, ...read.diagnostics];
  const files = [...builtinSchemaFiles(), ...read.files];
  const schema = resolveSchema(files);
  return { schema: hasErrors(diagnostics) ? undefined : schema, files: read.files, fileCount: expanded.files.length, diagnostics };
}

export function loadCatalogSchema(catalog: Catalog, host: FileHost): SchemaLoad {
  return loadSchemaPaths(catalog.schemas, host, catalog.root);
}
