import type { Progress } from '../../core/progress.js';
import Database from 'better-sqlite3';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { SchemaSet } from '../../core/schema/model.js';
import { blobId, isObjectFile, readObjectFile, type BlobFormat } from '../inventory/files.js';
import { changedBetween, dirtyPaths, gitView, headTree, type GitView, type StatusAnswer } from './gitstate.js';
import { indexPath } from './peek.js';
import { buildPlan, linkOrder } from './build-kit.js';
import { FreshBuild } from './fresh.js';
import { ingest, type FileChange } from './ingest.js';
import { compileLayout, createStatements, indexStatements, uniqueStatement, type Layout } from './layout.js';
import { buildSource, type ReaderChoice } from './sources.js';
import { processAlive } from '../process.js';
import { ensureSvcFolder, settleCatalog, settledChanges } from '../svc-folder.js';
import { SVC_VERSION } from '../version.js';

/**
 * Opening the index always brings it up to date first: a stale index is never used.
 *
 * Kept: `meta` records the index format, svc version, schema fingerprint, the inventory folder, the
 * git tree of that folder at HEAD and how to ask git status (its scope, see ./gitstate.ts);
 * `objects` each file's blob id; `dirty` the paths that differed from HEAD. Refresh re-reads only
 * paths that changed between the recorded tree and HEAD's (`git diff-tree`), are uncommitted now
 * (`git status`), or were uncommitted last time (an edit may have been reverted), and only those
 * whose content hash differs from what the index holds.
 *
 * Rebuilt from scratch: missing, unreadable or corrupt file, another format or svc version, another
 * schema or inventory folder, a recorded tree git no longer has, or an incremental step that fails
 * (e.g. a uniqueness index that committed data now violates: the rebuild downgrades it). A catalog
 * outside a git repository has no cheap way to know what changed: it is rebuilt on every command.
 *
 * A build writes a temporary database and renames it over the index, so a crash mid-build leaves
 * the old index (or none), never a half-built one; incremental steps are one transaction.
 */
// 3: meta records the status scope; no index on a column that a uniqueness index leads with.
export const INDEX_FORMAT = '3';

export interface IndexTarget {
  catalogRoot: string;
  inventoryDir: string;
  schema: SchemaSet;
  /** Default: <catalogRoot>/.svc/index.sqlite */
  dbPath?: string;
  /** Who reads the files of a full build; default 'auto' (a worker thread for big inventories). */
  reader?: ReaderChoice;
  /** How long a write waits for another process's write to the index (default: a minute). */
  busyTimeoutMs?: number;
  /**
   * git status as asked since the command started (gitstate.ts startStatus): an incremental refresh
   * in the same scope uses it instead of asking again. Only for a command that has changed nothing
   * in the work tree or git's index since.
   */
  status?: StatusAnswer;
  /** Told of the objects a full build has indexed (see core/progress.ts). */
  progress?: Progress;
}

export interface OpenedIndex {
  db: Database.Database;
  layout: Layout;
  /** How the index was brought up to date: for tests and `--verbose`. */
  how: 'fresh' | 'incremental' | 'rebuilt';
  reason?: string;
  changed: number;
  display: (path: string) => string;
  readContent: (path: string) => FileChange | undefined;
  /** How blob ids are hashed: as the repository names objects, so they compare with git's. */
  blobFormat: BlobFormat;
}

export function openIndex(target: IndexTarget): OpenedIndex {
  const dbPath = target.dbPath ?? indexPath(target.catalogRoot);
  // Before anything is read: a killed command's half-made change is finished or undone first.
  settleCatalog(target.catalogRoot, target.inventoryDir);
  ensureSvcFolder(dirname(dbPath));
  const layout = compileLayout(target.schema);
  const invRel = relative(target.catalogRoot, target.inventoryDir).split('\\').join('/');
  const display = (p: string) => (invRel === '' ? p : `${invRel}/${p}`);
  const g = gitView(target.inventoryDir, target.catalogRoot);
  const blobFormat: BlobFormat = g?.format ?? 'sha1';
  const readContent = (p: string): FileChange | undefined => {
    const text = isObjectFile(p) ? readObjectFile(target.inventoryDir, p) : undefined;
    return text === undefined ? undefined : { path: p, text, blob: blobId(text, blobFormat) };
  };
  // `blob`: an index whose ids were hashed otherwise (an svc that always used SHA-1) is rebuilt.
  const wanted: Record<string, string> = { format: INDEX_FORMAT, svc: SVC_VERSION, fingerprint: target.schema.fingerprint, inventory: invRel, blob: blobFormat };
  const base = { layout, display, readContent, blobFormat };

  const timeout = target.busyTimeoutMs ?? 60_000;
  const existing = g ? openExisting(dbPath, wanted, timeout) : { db: undefined, reason: 'the catalog is not in a git repository' };
  if (existing.db && g) {
    const db = existing.db;
    try {
      // A git status asked before a killed command's change was finished describes another work tree.
      const changed = refreshIncremental(db, layout, g, base, settledChanges() ? undefined : target.status);
      if (changed !== undefined) return { db, ...base, how: changed === 0 ? 'fresh' : 'incremental', changed };
      existing.reason = 'the recorded tree is no longer in the repository';
    } catch (e) {
      existing.reason = `an incremental refresh failed (${e instanceof Error ? e.message : String(e)})`;
    }
    db.close();
  }
  const count = buildFull(dbPath, layout, g, target, wanted, base);
  const db = connect(dbPath, { timeout });
  return { db, ...base, how: 'rebuilt', reason: existing.reason ?? 'no index', changed: count };
}

