import { resolve } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { UsageError } from '../errors.js';
import type { FileHost } from '../host.js';
import { builtinSchemaFiles } from './builtin.js';
import { checkSchema } from './check.js';
import { displayPath, expandPaths, readSchemaFiles } from './load.js';
import type { SchemaSet } from './model.js';
import type { SchemaFile } from './raw.js';
import { resolveSchema } from './resolve.js';
import { checkStructure } from './structure.js';

export interface SchemaLoad {
  /** Undefined when the schema has errors: nothing downstream may run on a broken schema. */
  schema: SchemaSet | undefined;
  files: SchemaFile[];
  fileCount: number;
  /** Sorted: file, line, column, code. */
  diagnostics: Diagnostic[];
}

/**
 * Load, check and resolve the given schema paths together with svc's built-in kinds. Structure
 * first (ajv against the meta-schema); then meaning, on every file, with the structurally broken
 * parts left out so they are reported once. A file with YAML syntax errors is skipped entirely.
 */
export function loadSchemaPaths(paths: readonly string[], host: FileHost, root: string): SchemaLoad {
  const expanded = expandPaths(paths, host, root);
  const read = readSchemaFiles(expanded.files, host, root);
  const diagnostics = [...expanded.diagnostics, ...read.diagnostics];
  const files = read.files.map((f) => {
    const s = checkStructure(f.source);
    diagnostics.push(...s.diagnostics);
    return { ...f, doc: s.doc };
  });
  const all = [...builtinSchemaFiles(), ...files];
  const schema = resolveSchema(all);
  diagnostics.push(...checkSchema(all, schema));
  return { schema: hasErrors(diagnostics) ? undefined : schema, files, fileCount: expanded.files.length, diagnostics: sortDiagnostics(diagnostics) };
}

export function loadCatalogSchema(catalog: Catalog, host: FileHost): SchemaLoad {
  return loadSchemaPaths(catalog.schemas, host, catalog.root);
}

/** `svc schema check`: the named files and folders (relative to `cwd`), which must exist. */
export function checkSchemaPaths(args: readonly string[], host: FileHost, cwd: string): SchemaLoad {
  if (args.length === 0) throw new UsageError('schema/no-paths', 'name at least one schema file or folder', { hint: 'e.g. `svc schema check schemas/`' });
  const abs = args.map((p) => resolve(cwd, p));
  const missing = abs.filter((p) => !host.exists(p));
  if (missing.length) {
    throw new UsageError('files/not-found', `no such file or folder: ${missing.map((p) => displayPath(p, cwd)).join(', ')}`, { hint: 'check the path (relative to the current folder)' });
  }
  return loadSchemaPaths(abs, host, cwd);
}
