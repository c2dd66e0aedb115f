import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { SqliteQuerySource } from '../adapters/query/sqlite-source.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { UsageError } from '../core/errors.js';
import { prepareQuery, runQuery, typeVariables, type ParsedQuery } from '../core/query/run.js';
import type { SchemaSet } from '../core/schema/model.js';
import { didYouMean } from '../core/suggest.js';
import { catalogSchema, openInventory, type ReadOptions } from './inventory.js';

/** A query of the catalog by name, or a .gql file (relative to `cwd`), read and checked against the schema. */
export function loadQuery(catalog: Catalog, schema: SchemaSet, ref: string, cwd: string): ParsedQuery {
  const named = catalog.render.queries.find((q) => q.name === ref);
  const file = named ? named.file : ref.endsWith('.gql') || ref.endsWith('.graphql') ? resolve(cwd, ref) : undefined;
  if (file === undefined) {
    const names = catalog.render.queries.map((q) => q.name);
    throw new UsageError('query/unknown', `no query "${ref}" in .orchestrator.yml`, { hint: didYouMean(ref, names) ?? (names.length ? `queries: ${names.join(', ')}; or give a .gql file` : 'declare it under queries: (name, file_path), or give a .gql file') });
  }
  const display = relative(catalog.root, file).startsWith('..') ? file : relative(catalog.root, file);
  return prepareQuery(schema, readText(file, display), display);
}

export function readText(file: string, display: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError('query/unreadable', `${display}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { hint: 'check the path (file_path in .orchestrator.yml is relative to the catalog root)' });
  }
}

/** `--var k=v` pairs as a record; a pair without "=" is refused. */
export function parseVars(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError('query/bad-var', `--var ${p}: expected name=value`, { hint: 'e.g. --var device=sw01-par01' });
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/** `svc query`: the query's result over the inventory, `{ data }` as Infrahub answers. */
export async function queryCatalog(catalog: Catalog, ref: string, vars: readonly string[], cwd: string, opts: ReadOptions = {}): Promise<{ data: Record<string, unknown> }> {
  const schema = catalogSchema(catalog);
  const q = loadQuery(catalog, schema, ref, cwd);
  const variables = typeVariables(q, parseVars(vars));
  const inv = openInventory(catalog, schema, { status: await opts.status });
  try {
    return await runQuery(schema, new SqliteQuerySource(inv.db, inv.layout), q, variables);
  } finally {
    inv.close();
  }
}
