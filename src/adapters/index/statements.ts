import type Database from 'better-sqlite3';

const prepared = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * `sql` prepared once per database. For statements built from a table and a column at the moment
 * they are needed (an UPDATE of one reference column), which may be asked for thousands of times.
 */
export function preparedOnce(db: Database.Database, sql: string): Database.Statement {
  let byText = prepared.get(db);
  if (!byText) prepared.set(db, (byText = new Map()));
  let st = byText.get(sql);
  if (!st) byText.set(sql, (st = db.prepare(sql)));
  return st;
}
