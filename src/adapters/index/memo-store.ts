import type Database from 'better-sqlite3';
import { isMemoEntry, type MemoEntry, type MemoStore } from '../../core/generate/memo.js';

/**
 * Remembered generator runs (src/core/generate/memo.ts), in a table of the index database: derived
 * data like the rest of it, gone when the index is rebuilt, never committed. The table is created
 * on first use rather than with the index, so an index built by an older svc simply has none yet.
 */
export function sqliteMemoStore(db: Database.Database): MemoStore {
  db.exec('CREATE TABLE IF NOT EXISTS memo(run TEXT PRIMARY KEY, entry TEXT NOT NULL) STRICT');
  const read = db.prepare('SELECT entry FROM memo WHERE run = ?').pluck();
  const write = db.prepare('INSERT OR REPLACE INTO memo(run, entry) VALUES (?, ?)');
  const drop = db.prepare('DELETE FROM memo WHERE run = ?');
  const putAll = db.transaction((entries: ReadonlyMap<string, MemoEntry | undefined>) => {
    for (const [run, entry] of entries) {
      if (entry) write.run(run, JSON.stringify(entry));
      else drop.run(run);
    }
  });
  return {
    get(run) {
      const text = read.get(run) as string | undefined;
      if (text === undefined) return undefined;
      try {
        const entry: unknown = JSON.parse(text);
        return isMemoEntry(entry) ? entry : undefined;
      } catch {
        return undefined;
      }
    },
    put(entries) {
      putAll(entries);
    },
  };
}
