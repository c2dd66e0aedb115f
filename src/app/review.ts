import { join, relative, sep } from 'node:path';
import { nodeFileHost } from '../adapters/fs.js';
import { listTree, readBlobs, revParse } from '../adapters/git/read.js';
import { gitRaw } from '../adapters/git/run.js';
import { CONFIG_FILE, parseCatalog, type Catalog } from '../core/catalog/catalog.js';
import { diag, hasErrors, type Diagnostic } from '../core/diagnostics.js';
import { UsageError } from '../core/errors.js';
import type { FileHost } from '../core/host.js';
import { OBJECT_FILE_EXT } from '../core/inventory/paths.js';
import { loadSchemaPaths } from '../core/schema/catalog-schema.js';
import { displayPath } from '../core/schema/load.js';
import type { SchemaSet } from '../core/schema/model.js';
import { reviewSchemas, type ReviewInventory, type ReviewObject, type ReviewResult } from '../core/schema-review/index.js';
import { loadModel } from './model.js';

/**
 * `svc validate --base REF`: the catalog's schema (and products) as they are at REF, read from git
 * without a checkout, against the work tree's, and the work tree's inventory against the changes.
 */
export interface BaseReview extends ReviewResult {
  base: string;
  /** The commit REF named. */
  baseCommit: string;
}

export async function reviewAgainstBase(catalog: Catalog, base: string, host: FileHost = nodeFileHost): Promise<BaseReview> {
  const where = await repoOf(catalog.root);
  const commit = await revParse(where.top, `${base}^{commit}`);
  if (commit === null) {
    throw new UsageError('review/unknown-ref', `--base ${base}: no such revision in ${where.top}`, {
      hint: base.includes('/') ? `fetch it first (e.g. \`git fetch ${base.split('/')[0]}\`; in GitHub Actions, checkout with fetch-depth: 0)` : 'name a branch, tag or commit, e.g. --base main',
    });
  }
  const diagnostics: Diagnostic[] = [];
  const baseHost = await revisionHost(where.top, commit, where.prefix, catalog.root);
  const before = baseModel(catalog, baseHost, base, diagnostics);
  const now = loadModel(catalog, host);
  if (!before || !now.schema) {
    // Nothing to compare: plain `svc validate` reports the work tree's errors; the base's are warned about.
    return { base, baseCommit: commit, changes: [], findings: [], diagnostics };
  }
  const review = reviewSchemas(before, now.schema, workTreeInventory(catalog, host), base);
  return { ...review, base, baseCommit: commit, diagnostics: [...diagnostics, ...review.diagnostics] };
}

async function repoOf(root: string): Promise<{ top: string; prefix: string }> {
  const r = await gitRaw(root, ['rev-parse', '--show-toplevel', '--show-prefix']);
  if (r.code !== 0) throw new UsageError('review/not-a-repository', `--base needs a git repository: ${root} is not in one`, { hint: 'run `git init` and commit, or leave out --base' });
  const [top = '', prefix = ''] = r.stdout.toString('utf8').split('\n');
  return { top, prefix };
}

/**
 * The schema at the base, or undefined (with a warning) when there is nothing usable there. A base
 * without .orchestrator.yml had no catalog: every kind is new.
 */
function baseModel(catalog: Catalog, host: FileHost, base: string, diagnostics: Diagnostic[]): SchemaSet | undefined {
  const configPath = join(catalog.root, CONFIG_FILE);
  if (!host.exists(configPath)) return loadSchemaPaths([], host, catalog.root).schema;
  const parsed = parseCatalog(host.readText(configPath), catalog.root);
  const model = parsed.catalog && !hasErrors(parsed.diagnostics) ? loadModel(parsed.catalog, host) : undefined;
  if (!model?.schema) {
    const first = [...parsed.diagnostics, ...(model?.diagnostics ?? [])].find((d) => d.severity === 'error');
    const why = first ? ` (${first.file ? `${first.file}: ` : ''}${first.message})` : '';
    diagnostics.push(diag('warning', 'review/base-invalid', `the catalog at ${base} has errors, so its schema cannot be compared${why}`, { file: CONFIG_FILE }, { hint: `check it with \`git switch --detach ${base} && svc validate\`` }));
    return undefined;
  }
  return model.schema;
}

/**
 * A FileHost over one commit: the catalog's YAML files (config, schemas, products) read in one
 * batch, so the synchronous loaders run on them unchanged. Paths are the work tree's absolute paths.
 */
async function revisionHost(top: string, commit: string, prefix: string, root: string): Promise<FileHost> {
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

/** The work tree's object files, read per kind folder on demand: the review touches few kinds. */
function workTreeInventory(catalog: Catalog, host: FileHost): ReviewInventory {
  const cache = new Map<string, ReviewObject[]>();
  return {
    objectsOf(kind) {
      let objs = cache.get(kind);
      if (objs) return objs;
      objs = [];
      const dir = join(catalog.inventory, kind);
      if (host.isDirectory(dir)) {
        for (const abs of host.listFiles(dir, [OBJECT_FILE_EXT])) {
          const values = parseObject(host.readText(abs));
          // Unreadable files are `svc validate`'s to report; the review skips them.
          if (values) objs.push({ file: displayPath(abs, catalog.root), kind, id: typeof values.id === 'string' ? values.id : '', values });
        }
      }
      cache.set(kind, objs);
      return objs;
    },
  };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
