import { join, relative, sep } from 'node:path';
import { listTree, readBlobs } from '../adapters/git/read.js';
import { parseCatalog, type Catalog } from '../core/catalog/catalog.js';
import { CONFIG_FILE } from '../core/catalog/root.js';
import { diag, hasErrors, type Diagnostic } from '../core/diagnostics.js';
import { UsageError } from '../core/errors.js';
import type { FileHost } from '../core/host.js';
import { loadSchemaPaths } from '../core/schema/catalog-schema.js';
import type { SchemaSet } from '../core/schema/model.js';
import { loadModel } from './model.js';

// The catalog as it is at one commit, read from git without a checkout: for `svc validate --base`
// (the schema change review) and `svc diff` (each revision's files read with their own schema).

/**
 * A FileHost over one commit: the catalog's YAML files (config, schemas, products) read in one
 * batch, so the synchronous loaders run on them unchanged. Paths are the work tree's absolute paths.
 */
export async function revisionHost(top: string, commit: string, prefix: string, root: string): Promise<FileHost> {
  const listed = await listTree(top, commit, prefix || undefined);
  const wanted = listed.filter((f) => f.type === 'blob' && /\.ya?ml$/.test(f.path)).map((f) => f.path);
  const blobs = await readBlobs(top, commit, wanted);
  const files = new Map<string, string>();
  const dirs = new Set<string>([root]);
  for (const [path, body] of blobs) {
    if (body === null) continue;
    const abs = join(root, ...path.slice(prefix.length).split('/'));
    files.set(abs, body.toString('utf8'));
    for (let d = join(abs, '..'); d.length > root.length && !dirs.has(d); d = join(d, '..')) dirs.add(d);
  }
  const sorted = [...files.keys()].sort();
  return {
    readText: (p) => {
      const t = files.get(p);
      if (t === undefined) throw new UsageError('review/missing-file', `${p} is not in ${commit}`);
      return t;
    },
    exists: (p) => files.has(p) || dirs.has(p),
    isDirectory: (p) => dirs.has(p),
    listFiles: (dir, exts) => sorted.filter((p) => p.startsWith(dir + sep) && exts.some((x) => p.endsWith(x)) && !relative(dir, p).split(sep).some((c) => c.startsWith('.'))),
  };
}

/**
 * The schema at the base, or undefined (with a warning) when there is nothing usable there. A base
 * without .orchestrator.yml had no catalog: every kind is new.
 */
export function schemaAt(catalog: Catalog, host: FileHost, base: string, diagnostics: Diagnostic[], code = 'review/base-invalid', consequence = 'its schema cannot be compared'): SchemaSet | undefined {
  const configPath = join(catalog.root, CONFIG_FILE);
  if (!host.exists(configPath)) return loadSchemaPaths([], host, catalog.root).schema;
  const parsed = parseCatalog(host.readText(configPath), catalog.root);
  const model = parsed.catalog && !hasErrors(parsed.diagnostics) ? loadModel(parsed.catalog, host, false) : undefined;
  if (!model?.schema) {
    const first = [...parsed.diagnostics, ...(model?.diagnostics ?? [])].find((d) => d.severity === 'error');
    const why = first ? ` (${first.file ? `${first.file}: ` : ''}${first.message})` : '';
    diagnostics.push(diag('warning', code, `the catalog at ${base} has errors, so ${consequence}${why}`, { file: CONFIG_FILE }, { hint: `check it with \`git switch --detach ${base} && svc validate\`` }));
    return undefined;
  }
  return model.schema;
}
