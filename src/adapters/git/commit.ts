import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { CatFile } from './catfile.js';
import { encodeCommit, makeObject, objectFormat, resolveIdentity, writeObjects, type GitObject, type Identity, type ObjectFormat } from './objects.js';
import { assertRefName, compareAndSwapRef, refState, shortRef } from './refs.js';
import { gitRaw } from './run.js';
import { editTree, type FileEdit } from './tree-edit.js';

/** One file of a commit: its new bytes, or its deletion. Paths are relative to the repository root. */
export type FileChange =
  | { path: string; content: string | Uint8Array; executable?: boolean }
  | { path: string; delete: true };

export interface CommitOptions {
  /** Any folder inside the repository (its root is used). */
  repo: string;
  /** The parent commit (a rev); null makes a root commit. */
  base: string | null;
  changes: readonly FileChange[];
  /** Subject, then an optional body. Trailers are appended as the last paragraph. */
  message: string;
  /** e.g. [['Svc-Request', 'r-42'], ['Svc-Action', 'create']]; kept in the given order. */
  trailers?: ReadonlyArray<readonly [string, string]>;
  /** The ref to create or move, e.g. refs/heads/request/r-42. */
  ref: string;
  /**
   * What `ref` must hold now: null (the default) means it must not exist, so an existing branch is
   * refused; a commit id means move it only if it still points there.
   */
  expectedOld?: string | null;
  /** Commit date (tests and reproducible requests pass one); else GIT_COMMITTER_DATE, else now. */
  date?: Date;
  /** Who commits; defaults to resolveIdentity's (git's environment, then the repository's user). */
  identity?: Identity;
}

export interface CommitResult {
  commit: string;
  tree: string;
  ref: string;
  /** The resolved base commit, or null for a root commit. */
  base: string | null;
  /** True when the tree equals the base's: the commit changes nothing (callers may treat it as a no-op). */
  empty: boolean;
}

/** The commit message with trailers git's `%(trailers)` can read back. */
export function formatMessage(message: string, trailers: ReadonlyArray<readonly [string, string]> = []): string {
  const text = message.replace(/\s+$/, '');
  if (!text) throw new UsageError('git/empty-message', 'a commit needs a message');
  for (const [k, v] of trailers) {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(k)) throw new UsageError('git/bad-trailer', `invalid trailer key ${JSON.stringify(k)}: letters, digits and dashes only`);
    if (/[\r\n]/.test(v)) throw new UsageError('git/bad-trailer', `trailer ${k} must fit on one line`);
  }
  if (!trailers.length) return `${text}\n`;
  return `${text}\n\n${trailers.map(([k, v]) => `${k}: ${v}`).join('\n')}\n`;
}

export function pathProblem(path: string): string | undefined {
  if (!path) return 'is empty';
  if (path.startsWith('/')) return 'is absolute';
  if (path.includes('\0') || /[\r\n]/.test(path)) return 'contains a NUL or a line break';
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return 'has an empty, "." or ".." component';
  if (parts.some((p) => p.toLowerCase() === '.git')) return 'goes inside .git';
  return undefined;
}

export interface RepoPaths {
  /** The work tree root, or the git dir for a bare repository. */
  root: string;
  gitDir: string;
  /** The folder a linked worktree shares with the main one (refs, objects): gitDir everywhere else. */
  commonDir: string;
  bare: boolean;
}

/**
 * Where a folder's repository keeps its folders does not change while svc runs, and a request asks
 * it once per ledger update: remembered per folder for the life of the process (answers only: a
 * folder that is not a repository yet may become one, as `svc init` makes it).
 */
const known = new Map<string, RepoPaths>();

export async function repoPaths(dir: string): Promise<RepoPaths> {
  const key = resolve(dir);
  const hit = known.get(key);
  if (hit) return hit;
  const paths = await askRepoPaths(dir);
  known.set(key, paths);
  return paths;
}

async function askRepoPaths(dir: string): Promise<RepoPaths> {
  // --show-toplevel last: in a bare repository it fails after the others have answered.
  const r = await gitRaw(dir, ['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--git-common-dir', '--show-toplevel']);
  const lines = r.stdout.toString('utf8').split('\n');
  if (lines[0] !== 'true' && lines[0] !== 'false') {
    throw new UsageError('git/not-a-repository', `${dir} is not inside a git repository`, { hint: 'run `git init` first, or pass the folder of a repository' });
  }
  const bare = lines[0] === 'true';
  const gitDir = lines[1] ?? '';
  // git prints the common folder relative to where it was asked, when it can.
  const commonDir = resolve(dir, lines[2] || gitDir);
  return { bare, gitDir, commonDir, root: bare ? gitDir : (lines[3] ?? dir) };
}

