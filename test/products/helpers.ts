import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { nodeFileHost } from '../../src/adapters/fs.js';
import { loadSchemaPaths } from '../../src/core/schema/catalog-schema.js';
import type { GeneratorRef } from '../../src/core/products/link.js';
import { loadProductTexts, type ProductLoad } from '../../src/core/products/load.js';
import type { ProductSet } from '../../src/core/products/model.js';
import type { SchemaFile } from '../../src/core/schema/raw.js';
import type { SchemaSet } from '../../src/core/schema/model.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

export const FIXTURES = join(PROJECT_ROOT, 'test/fixtures/products');

let schemaCache: { schema: SchemaSet; files: SchemaFile[] } | undefined;
/** The fixtures' schema (LocationSite), loaded like a catalog's. */
export function fixtureSchema(): { schema: SchemaSet; files: SchemaFile[] } {
  if (!schemaCache) {
    const load = loadSchemaPaths([join(FIXTURES, 'schema.yml')], nodeFileHost, FIXTURES);
    if (!load.schema) throw new Error(JSON.stringify(load.diagnostics));
    schemaCache = { schema: load.schema, files: load.files };
  }
  return schemaCache;
}

export function fixtureFiles(dir: string): { file: string; text: string }[] {
  return readdirSync(join(FIXTURES, dir))
    .sort()
    .map((f) => ({ file: `${dir}/${f}`, text: readFileSync(join(FIXTURES, dir, f), 'utf8') }));
}

export function loadTexts(files: Record<string, string>, generators?: GeneratorRef[]): ProductLoad {
  return loadProductTexts(Object.entries(files).map(([file, text]) => ({ file, text })), fixtureSchema().schema, generators);
}

/** The generators the example catalog's .orchestrator.yml declares (products name them). */
export const EXAMPLE_GENERATORS: GeneratorRef[] = [{ name: 'dedicated_internet', targets: 'dedicated internet' }];

export function loadOk(files: { file: string; text: string }[], generators?: GeneratorRef[]): ProductSet {
  const load = loadProductTexts(files, fixtureSchema().schema, generators);
  if (!load.products) throw new Error(JSON.stringify(load.diagnostics, null, 1));
  return load.products;
}

/** The example catalog's products/ folder, read from the repository. */
export function exampleProductFiles(): { file: string; text: string }[] {
  return readdirSync(join(PROJECT_ROOT, 'products'))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => ({ file: `products/${f}`, text: readFileSync(join(PROJECT_ROOT, 'products', f), 'utf8') }));
}

/** `file:line:col code` for compact assertions. */
export function where(d: { file?: string; line?: number; column?: number; code: string }): string {
  return `${d.file}:${d.line}:${d.column} ${d.code}`;
}
