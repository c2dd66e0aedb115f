import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { naming } from '../env-errors.js';
import { ensureSvcFolder } from '../svc-dir.js';
import { killPoint } from '../kill-point.js';
import { processStart, processStillRuns } from '../process.js';

/**
 * Several files written and deleted as one change, whole or not at all against a killed process
 * (docs/atomicity.md). A transaction lives in `<catalog>/.svc/txn/<pid>-<start>-<random>/`:
 *
 *   1. every new content is written there (`f0`, `f1`, ...): the catalog has not changed yet;
 *   2. `journal` (the renames and deletes, catalog-relative) is written as `journal.tmp`, flushed
 *      and renamed: that rename is the commit point;
 *   3. the renames and deletes are applied, then the folder is removed.
 *
 * The next svc command (recoverTransactions, run where every command opens its catalog) finishes a
 * transaction with a journal and deletes one without: the catalog is as before or as after.
 * Staged files are not flushed one by one: a killed process loses nothing the kernel already has,
 * and what a power cut may lose in the work tree is git's business, as for git's own checkouts.
 */

const TXN_DIR = 'txn';
const JOURNAL = 'journal';
const FOLDERS = 'folders';
const JOURNAL_FORMAT = 1;

interface Journal {
  format: number;
  /** [staged file name, catalog-relative target]. */
  renames: [string, string][];
  /** Catalog-relative paths. */
  deletes: string[];
  /** Catalog-relative folder up to which folders a delete left empty are removed ('' for none). */
  prune: string;
}

export interface FileWrite {
  /** Relative to the transaction's base folder, forward slashes. */
  path: string;
  text: string | Uint8Array;
}

export interface TxnTarget {
  /** The catalog root: every path written must be inside it; its `.svc/txn` holds the staging. */
  root: string;
  /** The folder `writes` and `deletes` are relative to (inside root). */
  base: string;
  /** Remove folders that deletes leave empty, up to (not including) `base`. */
  pruneEmpty?: boolean;
  /** Runs after staging and before the commit point; a throw there leaves the catalog unchanged. */
  beforeCommit?: () => void;
}

/** Catalog-relative, forward slashes; refused when it leaves the catalog. */
function inside(root: string, abs: string): string {
  const rel = relative(root, abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new UsageError('fs/outside-catalog', `refusing to write ${abs}: it is outside the catalog ${root}`, { hint: 'nothing was written; svc writes only inside its catalog folder' });
  }
  return rel.split(sep).join('/');
}

/**
 * Refuse a folder that a symbolic link (the folder or one above it, below the root) takes out of
 * the catalog: the nearest existing ancestor is resolved, as a write there would be.
 */
function refuseEscape(root: string, realRoot: string, abs: string): void {
  let p = abs;
  while (!existsSync(p)) {
    const up = dirname(p);
    if (up === p) return;
    p = up;
  }
  const real = realpathSync(p);
  const rel = relative(realRoot, real);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new UsageError('fs/outside-catalog', `refusing to write into ${abs}: it resolves to ${real}, outside the catalog ${root}`, { hint: 'nothing was written; replace the symbolic link with a real folder inside the catalog' });
  }
}

function txnRoot(root: string): string {
  return join(root, '.svc', TXN_DIR);
}

