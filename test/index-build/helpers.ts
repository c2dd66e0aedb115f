import * as crypto from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { blobId } from '../../src/adapters/inventory/files.js';
import { buildPlan, linkOrder, makeBuildKit, type Records } from '../../src/adapters/index/build-kit.js';
import { FreshBuild } from '../../src/adapters/index/fresh.js';
import { ingest, type FileChange } from '../../src/adapters/index/ingest.js';
import { compileLayout, createStatements, indexStatements } from '../../src/adapters/index/layout.js';
import type { SchemaSet } from '../../src/core/schema/model.js';

/** Every table of an index, rows as JSON in a stable order; `withoutRid` drops row ids (they depend on insertion order). */
export function dump(dbPath: string, opts: { withoutRid?: boolean } = {}): Record<string, unknown[]> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    const rows = (t: string) =>
      (db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[])
        .map((r) => {
          if (opts.withoutRid) delete r.rid;
          return JSON.stringify(r);
        })
        .sort()
        .map((r) => JSON.parse(r) as unknown);
    return Object.fromEntries(tables.map((t) => [t, rows(t)]));
  } finally {
    db.close();
  }
}

/** Files (path under the inventory folder → text) as the build sees them. */
export type Files = Record<string, string>;

function emptyIndex(path: string, schema: SchemaSet) {
  const layout = compileLayout(schema);
  const db = new Database(path);
  for (const s of createStatements(layout)) db.exec(s);
  return { db, layout };
}

const display = (p: string) => `inventory/${p}`;
const reader = (files: Files) => (p: string): FileChange | undefined => (files[p] === undefined ? undefined : { path: p, text: files[p]!, blob: blobId(files[p]!) });

/**
 * A full build of `files` (./fresh.ts) into `dir/name`, records made by `make` from the kit:
 * `fast` decodes where it can, `careful` leaves every file to decodeObject.
 */
export function buildFresh(dir: string, name: string, schema: SchemaSet, files: Files, how: 'fast' | 'careful'): string {
  const path = join(dir, name);
  const { db, layout } = emptyIndex(path, schema);
  const plan = buildPlan(layout, linkOrder(layout));
  const kit = makeBuildKit(plan, crypto);
  db.transaction(() => {
    const fresh = new FreshBuild(db, layout, plan, display, reader(files));
    for (const p of kit.order(Object.keys(files))) {
      const text = files[p]!;
      const record: Records = [];
      if (how === 'fast') kit.record(record, p, blobId(text), text);
      else record.push(-1, p, blobId(text), text);
      fresh.add(record);
    }
    fresh.finish();
    for (const s of indexStatements(layout)) db.exec(s);
    fresh.afterIndexes();
  })();
  db.close();
  return path;
}

/** The same files applied as one incremental change to an empty index (ingest, in path order). */
export function buildIncremental(dir: string, name: string, schema: SchemaSet, files: Files): string {
  const path = join(dir, name);
  const { db, layout } = emptyIndex(path, schema);
  const changes = Object.keys(files)
    .sort()
    .map((p) => ({ path: p, text: files[p]!, blob: blobId(files[p]!) }));
  db.transaction(() => ingest(db, layout, changes, { fresh: false, display, readContent: reader(files) }))();
  db.close();
  return path;
}
