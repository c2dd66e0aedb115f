import { spawn } from 'node:child_process';
import { isAbsolute, relative } from 'node:path';
import { gitSync, gitSyncBytes, TREES_ONLY } from '../git/run.js';
import type { BlobFormat } from '../inventory/files.js';

/**
 * What git knows about the inventory folder: its tree at HEAD, the files in a tree, what changed
 * between two trees, and what is uncommitted. Direct git calls (see src/adapters/git/run.ts).
 * Paths returned are relative to the inventory folder.
 */
export interface GitView {
  top: string;
  /** The inventory folder relative to the repository root ('' when it is the root). */
  prefix: string;
  /** The repository's git folder (absolute): its index file's size estimates the inventory's. */
  gitDir: string;
  /** The inventory folder's tree at HEAD when gitView asked for it in the same call. */
  head?: string;
  /** How the repository names objects: blob ids the index stores are hashed the same way. */
  format: BlobFormat;
}

const formatOf = (s: string): BlobFormat => (s.trim() === 'sha256' ? 'sha256' : 'sha1');

export function gitView(inventoryDir: string, catalogRoot: string): GitView | undefined {
  // Every command asks this first: one git process answers where the repository is and what HEAD
  // holds (`HEAD:./<dir>` is relative to the catalog root); exit 1 means no such tree at HEAD.
  const rel = relative(catalogRoot, inventoryDir).split('\\').join('/');
  if (!rel.startsWith('..') && !isAbsolute(rel)) {
    try {
      const [top = '', gitDir = '', format = '', head = ''] = gitSync(catalogRoot, ['rev-parse', '--show-toplevel', '--absolute-git-dir', '--show-object-format', '--verify', '-q', `HEAD:./${rel}`], { okCodes: [1] }).split('\n');
      if (top !== '' && gitDir !== '') return { top, prefix: relative(top, inventoryDir).split('\\').join('/'), gitDir, head, format: formatOf(format) };
    } catch {
      // Not a repository, or git could not read HEAD: the separate calls below tell which.
    }
  }
  let top: string;
  let gitDir: string;
  let format: string;
  try {
    [top = '', gitDir = '', format = ''] = gitSync(catalogRoot, ['rev-parse', '--show-toplevel', '--absolute-git-dir', '--show-object-format']).split('\n');
  } catch {
    return undefined;
  }
  const prefix = relative(top, inventoryDir).split('\\').join('/');
  return { top, prefix, gitDir, format: formatOf(format) };
}

/** The inventory folder's tree id at HEAD, or '' (no commit yet, or the folder is not committed). */
export function headTree(g: GitView): string {
  if (g.head !== undefined) return g.head;
  const spec = g.prefix === '' ? 'HEAD^{tree}' : `HEAD:${g.prefix}`;
  return gitSync(g.top, ['rev-parse', '--verify', '-q', spec], { okCodes: [1, 128] }).trim();
}

const strip = (g: GitView, p: string): string | undefined => {
  if (g.prefix === '') return p;
  return p.startsWith(`${g.prefix}/`) ? p.slice(g.prefix.length + 1) : undefined;
};

/**
 * `git ls-files -s -z` of the inventory folder, as bytes: every file git's index tracks there,
 * sorted, with its blob id (cut up by the build kit's listFiles). Reading git's index takes a few
 * milliseconds where listing HEAD's tree takes tens.
 */
export function indexListing(g: GitView): Buffer {
  return gitSyncBytes(g.top, ['ls-files', '-s', '-z', '--', scope(g)]);
}

/** Files under the inventory folder that git's index does not track, ignored ones left out (as `git status` shows them). */
export function untrackedPaths(g: GitView): string[] {
  return paths(g, gitSync(g.top, ['ls-files', '--others', '--exclude-standard', '-z', '--', scope(g)]));
}

/** Files whose entry in git's index differs from HEAD's (staged changes, deletions included); HEAD must have the folder. */
export function stagedPaths(g: GitView): string[] {
  return paths(g, gitSync(g.top, ['diff-index', '--cached', '--name-only', '-z', '--no-renames', 'HEAD', '--', scope(g)]));
}

const scope = (g: GitView) => (g.prefix === '' ? '.' : g.prefix);

function paths(g: GitView, text: string): string[] {
  const out: string[] = [];
  for (const p of text.split('\0')) {
    const inner = p === '' ? undefined : strip(g, p);
    if (inner !== undefined) out.push(inner);
  }
  return out.sort();
}