function writeAll(path: string, data: string | Uint8Array, sync: boolean): void {
  naming(path, () => {
    const fd = openSync(path, 'w');
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      if (sync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not every file system lets a folder be flushed */
  }
}

/** Write and delete files as one transaction (see above). */
export function commitFiles(target: TxnTarget, writes: readonly FileWrite[], deletes: readonly string[]): void {
  const renames: [string, string][] = [];
  const toDelete = deletes.map((d) => inside(target.root, join(target.base, d)));
  const txns = txnRoot(target.root);
  const realRoot = realpathSync(target.root);
  // The base and its first-level folders (an inventory's kind folders): resolving every object's
  // own folder would cost a system call or two per file, for links nobody makes that deep.
  const firstLevel = (p: string) => join(target.base, p.split('/')[0]!);
  const folders = new Set([txns, target.base, ...writes.map((w) => firstLevel(w.path)), ...deletes.map(firstLevel)]);
  for (const f of folders) refuseEscape(target.root, realRoot, f);
  const dir = join(txns, `${process.pid}-${processStart(process.pid) ?? ''}-${randomBytes(4).toString('hex')}`);
  try {
    // Through ensureSvcFolder: a .svc made here ignores itself like any other.
    ensureSvcFolder(join(target.root, '.svc'));
    mkdirSync(dir, { recursive: true });
    const parents = new Set<string>();
    writes.forEach((w, i) => {
      const name = `f${i}`;
      const dest = join(target.base, w.path);
      renames.push([name, inside(target.root, dest)]);
      killPoint('stage');
      writeAll(join(dir, name), w.text, false);
      parents.add(dirname(dest));
    });
    makeFolders(target.root, dir, parents);
    target.beforeCommit?.();
    const journal: Journal = { format: JOURNAL_FORMAT, renames, deletes: toDelete, prune: target.pruneEmpty ? inside(target.root, target.base) : '' };
    writeAll(join(dir, `${JOURNAL}.tmp`), JSON.stringify(journal), true);
    killPoint('commit');
    renameSync(join(dir, `${JOURNAL}.tmp`), join(dir, JOURNAL));
    syncDir(dir);
  } catch (e) {
    rollBack(target.root, dir);
    throw e;
  }
  killPoint('committed');
  applyJournal(target.root, dir);
}

/**
 * The target folders are made before the commit point: one that cannot be made (a file in its
 * place, no permission) fails the change while nothing has changed. Those made are listed first
 * (`folders`), so undoing the change, here or in the next command, removes them again.
 */
function makeFolders(root: string, dir: string, parents: Set<string>): void {
  const missing = new Set<string>();
  const present = new Set<string>();
  for (const p of parents) {
    let d = p;
    for (; !missing.has(d) && !present.has(d) && !existsSync(d); d = dirname(d)) missing.add(d);
    if (missing.has(d) || present.has(d)) continue;
    // A file where a folder must go: renaming into it would fail after the commit point.
    if (!statSync(d).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, '${d}'`), { code: 'ENOTDIR', path: d });
    present.add(d);
  }
  if (!missing.size) return;
  const list = [...missing].map((d) => inside(root, d)).sort();
  writeAll(join(dir, FOLDERS), JSON.stringify(list), false);
  for (const d of list) mkdirSync(join(root, d), { recursive: true });
}

/** Undo a transaction that has no journal: the folders it made (when empty), then its staging. */
function rollBack(root: string, dir: string): void {
  let made: string[] = [];
  try {
    made = JSON.parse(readFileSync(join(dir, FOLDERS), 'utf8')) as string[];
  } catch {
    /* none made */
  }
  for (const d of made.sort().reverse()) {
    try {
      rmdirSync(join(root, d));
    } catch {
      /* not empty (someone else's file) or gone */
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Roll a committed transaction forward (again: every step may already be done), then remove it. */
function applyJournal(root: string, dir: string): void {
  const journal = JSON.parse(readFileSync(join(dir, JOURNAL), 'utf8')) as Journal;
  if (journal.format !== JOURNAL_FORMAT) {
    throw new UsageError('txn/unknown-format', `an unfinished change in ${dir} was written by another svc version`, { hint: 'finish it with the svc version that started it, or delete that folder to drop the change' });
  }
  for (const [name, to] of journal.renames) {
    killPoint('apply');
    const dest = join(root, to);
    mkdirSync(dirname(dest), { recursive: true });
    try {
      renameSync(join(dir, name), dest);
    } catch (e) {
      // Renamed already, by the run that was killed.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || existsSync(join(dir, name))) throw e;
    }
  }
  for (const d of journal.deletes) {
    killPoint('apply');
    try {
      unlinkSync(join(root, d));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (journal.prune !== '') pruneEmptyFolders(root, dirname(d), journal.prune);
  }
  killPoint('cleanup');
  // The journal goes first: a folder left without one holds nothing to apply.
  unlinkSync(join(dir, JOURNAL));
  rmSync(dir, { recursive: true, force: true });
}

/** Remove folders a delete left empty (hfid folders), up to `stop`. */
function pruneEmptyFolders(root: string, rel: string, stop: string): void {
  while (rel !== '.' && rel !== '' && rel !== stop && rel.startsWith(`${stop}/`)) {
    try {
      rmdirSync(join(root, rel));
    } catch {
      return;
    }
    rel = dirname(rel);
  }
}

/**
 * Finish or drop the transactions of processes that are gone: with a journal rolled forward,
 * without one deleted. Another running process's transaction is left alone. A transaction is
 * claimed first by renaming its folder to this process's name, so two commands recovering at once
 * do not both apply it. Returns how many were rolled forward and back.
 */
export function recoverTransactions(root: string): { forward: number; back: number } {
  const txns = txnRoot(root);
  let names: string[];
  try {
    names = readdirSync(txns);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return { forward: 0, back: 0 };
    throw e;
  }
  const out = { forward: 0, back: 0 };
  for (const name of names.sort()) {
    const m = /^(\d+)-(\d*)-([0-9a-f]+)$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processStillRuns(pid, m[2]!)) continue;
    const claimed = join(txns, `${process.pid}-${processStart(process.pid) ?? ''}-${m[3]}`);
    try {
      renameSync(join(txns, name), claimed);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    if (existsSync(join(claimed, JOURNAL))) {
      applyJournal(root, claimed);
      out.forward++;
    } else {
      rollBack(root, claimed);
      out.back++;
    }
  }
  return out;
}
