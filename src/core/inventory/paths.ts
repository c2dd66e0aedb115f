import { createHash } from 'node:crypto';

/**
 * Where an object's file lives, relative to the inventory folder: `<Kind>/<c1>/<c2>/.../<cN>.json`
 * for an hfid of N components (the leading components become folders, which also fans out big
 * kind folders), or `<Kind>/<id>.json` when the kind has no hfid or the object's hfid is incomplete.
 *
 * The mapping is injective: a component whose slug is not exactly its value gets `~` + 8 hex of a
 * hash of the exact value, and `~` never appears in an exact slug, so two different values never
 * share a path, even on a case-insensitive file system.
 */
export const OBJECT_FILE_EXT = '.json';
const MAX_SLUG = 64;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/;

function shortHash(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 8);
}

/** One path component for an hfid value: safe on every file system git and Windows support. */
export function slug(value: string): string {
  let s = value.toLowerCase().replace(/[^a-z0-9._-]/g, '-');
  // Leading dots would hide the file (and `.`/`..` would traverse).
  s = s.replace(/^\./, '-');
  if (s.length > MAX_SLUG) s = s.slice(0, MAX_SLUG);
  const stem = s.split('.')[0] ?? '';
  const lossy = s !== value || s === '' || WINDOWS_RESERVED.test(stem) || /[. ]$/.test(value);
  return lossy ? `${s}~${shortHash(value)}` : s;
}

/** The object's path (forward slashes), relative to the inventory folder. */
export function objectPath(kind: string, id: string, hfid: readonly string[] | undefined): string {
  if (!hfid || hfid.length === 0) return `${kind}/${id}${OBJECT_FILE_EXT}`;
  return `${kind}/${hfid.map(slug).join('/')}${OBJECT_FILE_EXT}`;
}

/** The kind folder of a path relative to the inventory folder, or undefined for a stray file. */
export function kindOfPath(path: string): string | undefined {
  const i = path.indexOf('/');
  if (i <= 0 || !path.endsWith(OBJECT_FILE_EXT)) return undefined;
  return path.slice(0, i);
}

/**
 * A stable 16-hex object id: sha256 of the kind and a seed (by convention the JSON text of the
 * object's first hfid, so loading the same data twice yields the same ids). Never random: ids
 * appear in files and must not change between runs.
 */
export function objectId(kind: string, seed: string | readonly string[]): string {
  const text = typeof seed === 'string' ? seed : JSON.stringify(seed);
  return createHash('sha256').update(`${kind}\0${text}`, 'utf8').digest('hex').slice(0, 16);
}

export const ID_PATTERN = /^[0-9a-f]{16}$/;
