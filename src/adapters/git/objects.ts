import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { UsageError } from '../../core/errors.js';
import { gitOk, gitRaw } from './run.js';

/**
 * Git objects built in memory and written in one batch. Hashing here means a whole set of blobs,
 * trees and a commit can reference each other before any is stored, and one `git unpack-objects`
 * process stores them all: the cost follows the number of new objects, never the repository size.
 */
export type ObjectFormat = 'sha1' | 'sha256';
export type ObjectType = 'blob' | 'tree' | 'commit';

export interface GitObject {
  type: ObjectType;
  id: string;
  body: Buffer;
}

export function objectId(format: ObjectFormat, type: ObjectType, body: Buffer): string {
  return createHash(format).update(`${type} ${body.length}\0`).update(body).digest('hex');
}

export function makeObject(format: ObjectFormat, type: ObjectType, body: Buffer): GitObject {
  return { type, id: objectId(format, type, body), body };
}

const formats = new Map<string, ObjectFormat>();

/** The repository's hash algorithm (cached per folder: it never changes for a repository). */
export async function objectFormat(repo: string): Promise<ObjectFormat> {
  const known = formats.get(repo);
  if (known) return known;
  const r = await gitRaw(repo, ['rev-parse', '--show-object-format']);
  // Gits older than 2.27 lack the option and only know sha1.
  const f: ObjectFormat = r.code === 0 && r.stdout.toString().trim() === 'sha256' ? 'sha256' : 'sha1';
  formats.set(repo, f);
  return f;
}

const TYPE_CODE: Record<ObjectType, number> = { commit: 1, tree: 2, blob: 3 };

/** Store objects with one `git unpack-objects` (loose objects; git skips any it already has). */
export async function writeObjects(repo: string, format: ObjectFormat, objects: readonly GitObject[]): Promise<void> {
  if (objects.length === 0) return;
  const parts: Buffer[] = [];
  const header = Buffer.alloc(12);
  header.write('PACK', 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(objects.length, 8);
  parts.push(header);
  for (const o of objects) {
    // Pack entry header: type and size, 4 bits of size in the first byte, then 7 bits per byte.
    let size = o.body.length;
    const bytes: number[] = [(TYPE_CODE[o.type] << 4) | (size & 0x0f)];
    size = Math.floor(size / 16);
    while (size > 0) {
      bytes[bytes.length - 1]! |= 0x80;
      bytes.push(size & 0x7f);
      size = Math.floor(size / 128);
    }
    // Fastest compression: git inflates the pack and stores each object with its own setting anyway.
    parts.push(Buffer.from(bytes), deflateSync(o.body, { level: 1 }));
  }
  const pack = Buffer.concat(parts);
  const trailer = createHash(format).update(pack).digest();
  // Loose objects are short-lived (gc packs them); the fastest compression keeps big folder trees cheap to store.
  await gitOk(repo, ['-c', 'core.looseCompression=1', 'unpack-objects', '-q'], { input: Buffer.concat([pack, trailer]) });
}

export interface TreeEntry {
  mode: string;
  name: string;
  id: string;
}

export const isTreeMode = (mode: string): boolean => mode === '40000' || mode === '040000';

/** Decode a raw tree object: `<mode> <name>\0<binary id>` repeated. */
export function parseTree(body: Buffer, format: ObjectFormat): TreeEntry[] {
  const idLen = format === 'sha1' ? 20 : 32;
  const out: TreeEntry[] = [];
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(0x20, i);
    const nul = body.indexOf(0, sp);
    out.push({
      mode: body.toString('latin1', i, sp),
      name: body.toString('utf8', sp + 1, nul),
      id: body.toString('hex', nul + 1, nul + 1 + idLen),
    });
    i = nul + 1 + idLen;
  }
  return out;
}

/** Git's tree order: byte order of names, with a sub-tree's name compared as if it ended in '/'. */
function treeSortKey(e: TreeEntry): Buffer {
  return Buffer.from(isTreeMode(e.mode) ? `${e.name}/` : e.name, 'utf8');
}

export function encodeTree(entries: readonly TreeEntry[]): Buffer {
  // Keys computed once: folders of thousands of entries are common (one file per object).
  const keyed = entries.map((e) => ({ e, k: treeSortKey(e) }));
  keyed.sort((a, b) => Buffer.compare(a.k, b.k));
  const parts: Buffer[] = [];
  for (const { e } of keyed) {
    parts.push(Buffer.from(`${isTreeMode(e.mode) ? '40000' : e.mode} ${e.name}\0`, 'utf8'), Buffer.from(e.id, 'hex'));
  }
  return Buffer.concat(parts);
}

export interface Identity {
  name: string;
  email: string;
}

/**
 * Who commits: git's own environment variables first (committer, then author; EMAIL for the
 * address, as git reads it), then the repository's configured user. Read with one `git config` call.
 * With neither, svc refuses as git does rather than sign with a made-up name: a commit's author is
 * what a reviewer trusts, and cannot be changed once the branch is shared.
 */
export async function resolveIdentity(repo: string): Promise<Identity> {
  const env = process.env;
  let name = nonEmpty(env.GIT_COMMITTER_NAME) ?? nonEmpty(env.GIT_AUTHOR_NAME);
  let email = nonEmpty(env.GIT_COMMITTER_EMAIL) ?? nonEmpty(env.GIT_AUTHOR_EMAIL);
  if (name === undefined || email === undefined) {
    // Listed from the widest scope to the narrowest: the last value is the one git itself uses.
    const user: Partial<Identity> = {};
    const r = await gitRaw(repo, ['config', '-z', '--get-regexp', '^user\\.(name|email)$']);
    for (const rec of r.stdout.toString('utf8').split('\0')) {
      const nl = rec.indexOf('\n');
      if (nl < 0) continue;
      const key = rec.slice(0, nl);
      const value = rec.slice(nl + 1);
      if (key === 'user.name' && value) user.name = value;
      if (key === 'user.email' && value) user.email = value;
    }
    name ??= user.name;
    email ??= user.email ?? nonEmpty(env.EMAIL);
  }
  if (name === undefined || email === undefined) {
    const missing = [name === undefined ? 'user.name' : '', email === undefined ? 'user.email' : ''].filter(Boolean).join(' and ');
    throw new UsageError('git/no-identity', `svc commits in your name, and git has no ${missing} for ${repo}: nothing was written`, {
      hint: 'tell git who you are: git config --global user.name "Your Name"; git config --global user.email you@example.com (leave out --global for this repository only), or set GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL, or give svc --author "Your Name <you@example.com>"',
    });
  }
  return { name, email };
}

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

/** `<epoch seconds> +0000`: git's raw date format, always UTC so output never depends on the machine. */
export const gitDate = (d: Date): string => `${Math.floor(d.getTime() / 1000)} +0000`;

export function encodeCommit(tree: string, parents: readonly string[], who: Identity, when: Date, message: string): Buffer {
  const ident = `${who.name} <${who.email}> ${gitDate(when)}`;
  const lines = [`tree ${tree}`, ...parents.map((p) => `parent ${p}`), `author ${ident}`, `committer ${ident}`];
  return Buffer.from(`${lines.join('\n')}\n\n${message.endsWith('\n') ? message : `${message}\n`}`, 'utf8');
}
