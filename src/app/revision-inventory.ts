import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SqliteInventory } from '../adapters/index/inventory.js';
import type { FileChange } from '../adapters/index/ingest.js';
import { compileLayout } from '../adapters/index/layout.js';
import { applyTreeChanges, type OpenedIndex } from '../adapters/index/refresh.js';
import { indexPath } from '../adapters/index/peek.js';
import { blobId } from '../adapters/inventory/files.js';
import { readBlobs, treeIdAt } from '../adapters/git/read.js';
import { gitSync, TREES_ONLY } from '../adapters/git/run.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { GitError } from '../core/errors.js';
import type { SchemaSet } from '../core/schema/model.js';
import { openInventory } from './inventory.js';
import { processAlive } from '../adapters/process.js';

/**
 * The inventory as it is at any commit, without a checkout: the work tree's index is copied and
 * brought to that commit's tree by applying only the paths that differ (git lists them, one
 * cat-file process reads them), so the cost follows the difference, not the inventory's size.
 * Reads of files go to the commit too. The copy lives in .svc/requests/ and is removed on close;
 * copies left by a killed process are swept by `sweepStaleCopies`.
 */
export interface RevisionInventory {
  inventory: SqliteInventory;
  /** The repository root and the inventory folder's path inside it. */
  repo: string;
  prefix: string;
  /** The inventory folder's tree at the commit ('' when it has none). */
  tree: string;
  /** The file at the commit, relative to the inventory folder; undefined when absent. */
  read(path: string): string | undefined;
  /**
   * Reads these files at the commit with one git process, so that `read` of each finds them read;
   * and, with the same process, `outside` (paths from the repository root), whose texts it returns.
   */
  prefetch(paths: readonly string[], outside?: readonly string[]): Promise<Map<string, string | undefined>>;
  close(): void;
}

/** Answers of repoOf for each catalog a command opened: a request asks three times. */
const repos = new WeakMap<object, { repo: string; prefix: string }>();

export function repoOf(catalog: Pick<Catalog, 'root' | 'inventory'>): { repo: string; prefix: string } {
  const known = repos.get(catalog);
  if (known) return known;
  let repo: string;
  try {
    repo = gitSync(catalog.root, ['rev-parse', '--show-toplevel']).trim();
  } catch (e) {
    throw new GitError(`${catalog.root} is not in a git repository`, { hint: 'requests are branches: run `git init` (svc init does) and commit the catalog', cause: e });
  }
  const found = { repo, prefix: relative(repo, catalog.inventory).split('\\').join('/') };
  repos.set(catalog, found);
  return found;
}

const COPIES = (root: string) => join(root, '.svc', 'requests');

/** Remove index copies whose process is gone (a request killed mid-way); returns how many. */
export function sweepStaleCopies(root: string): number {
  const dir = COPIES(root);
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const f of readdirSync(dir)) {
    const pid = Number(f.split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) continue;
    if (pid === process.pid) continue;
    rmSync(join(dir, f), { force: true });
    n++;
  }
  return n;
}


export async function openInventoryAt(catalog: Catalog, schema: SchemaSet, commit: string): Promise<RevisionInventory> {
  const { repo, prefix } = repoOf(catalog);
  // Bring the work tree's index up to date, then copy it: the copy starts from what it reflects.
  const work = openInventory(catalog, schema);
  mkdirSync(COPIES(catalog.root), { recursive: true });
  const copy = join(COPIES(catalog.root), `${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2, 8)}.sqlite`);
  // Read and copied in one read transaction: its lock keeps any other process from writing the file
  // meanwhile (a refresh, a generation), so the copy is whole and is what `meta` and `dirty` describe.
  const snapshot = work.database.transaction(() => {
    const tree = work.database.prepare("SELECT value FROM meta WHERE key = 'tree'").pluck().get() as string | undefined;
    const paths = work.database.prepare('SELECT path FROM dirty').pluck().all() as string[];
    copyFileSync(indexPath(catalog.root), copy);
    return { tree, paths };
  });
  let meta: string | undefined;
  let dirty: string[];
  try {
    ({ tree: meta, paths: dirty } = snapshot());
  } catch (e) {
    rmSync(copy, { force: true });
    throw e;
  } finally {
    work.close();
  }
  // The copy keeps the work index's blob ids, so its new ones are hashed the same way.
  const blobFormat = work.blobFormat;
  let db: Database.Database | undefined;
  try {
    db = new Database(copy);
    const tree = (await treeIdAt(repo, commit, prefix)) ?? '';
    // A path of the inventory folder as the repository names it.
    const inRepo = (p: string) => (prefix === '' ? p : `${prefix}/${p}`);
    const spec = (p: string) => `${commit}:${inRepo(p)}`;
    const cache = new Map<string, string | null>();
    const read = (p: string): string | undefined => {
      if (!cache.has(p)) {
        try {
          cache.set(p, execFileSync('git', ['cat-file', 'blob', spec(p)], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 30 }));
        } catch {
          cache.set(p, null);
        }
      }
      return cache.get(p) ?? undefined;
    };
    const changed = new Set(dirty);
    if (meta !== tree) {
      const args = meta ? ['diff-tree', '-r', '-z', '--no-renames', '--name-only', meta, tree || emptyTree(repo)] : ['ls-tree', '-r', '-z', '--name-only', tree];
      for (const p of gitSync(repo, args, { env: TREES_ONLY }).split('\0')) if (p) changed.add(p);
    }
    const prefetch = async (wanted: readonly string[], outside: readonly string[] = []): Promise<Map<string, string | undefined>> => {
      const missing = wanted.filter((p) => !cache.has(p));
      const out = new Map<string, string | undefined>();
      if (missing.length === 0 && outside.length === 0) return out;
      const blobs = await readBlobs(repo, commit, [...missing.map(inRepo), ...outside]);
      for (const p of missing) {
        const b = blobs.get(inRepo(p));
        cache.set(p, b ? b.toString('utf8') : null);
      }
      for (const p of outside) out.set(p, blobs.get(p)?.toString('utf8'));
      return out;
    };
    const paths = [...changed].sort();
    await prefetch(paths);
    const layout = compileLayout(schema);
    const display = (p: string) => (prefix === '' ? p : `${relative(catalog.root, join(repo, prefix)).split('\\').join('/')}/${p}`);
    const readContent = (p: string): FileChange | undefined => {
      const text = read(p);
      return text === undefined ? undefined : { path: p, text, blob: blobId(text, blobFormat) };
    };
    const changes: FileChange[] = paths.map((p) => readContent(p) ?? { path: p, text: null, blob: '' });
    applyTreeChanges({ db, layout, display }, changes, tree, readContent);
    const opened: OpenedIndex = { db, layout, how: 'incremental', changed: changes.length, display, readContent, blobFormat };
    const inventory = new SqliteInventory(opened, catalog.inventory, catalog.root);
    return {
      inventory,
      repo,
      prefix,
      tree,
      read,
      prefetch,
      close: () => {
        inventory.close();
        rmSync(copy, { force: true });
      },
    };
  } catch (e) {
    db?.close();
    rmSync(copy, { force: true });
    throw e;
  }
}

function emptyTree(repo: string): string {
  return gitSync(repo, ['hash-object', '-t', 'tree', '/dev/null']).trim();
}