/**
 * A connection to the index for a command. Memory-mapped: a page is then read from the OS's cache
 * without a read() call per page, which a command that looks up thousands of objects feels (a no-op
 * generation over 100,000 objects: its 1,000 blob-id lookups 0.12 s to 0.07 s, the whole run 0.77
 * s to 0.69 s). SQLite maps up to this much of the file and reads the rest as before.
 */
function connect(dbPath: string, options: Database.Options): Database.Database {
  // `timeout`: how long a statement waits for another process's write (a big refresh, a generation).
  const db = new Database(dbPath, options);
  db.pragma('mmap_size = 268435456');
  return db;
}

function openExisting(dbPath: string, wanted: Record<string, string>, timeout: number): { db: Database.Database | undefined; reason?: string } {
  if (!existsSync(dbPath)) return { db: undefined, reason: 'no index yet' };
  let db: Database.Database | undefined;
  try {
    db = connect(dbPath, { fileMustExist: true, timeout });
    const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    if (meta.get('complete') !== '1') throw new Error('an unfinished build');
    for (const [k, v] of Object.entries(wanted)) {
      if (meta.get(k) !== v) {
        db.close();
        return { db: undefined, reason: `the ${k === 'fingerprint' ? 'schema' : k} changed` };
      }
    }
    return { db };
  } catch (e) {
    db?.close();
    return { db: undefined, reason: `the index is unreadable (${e instanceof Error ? e.message : String(e)})` };
  }
}

/** Number of files re-read, or undefined when only a rebuild can tell. */
function refreshIncremental(db: Database.Database, layout: Layout, g: GitView, base: Pick<OpenedIndex, 'display' | 'readContent'>, asked?: StatusAnswer): number | undefined {
  const meta = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
  const oldTree = (meta.get('tree') as string | undefined) ?? '';
  const status = meta.get('status') === 'repo' ? 'repo' : 'folder';
  const tree = headTree(g);
  const candidates = new Set((db.prepare('SELECT path FROM dirty').all() as { path: string }[]).map((r) => r.path));
  if (tree !== oldTree) {
    if (oldTree === '' || tree === '') return undefined;
    const between = changedBetween(g, oldTree, tree);
    if (!between) return undefined;
    for (const p of between) candidates.add(p);
  }
  const dirty = dirtyPaths(g, status, asked).filter(isObjectFile);
  for (const p of dirty) candidates.add(p);
  const blobOf = db.prepare('SELECT blob FROM objects WHERE path = ?').pluck();
  const changes: FileChange[] = [];
  for (const p of [...candidates].sort()) {
    if (!isObjectFile(p)) continue;
    const now = base.readContent(p);
    const had = blobOf.get(p) as string | undefined;
    if (now && now.blob === had) continue;
    if (!now && had === undefined) continue;
    changes.push(now ?? { path: p, text: null, blob: '' });
  }
  const sameDirty = sameSet(candidates, dirty, db);
  if (changes.length === 0 && tree === oldTree && sameDirty) return 0;
  // IMMEDIATE: the write lock is taken at the start. A deferred transaction that first reads would
  // hold a read lock, and two processes refreshing at once would each wait for the other: SQLite
  // then fails one of them at once (SQLITE_BUSY, whatever the timeout), and that one rebuilt the
  // whole index (seen in 1 of 30 rounds of six `svc list` at once after a commit). Now the second
  // waits and applies the same changes again, which leaves the same rows.
  const apply = db.transaction(() => {
    if (changes.length) ingest(db, layout, changes, { fresh: false, display: base.display, readContent: base.readContent });
    db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('tree', ?)").run(tree);
    db.prepare('DELETE FROM dirty').run();
    const ins = db.prepare('INSERT OR IGNORE INTO dirty(path) VALUES (?)');
    for (const p of dirty) ins.run(p);
  });
  apply.immediate();
  return changes.length;
}

