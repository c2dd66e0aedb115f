import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmdirSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OBJECT_FILE_EXT } from '../../core/inventory/paths.js';

/**
 * The inventory's files on disk. Paths are relative to the inventory folder with forward slashes.
 */

/** The hash a repository names its objects with (`git rev-parse --show-object-format`). */
export type BlobFormat = 'sha1' | 'sha256';

/**
 * Git's blob id of a content (the hash of "blob <size>\0" + bytes, in the repository's format):
 * lets an unchanged file be skipped without asking git, and compares with the ids git lists.
 */
export function blobId(text: string, format: BlobFormat = 'sha1'): string {
  const buf = Buffer.from(text, 'utf8');
  return createHash(format).update(`blob ${buf.length}\0`).update(buf).digest('hex');
}

/** An object file: `<Kind>/.../<name>.json`, no hidden parts (editors' and svc's temporary files are skipped). */
export function isObjectFile(path: string): boolean {
  return path.endsWith(OBJECT_FILE_EXT) && path.includes('/') && !path.split('/').some((p) => p.startsWith('.'));
}

/** Every object file under `dir`, sorted: for catalogs outside git. */
export function listObjectFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (isObjectFile(p)) out.push(p);
    }
  };
  walk('');
  return out.sort();
}

export function readObjectFile(dir: string, path: string): string | undefined {
  try {
    return readFileSync(join(dir, path), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
    throw e;
  }
}

/**
 * Write and delete files all or nothing, as far as a file system allows: every new content is first
 * written (and flushed) to a temporary sibling; if any of those fails, the temporaries are removed
 * and nothing else has changed. Only then are they renamed into place and old files deleted (renames
 * and unlinks in one folder tree practically do not fail; if one does, the index's freshness check
 * sees the difference on the next command and re-reads the file).
 *
 * `beforeCommit` runs between staging and renaming (the index commits its transaction there).
 */
export function writeFilesAtomically(dir: string, writes: { path: string; text: string }[], deletes: string[], beforeCommit: () => void): void {
  const staged: { tmp: string; final: string }[] = [];
  try {
    for (const w of writes) {
      const final = join(dir, w.path);
      const tmp = join(dirname(final), `.${w.path.split('/').pop()}.${process.pid}.tmp`);
      mkdirSync(dirname(final), { recursive: true });
      // No fsync per file: temp + rename already makes every file whole against a killed process,
      // and the durable point of these work-tree files is the git commit (git does not fsync
      // work-tree files either). An fsync each cost ~4 ms: a quarter of writing 1,000 services.
      writeFileSync(tmp, w.text);
      staged.push({ tmp, final });
    }
    beforeCommit();
  } catch (e) {
    for (const s of staged) {
      try {
        unlinkSync(s.tmp);
      } catch {
        /* already gone */
      }
    }
    throw e;
  }
  for (const s of staged) renameSync(s.tmp, s.final);
  for (const d of deletes) {
    try {
      unlinkSync(join(dir, d));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    pruneEmptyFolders(dir, dirname(d));
  }
}

/** Remove folders a delete left empty (hfid folders), up to the kind folder's parent. */
function pruneEmptyFolders(dir: string, rel: string): void {
  while (rel !== '.' && rel !== '') {
    try {
      rmdirSync(join(dir, rel));
    } catch {
      return;
    }
    rel = dirname(rel);
  }
}