/** Paths that differ between two trees of the inventory folder; undefined when git cannot tell (a tree was pruned). */
export function changedBetween(g: GitView, from: string, to: string): string[] | undefined {
  try {
    return gitSync(g.top, ['diff-tree', '-r', '-z', '--no-renames', '--name-only', from, to], { env: TREES_ONLY }).split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/**
 * How `git status` is asked (see dirtyPaths). `repo`: about the whole work tree, so that git uses its
 * untracked cache; `folder`: about the inventory folder alone.
 */
export type StatusScope = 'repo' | 'folder';

/**
 * The scope for a repository whose index tracks `tracked` files, `inventory` of them object files:
 * the whole tree when the inventory is most of it (then the untracked cache saves more than the
 * other files cost), else the folder, so that a catalog inside a large repository does not pay for
 * all of it.
 */
export function statusScope(tracked: number, inventory: number): StatusScope {
  return inventory * 2 >= tracked ? 'repo' : 'folder';
}

/** How dirtyPaths asks git status in a scope; `folder` is the inventory folder relative to git's working folder. */
function statusArgs(scopeOf: StatusScope, folder: string): string[] {
  const args = ['-c', 'core.untrackedCache=true', 'status', '--porcelain', '-z', '--no-renames'];
  if (scopeOf === 'repo') args.push('--untracked-files=normal');
  else args.push('--untracked-files=all', '--', folder === '' ? '.' : folder);
  return args;
}

/** git status's output, asked in `scope` before the refresh that uses it (see startStatus). */
export interface StatusAnswer {
  scope: StatusScope;
  text: string;
}

export interface PendingStatus {
  /** undefined when git failed: the refresh then asks again, and reports what went wrong. */
  answer: Promise<StatusAnswer | undefined>;
  /** Stops git if it still runs: a command that ends without the answer leaves no git behind. */
  cancel(): void;
}

/**
 * git status started without waiting for it, in `dir` (the catalog root; `folder` is the inventory
 * folder relative to it), so that a command can load while git stats every file. Porcelain paths
 * are relative to the repository's top whatever the working folder, so dirtyPaths reads the answer
 * as its own. Only valid for a refresh that nothing in the work tree or git's index has changed
 * since: the caller's promise.
 */
export function startStatus(dir: string, scopeOf: StatusScope, folder: string): PendingStatus {
  let settled = false;
  const child = spawn('git', statusArgs(scopeOf, folder), { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  const answer = new Promise<StatusAnswer | undefined>((resolve) => {
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => {
      settled = true;
      resolve(code === 0 ? { scope: scopeOf, text: Buffer.concat(chunks).toString('utf8') } : undefined);
    });
  });
  return {
    answer,
    cancel: () => {
      // SIGTERM: git removes its index.lock on the way out, so nothing is left half-written.
      if (!settled) child.kill('SIGTERM');
    },
  };
}

/**
 * Uncommitted changes under the inventory folder (staged or not, untracked files too): the paths
 * whose work-tree content may differ from HEAD, sorted, each once (git lists a path twice when it is
 * deleted in git's index and new in the work tree). `asked`: git status's output in this scope,
 * taken since the command started (startStatus), used instead of asking again.
 *
 * git keeps an untracked cache in .git/index (core.untrackedCache) that spares status reading every
 * folder to find new files: about half of a status of a 100k-file inventory. But git (2.39) uses it
 * only for a status of the whole work tree, without a pathspec, that shows a new folder as the
 * folder (--untracked-files=normal). So in scope `repo` status is asked that way, and the files of
 * new folders are then listed by `git ls-files --others` on those folders alone.
 */
export function dirtyPaths(g: GitView, scopeOf: StatusScope = 'folder', asked?: StatusAnswer): string[] {
  const text = asked?.scope === scopeOf ? asked.text : gitSync(g.top, statusArgs(scopeOf, scope(g)));
  const out: string[] = [];
  const folders: string[] = [];
  for (const entry of text.split('\0')) {
    if (entry.length < 4) continue;
    const p = strip(g, entry.slice(3));
    if (p === undefined) continue;
    if (p.endsWith('/')) folders.push(entry.slice(3));
    else out.push(p);
  }
  // New folders' files (ignored ones left out); a nested repository stays a folder, which is no object file.
  for (let i = 0; i < folders.length; i += 1000) {
    const listed = gitSync(g.top, ['--literal-pathspecs', 'ls-files', '--others', '--exclude-standard', '-z', '--', ...folders.slice(i, i + 1000)]);
    for (const p of paths(g, listed)) if (!p.endsWith('/')) out.push(p);
  }
  return [...new Set(out)].sort();
}