function sameSet(candidates: Set<string>, dirty: string[], db: Database.Database): boolean {
  const recorded = (db.prepare('SELECT count(*) FROM dirty').pluck().get() as number) ?? 0;
  return recorded === dirty.length && dirty.every((p) => candidates.has(p));
}

/** Build into a temporary file, then rename it over the index. Returns the number of files read. */
function buildFull(dbPath: string, layout: Layout, g: GitView | undefined, target: IndexTarget, meta: Record<string, string>, base: Pick<OpenedIndex, 'display' | 'readContent' | 'blobFormat'>): number {
  removeAbandonedBuilds(dbPath);
  const tmp = `${dbPath}.${process.pid}.build`;
  rmSync(tmp, { force: true });
  const plan = buildPlan(layout, linkOrder(layout), base.blobFormat);
  // Started first: git, reading and decoding run while this thread prepares the database.
  const source = buildSource(g, target.inventoryDir, plan, target.reader);
  let db: Database.Database | undefined;
  let count = 0;
  try {
    db = new Database(tmp);
    // The file is private until renamed, and a crash leaves only this file, which the next build
    // deletes (removeAbandonedBuilds): durability during the build buys nothing.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    // A larger page cache for the index builds at the end (the default 2 MB makes them spill).
    db.pragma('cache_size = -65536');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('temp_store = MEMORY');
    for (const s of createStatements(layout)) db.exec(s);
    const built = db;
    built.transaction(() => {
      const fresh = new FreshBuild(built, layout, plan, base.display, base.readContent);
      let total: number | undefined;
      const expect = (n: number) => {
        total = n;
        fresh.expect(n);
      };
      for (const records of source.records(expect)) {
        fresh.add(records);
        target.progress?.('indexing objects', fresh.count, total);
      }
      fresh.finish();
      count = fresh.count;
      const { tree, dirty, status } = source.state();
      for (const s of indexStatements(layout)) built.exec(s);
      fresh.afterIndexes();
      const fallback: string[] = [];
      for (const t of layout.kinds.values()) {
        for (const u of t.uniques) {
          try {
            built.exec(uniqueStatement(u, true));
          } catch (e) {
            if ((e as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw e;
            // Committed data may break a constraint (a bad merge): index it plainly, report it in problems().
            built.exec(uniqueStatement(u, false));
            fallback.push(u.name);
          }
        }
      }
      const ins = built.prepare('INSERT INTO meta(key, value) VALUES (?, ?)');
      for (const [k, v] of Object.entries({ ...meta, tree, status, fallback: JSON.stringify(fallback), complete: '1' })) ins.run(k, v);
      const insDirty = built.prepare('INSERT OR IGNORE INTO dirty(path) VALUES (?)');
      for (const p of dirty) insDirty.run(p);
    })();
    built.close();
    renameSync(tmp, dbPath);
  } catch (e) {
    source.close();
    if (db?.open) db.close();
    rmSync(tmp, { force: true });
    throw e;
  }
  return count;
}

/**
 * Temporary files of builds whose process is gone (killed mid-build: nothing else leaves them).
 * A build in another live process keeps its file.
 */
function removeAbandonedBuilds(dbPath: string): void {
  const dir = dirname(dbPath);
  const prefix = `${basename(dbPath)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.build')) continue;
    const pid = Number(name.slice(prefix.length, -'.build'.length));
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    rmSync(join(dir, name), { force: true });
  }
}


/**
 * Bring an index to another tree of the inventory without a checkout (the request workflow: copy
 * the nearest cached index, then apply the difference). `changes` are the files that differ
 * between the index's tree and `tree` (git diff-tree lists them; cat-file reads their blobs);
 * `readContent` reads any other file of `tree` the change makes the index re-read (referrers).
 * One transaction; the result records `tree` and no uncommitted paths.
 */
export function applyTreeChanges(
  index: Pick<OpenedIndex, 'db' | 'layout' | 'display'>,
  changes: FileChange[],
  tree: string,
  readContent: (path: string) => FileChange | undefined,
): void {
  const { db, layout, display } = index;
  db.transaction(() => {
    ingest(db, layout, changes, { fresh: false, display, readContent });
    db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('tree', ?)").run(tree);
    db.prepare('DELETE FROM dirty').run();
  })();
}
