import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One ledger update at a time among the svc processes of a repository. The compare-and-swap on the
 * ledger ref is what keeps reservations correct; this lock only spares the work of the losers: with
 * 20 requests at once, an update took 7.6 attempts on average, each a plan, new objects and a failed
 * swap (about four git processes), and the machine spent three quarters of its time on them.
 *
 * The lock is an exclusive transaction on an empty SQLite file in git's common folder (so linked
 * worktrees share it). SQLite takes it with a POSIX advisory lock, which the system releases when
 * its process ends however it ends: a `kill -9` never leaves a lock for the next run to clear, and
 * nothing is ever written to the file. Anything that keeps svc from taking it (a read-only .git, a
 * holder that keeps it past `waitMs`) means going on without it: slower under contention, as
 * correct.
 */
export const LEDGER_LOCK_FILE = 'svc/ledger-lock.sqlite';

/** Locks this process holds: a ledger update inside another runs as part of it. */
const held = new Set<string>();

export interface LedgerLockOptions {
  /** How long to wait for another process before going on without the lock (default 60 s). */
  waitMs?: number;
}

/** Runs `fn` holding the lock (`locked` true: this process has it), or without it when it cannot be had. */
export async function withLedgerLock<T>(commonDir: string, fn: (locked: boolean) => Promise<T>, opts: LedgerLockOptions = {}): Promise<T> {
  const path = join(commonDir, LEDGER_LOCK_FILE);
  if (held.has(path)) return fn(true);
  const db = await acquire(path, opts.waitMs ?? 60_000);
  if (!db) return fn(false);
  held.add(path);
  try {
    return await fn(true);
  } finally {
    held.delete(path);
    db.close();
  }
}

async function acquire(path: string, waitMs: number): Promise<Database.Database | undefined> {
  let db: Database.Database;
  try {
    mkdirSync(dirname(path), { recursive: true });
    // timeout 0: SQLite's busy handler would block the event loop; waiting is done below.
    db = new Database(path, { timeout: 0 });
  } catch {
    return undefined;
  }
  const until = Date.now() + waitMs;
  for (let poll = 0; ; poll++) {
    try {
      db.exec('BEGIN EXCLUSIVE');
      return db;
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= until) {
        db.close();
        return undefined;
      }
      // Short polls with jitter: an update holds the lock for a tenth of a second or so.
      await sleep(Math.min(50, 2 + 2 * poll) * (0.5 + Math.random()));
    }
  }
}
