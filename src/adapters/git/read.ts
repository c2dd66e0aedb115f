import { UsageError } from '../../core/errors.js';
import { CatFile, withCatFile } from './catfile.js';
import { gitOk, gitRaw, TREES_ONLY } from './run.js';

/**
 * Reading any revision without a checkout. `repo` is the repository root (see repoPaths in
 * ./commit.ts); paths are relative to it and taken literally (no globs).
 */
const LIT = '--literal-pathspecs';

export async function revParse(repo: string, rev: string): Promise<string | null> {
  if (rev.startsWith('-')) return null;
  const r = await gitRaw(repo, ['rev-parse', '-q', '--verify', rev]);
  return r.code === 0 ? r.stdout.toString().trim() : null;
}

/** The id of the tree (or blob) at `path` in `rev`, or null when absent. */
export async function treeIdAt(repo: string, rev: string, path: string): Promise<string | null> {
  return revParse(repo, path ? `${rev}:${path}` : `${rev}^{tree}`);
}

export interface TreeFile {
  mode: string;
  type: 'blob' | 'commit';
  id: string;
  path: string;
}

/** Every file below `path` (the whole tree when omitted) at `rev`, in git's (byte) order. */
export async function listTree(repo: string, rev: string, path?: string): Promise<TreeFile[]> {
  const args = [LIT, 'ls-tree', '-r', '-z', '--full-tree', rev];
  if (path) args.push('--', path);
  const r = await gitRaw(repo, args);
  if (r.code !== 0) throw new UsageError('git/unknown-revision', `cannot list ${rev}: ${r.stderr.trim()}`);
  const out: TreeFile[] = [];
  for (const rec of r.stdout.toString('utf8').split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [mode, type, id] = rec.slice(0, tab).split(' ');
    out.push({ mode: mode!, type: type === 'commit' ? 'commit' : 'blob', id: id!, path: rec.slice(tab + 1) });
  }
  return out;
}

/** The bytes of many files at `rev` through one cat-file process; null for a path that is absent. */
export async function readBlobs(repo: string, rev: string, paths: readonly string[]): Promise<Map<string, Buffer | null>> {
  return withCatFile(repo, async (cf) => {
    const got = await cf.readMany(paths.map((p) => `${rev}:${p}`));
    const out = new Map<string, Buffer | null>();
    for (const p of paths) {
      const o = got.get(`${rev}:${p}`);
      out.set(p, o && o.type === 'blob' ? o.body : null);
    }
    return out;
  });
}

export { CatFile, withCatFile };

export type ChangeStatus = 'A' | 'M' | 'D' | 'T';

export interface PathChange {
  status: ChangeStatus;
  path: string;
}

/** The files that differ between two revisions (renames off: a rename is a delete and an add). */
export async function diffTrees(repo: string, from: string, to: string, path?: string): Promise<PathChange[]> {
  const args = [LIT, 'diff-tree', '-r', '-z', '--no-renames', '--name-status', from, to];
  if (path) args.push('--', path);
  const r = await gitRaw(repo, args, { env: TREES_ONLY });
  if (r.code !== 0) throw new UsageError('git/unknown-revision', `cannot compare ${from} and ${to}: ${r.stderr.trim()}`);
  const parts = r.stdout.toString('utf8').split('\0');
  const out: PathChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push({ status: parts[i]!.charAt(0) as ChangeStatus, path: parts[i + 1]! });
  return out;
}

export interface WorkTreeChange {
  path: string;
  /** Status in the index (X of `git status --porcelain`): ' ', M, A, D, T, U or ?. */
  index: string;
  /** Status in the work tree (Y): ' ', M, D, T, U or ?. */
  workTree: string;
}