/**
 * Commit `changes` on top of `base` to `ref` without a work tree and without an index: only the
 * trees on the changed paths are read (one cat-file process) and rewritten, and every new object
 * (blobs, trees, the commit) is stored with one `git unpack-objects`; then the ref is moved with a
 * compare-and-swap. The user's HEAD, index and files are never read or written, nothing temporary is
 * written to disk, and the cost follows the change, not the repository (a read-tree of a 100,000-file
 * base alone costs more than the whole commit: see bench/git.bench.mjs).
 */
export async function commitToRef(opts: CommitOptions): Promise<CommitResult> {
  assertRefName(opts.ref);
  const message = formatMessage(opts.message, opts.trailers);
  const edits = new Map<string, FileEdit | null>();
  for (const c of opts.changes) {
    const why = pathProblem(c.path);
    if (why) throw new UsageError('git/bad-path', `cannot commit ${JSON.stringify(c.path)}: the path ${why}`);
    if (edits.has(c.path)) throw new UsageError('git/duplicate-path', `${c.path} is changed twice in one commit`);
    if ('delete' in c) edits.set(c.path, null);
    else edits.set(c.path, { body: typeof c.content === 'string' ? Buffer.from(c.content, 'utf8') : Buffer.from(c.content), mode: c.executable ? '100755' : '100644' });
  }
  const { root: repo } = await repoPaths(opts.repo);
  const expected = opts.expectedOld ?? null;

  // Refuse early (before writing anything) what the final compare-and-swap would refuse anyway.
  const current = await refState(repo, opts.ref);
  if (current.checkedOutAt) {
    throw new UsageError('git/branch-checked-out', `${shortRef(opts.ref)} is checked out at ${current.checkedOutAt}: svc will not move it under your files`, {
      hint: 'switch to another branch first, or let svc use a new branch',
    });
  }
  if (expected === null && current.value !== null) {
    await compareAndSwapRef(repo, opts.ref, current.value, null); // throws the clear "already exists" error
  }

  let base: string | null = null;
  let baseTree: string | null = null;
  if (opts.base !== null) {
    const r = opts.base.startsWith('-') ? null : await gitRaw(repo, ['rev-parse', `${opts.base}^{commit}`, `${opts.base}^{tree}`]);
    const ids = r?.code === 0 ? r.stdout.toString().trim().split('\n') : [];
    if (ids.length !== 2) throw new UsageError('git/unknown-revision', `base ${JSON.stringify(opts.base)} is not a commit in this repository`, { hint: 'name a branch, tag or commit id that exists' });
    base = ids[0]!;
    baseTree = ids[1]!;
  }

  const format = await objectFormat(repo);
  const objects: GitObject[] = [];
  const cf = new CatFile(repo);
  let tree: string;
  try {
    tree = (await editTree(cf, format, baseTree, edits, objects)) ?? emptyTree(format, objects);
  } finally {
    cf.close();
  }
  const who = opts.identity ?? (await resolveIdentity(repo));
  const commit = makeObject(format, 'commit', encodeCommit(tree, base === null ? [] : [base], who, opts.date ?? dateFromEnv() ?? new Date(), message));
  objects.push(commit);
  await writeObjects(repo, format, uniqueObjects(objects));
  await compareAndSwapRef(repo, opts.ref, commit.id, expected, { reason: `svc: ${message.split('\n')[0]}` });
  return { commit: commit.id, tree, ref: opts.ref, base, empty: tree === (baseTree ?? emptyTreeId(format)) };
}

const emptyTreeId = (format: ObjectFormat): string => makeObject(format, 'tree', Buffer.alloc(0)).id;

function emptyTree(format: ObjectFormat, out: GitObject[]): string {
  const t = makeObject(format, 'tree', Buffer.alloc(0));
  out.push(t);
  return t.id;
}

function uniqueObjects(objects: readonly GitObject[]): GitObject[] {
  return [...new Map(objects.map((o) => [o.id, o])).values()];
}

/** GIT_COMMITTER_DATE as git reads it (ISO 8601, or `<epoch> <zone>`), so scripted runs stay reproducible. */
function dateFromEnv(): Date | undefined {
  const v = process.env.GIT_COMMITTER_DATE;
  if (!v) return undefined;
  const raw = /^@?(\d+)(\s+[+-]\d{4})?$/.exec(v.trim());
  const d = raw ? new Date(Number(raw[1]) * 1000) : new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
