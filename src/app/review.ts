import { join } from 'node:path';
import { nodeFileHost } from '../adapters/fs.js';
import { revParse } from '../adapters/git/read.js';
import { gitRaw } from '../adapters/git/run.js';
import type { Catalog } from '../core/catalog/catalog.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { UsageError } from '../core/errors.js';
import type { FileHost } from '../core/host.js';
import { OBJECT_FILE_EXT } from '../core/inventory/paths.js';
import { displayPath } from '../core/schema/load.js';
import { revisionHost, schemaAt } from './catalog-at.js';
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
  const before = schemaAt(catalog, await revisionHost(where.top, commit, where.prefix, catalog.root), base, diagnostics);
  // Not strict here: `svc validate` reports the work tree's findings, strictly when asked.
  const now = loadModel(catalog, host, false);
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
