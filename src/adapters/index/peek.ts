import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { StatusScope } from './gitstate.js';

export function indexPath(catalogRoot: string): string {
  return join(catalogRoot, '.svc', 'index.sqlite');
}

/** What an index records about how to ask git status, read before the index is opened. */
export interface RecordedStatus {
  scope: StatusScope;
  /** The inventory folder relative to the catalog root ('' when it is the root). */
  inventory: string;
}

/**
 * The status scope and inventory folder a complete index at `dbPath` records, or undefined (no
 * index, an unfinished or unreadable one): enough to start git status before the command has loaded
 * the schema that opening the index needs. Read-only; whether the index is current is still decided
 * when it is opened (./refresh.ts), and a mismatch there only means the early answer goes unused.
 */
export function peekStatus(dbPath: string): RecordedStatus | undefined {
  let db: Database.Database | undefined;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    const rows = db.prepare("SELECT key, value FROM meta WHERE key IN ('complete', 'status', 'inventory')").all() as { key: string; value: string }[];
    const meta = new Map(rows.map((r) => [r.key, r.value]));
    const scope = meta.get('status');
    const inventory = meta.get('inventory');
    if (meta.get('complete') !== '1' || (scope !== 'repo' && scope !== 'folder') || inventory === undefined) return undefined;
    return { scope, inventory };
  } catch {
    return undefined;
  } finally {
    db?.close();
  }
}