/** Uncommitted changes (staged, unstaged and untracked files) under `path`, sorted by path. */
export async function workTreeChanges(repo: string, path?: string): Promise<WorkTreeChange[]> {
  const args = [LIT, 'status', '--porcelain', '-z', '--untracked-files=all', '--no-renames'];
  if (path) args.push('--', path);
  const out = (await gitOk(repo, args)).toString('utf8');
  const list: WorkTreeChange[] = [];
  for (const rec of out.split('\0')) {
    if (rec.length < 4) continue;
    list.push({ index: rec.charAt(0), workTree: rec.charAt(1), path: rec.slice(3) });
  }
  return list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function mergeBase(repo: string, a: string, b: string): Promise<string | null> {
  const r = await gitRaw(repo, ['merge-base', a, b]);
  return r.code === 0 ? r.stdout.toString().trim() : null;
}

/**
 * Whether `branch`'s tip is contained in `into` (a true merge or fast-forward). A squash or rebase
 * merge makes new commits and is not seen here: callers look at the content for those.
 */
export async function isMerged(repo: string, branch: string, into: string): Promise<boolean> {
  const r = await gitRaw(repo, ['merge-base', '--is-ancestor', branch, into]);
  if (r.code === 0) return true;
  if (r.code === 1) return false;
  throw new UsageError('git/unknown-revision', `cannot tell whether ${branch} is merged into ${into}: ${r.stderr.trim()}`);
}

export interface DefaultBranch {
  /** Short name, e.g. main. */
  name: string;
  /** The ref to read it from: refs/heads/<name>, or the remote's when there is no local branch. */
  ref: string;
  source: 'remote-head' | 'main' | 'master' | 'current';
}

/** origin/HEAD when set, else main or master when they exist, else the current branch. */
export async function defaultBranch(repo: string, remote = 'origin'): Promise<DefaultBranch | null> {
  const remoteHead = `refs/remotes/${remote}/HEAD`;
  const out = (await gitOk(repo, ['for-each-ref', '--format=%(refname)%00%(symref)', remoteHead, 'refs/heads/main', 'refs/heads/master', `refs/remotes/${remote}/`])).toString('utf8');
  const refs = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [name, symref] = line.split('\0');
    if (name) refs.set(name, symref ?? '');
  }
  const target = refs.get(remoteHead);
  if (target) {
    const name = target.slice(`refs/remotes/${remote}/`.length);
    return { name, ref: refs.has(`refs/heads/${name}`) || (await revParse(repo, `refs/heads/${name}`)) ? `refs/heads/${name}` : target, source: 'remote-head' };
  }
  for (const name of ['main', 'master'] as const) if (refs.has(`refs/heads/${name}`)) return { name, ref: `refs/heads/${name}`, source: name };
  const current = await currentBranch(repo);
  return current === null ? null : { name: current, ref: `refs/heads/${current}`, source: 'current' };
}

/** The branch HEAD is on (its name without refs/heads/), or null when HEAD is detached. */
export async function currentBranch(repo: string): Promise<string | null> {
  const cur = await gitRaw(repo, ['symbolic-ref', '-q', 'HEAD']);
  const ref = cur.stdout.toString().trim();
  return cur.code === 0 && ref.startsWith('refs/heads/') ? ref.slice(11) : null;
}

export interface Trailer {
  key: string;
  value: string;
}

export interface BranchInfo {
  /** Full ref name. */
  ref: string;
  /** Short name (refs/heads/ removed). */
  name: string;
  commit: string;
  /** The tip commit's trailers, in order. */
  trailers: Trailer[];
}

/** Branches matching `patterns` (for-each-ref patterns, e.g. refs/heads/request/) with their tips' trailers, sorted by ref. */
export async function listBranches(repo: string, patterns: readonly string[]): Promise<BranchInfo[]> {
  const out = (await gitOk(repo, ['for-each-ref', '--sort=refname', '--format=%(refname)%00%(objectname)%00%(trailers:only,unfold)%00', ...patterns])).toString('utf8');
  const fields = out.split('\0');
  const list: BranchInfo[] = [];
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const ref = fields[i]!.replace(/^\n/, '');
    const trailers: Trailer[] = [];
    for (const line of fields[i + 2]!.split('\n')) {
      const c = line.indexOf(':');
      if (c > 0) trailers.push({ key: line.slice(0, c).trim(), value: line.slice(c + 1).trim() });
    }
    list.push({ ref, name: ref.replace(/^refs\/heads\//, ''), commit: fields[i + 1]!, trailers });
  }
  return list;
}

/** The value of trailer `key` (case-insensitive, as git compares them); the last one wins. */
export function trailerValue(trailers: readonly Trailer[], key: string): string | undefined {
  const k = key.toLowerCase();
  return trailers.filter((t) => t.key.toLowerCase() === k).pop()?.value;
}
