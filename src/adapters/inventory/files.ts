import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
