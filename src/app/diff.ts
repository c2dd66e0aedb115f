import { join, relative, sep } from 'node:path';
import { nodeFileHost } from '../adapters/fs.js';
import { repoPaths } from '../adapters/git/commit.js';
import { defaultBranch, mergeBase, revParse, workTreeChanges } from '../adapters/git/read.js';
import { gitOk, gitRaw, TREES_ONLY } from '../adapters/git/run.js';
import type { Catalog } from '../core/catalog/catalog.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { SchemaSet } from '../core/schema/model.js';
import { semanticDiff, type Diff, type FileChange } from '../core/diff/index.js';
import { GitError, UsageError } from '../core/errors.js';
import { RUN_KIND } from '../core/generate/records.js';
import { splitPatches, type ArtifactPatch } from '../core/diff/artifacts.js';
import { ARTIFACTS_DIR } from '../core/render/artifacts.js';
import { POOL_KINDS } from '../core/pools/from-inventory.js';
import { revisionHost, schemaAt } from './catalog-at.js';
import { requireModel } from './model.js';

/**
 * `svc diff`: the inventory's semantic diff between two revisions, or between a revision and the
 * work tree. Only the changed files are listed (diff-tree between commits; status and diff-index
 * for the work tree) and read, by blob id, in one cat-file process: the cost follows the size of
 * the change, not of the inventory.
 */
export interface DiffRequest {
  /** Default: the merge base of HEAD with the default branch. */
  base?: string;
  /** Default: the work tree (HEAD plus uncommitted changes, untracked files included). */
  head?: string;
  /** Show svc's bookkeeping objects too. */
  all?: boolean;
}

export interface Revision {
  /** As the user named it, or how it was chosen (`merge base of main`, `work tree`). */
  rev: string;
  /** Null for the work tree. */
  commit: string | null;
}

export interface DiffOutcome {
  diff: Diff;
  /** The artifact files that differ, as unified diffs. */
  artifacts: ArtifactPatch[];
  base: Revision & { commit: string };
  head: Revision;
  /** A revision whose catalog does not load (its files are then read with the work tree's schema). */
  warnings: Diagnostic[];
}

export async function diffInventory(catalog: Catalog, req: DiffRequest): Promise<DiffOutcome> {
  const { root: repo } = await repoPaths(catalog.root);
  const prefix = await inventoryPrefix(catalog, repo);
  const head: Revision = req.head !== undefined ? { rev: req.head, commit: await commitOf(repo, req.head) } : { rev: 'work tree', commit: null };
  const base = req.base !== undefined ? { rev: req.base, commit: await commitOf(repo, req.base) } : await defaultBase(catalog, repo, head.commit);
  const { schema: current } = requireModel(catalog);
  const changes = await readChanges(repo, prefix, base.commit, head.commit);
  const labels = changes.some((c) => c.path.startsWith(`${RUN_KIND}/`)) ? await poolNames(repo, prefix, [head.commit ?? 'HEAD', base.commit]) : new Map<string, string>();
  const warnings: Diagnostic[] = [];
  const schemas = changes.length ? await revisionSchemas(catalog, repo, current, warnings) : undefined;
  const headSchema = schemas ? await schemas.at(head, current) : current;
  const baseSchema = schemas ? await schemas.at(base, headSchema) : current;
  const diff = semanticDiff(headSchema, changes, { all: Boolean(req.all), labelOf: (id) => labels.get(id), baseSchema });
  const artifacts = await artifactPatches(catalog, repo, base.commit, head.commit);
  return { diff, base, head, warnings, artifacts };
}

/**
 * The schema a revision's files were written for: the catalog's at that commit, read from git.
 * Revisions are told apart by the git ids of the catalog's config, schema and product folders
 * (one `git ls-tree` each): one whose ids are the work tree's uses the schema already loaded, and
 * two with the same ids load once. A revision whose catalog does not load is read with the
 * fallback, with a warning.
 */
async function revisionSchemas(catalog: Catalog, repo: string, current: SchemaSet, warnings: Diagnostic[]): Promise<{ at(rev: Revision, fallback: SchemaSet): Promise<SchemaSet> }> {
  const catalogPrefix = (await gitOk(catalog.root, ['rev-parse', '--show-prefix'])).toString('utf8').trim();
  const paths = [catalog.configFile, ...catalog.schemas, ...catalog.products].map((p) => catalogPrefix + relative(catalog.root, p).split(sep).join('/'));
  const idsAt = async (commit: string) => (await gitOk(repo, ['--literal-pathspecs', 'ls-tree', '-r', commit, '--', ...paths])).toString('utf8');
  // The work tree's catalog is HEAD's when no such file is changed or untracked.
  const clean = (await gitRaw(repo, ['--literal-pathspecs', 'diff', '--quiet', 'HEAD', '--', ...paths])).code === 0
    && (await gitOk(repo, ['--literal-pathspecs', 'ls-files', '--others', '--exclude-standard', '--', ...paths])).length === 0;
  const loaded = new Map<string, SchemaSet | undefined>();
  if (clean) loaded.set(await idsAt('HEAD'), current);
  return {
    async at(rev, fallback) {
      if (rev.commit === null) return current;
      const key = await idsAt(rev.commit);
      if (!loaded.has(key)) {
        const label = rev.commit.startsWith(rev.rev) ? rev.commit.slice(0, 12) : rev.rev;
        const host = await revisionHost(repo, rev.commit, catalogPrefix, catalog.root);
        loaded.set(key, schemaAt(catalog, host, label, warnings, 'diff/revision-invalid', "its inventory is read with the work tree's schema"));
      }
      return loaded.get(key) ?? fallback;
    },
  };
}

/**
 * The artifact files that differ between base and head (the work tree: untracked files included),
 * as git's unified diffs, paths relative to the catalog root.
 */
async function artifactPatches(catalog: Catalog, repo: string, base: string, head: string | null): Promise<ArtifactPatch[]> {
  const catalogPrefix = (await gitOk(catalog.root, ['rev-parse', '--show-prefix'])).toString('utf8').trim();
  const dir = `${catalogPrefix}${ARTIFACTS_DIR}`;
  const opts = ['--no-color', '--no-renames', '--no-ext-diff', '--src-prefix=a/', '--dst-prefix=b/'];
  let text = (await gitOk(repo, ['--literal-pathspecs', 'diff', ...opts, base, ...(head === null ? [] : [head]), '--', dir])).toString('utf8');
  if (head === null) {
    const untracked = (await gitOk(repo, ['--literal-pathspecs', 'ls-files', '-z', '--others', '--exclude-standard', '--', dir])).toString('utf8').split('\0').filter(Boolean).sort();
    // --no-index exits 1 when the files differ, which they always do here.
    for (const f of untracked) text += (await gitRaw(repo, ['diff', ...opts, '--no-index', '--', '/dev/null', f])).stdout.toString('utf8');
  }
  return splitPatches(text)
    .map((p) => ({ path: p.path.slice(catalogPrefix.length), patch: p.patch }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The inventory folder relative to the repository root ('' when it is the root). */
async function inventoryPrefix(catalog: Catalog, repo: string): Promise<string> {
  // git's own answer for the catalog folder, so symlinked temp folders and case do not matter.
  const catalogPrefix = (await gitOk(catalog.root, ['rev-parse', '--show-prefix'])).toString('utf8').trim();
  const inside = relative(catalog.root, catalog.inventory).split('\\').join('/');
  const prefix = [catalogPrefix.replace(/\/$/, ''), inside].filter(Boolean).join('/');
  if (prefix.split('/').includes('..')) {
    throw new UsageError('diff/outside-repository', `the inventory folder ${catalog.inventory} is outside the git repository at ${repo}`, { hint: 'keep the inventory inside the repository that holds the catalog' });
  }
  return prefix;
}

async function commitOf(repo: string, rev: string): Promise<string> {
  const commit = await revParse(repo, `${rev}^{commit}`);
  if (commit === null) {
    throw new UsageError('diff/unknown-revision', `unknown revision "${rev}": no branch, tag or commit of that name in this repository`, {
      hint: 'name an existing branch, tag or commit (see `git branch -a` and `git log --oneline`)',
    });
  }
  return commit;
}

/** The merge base of HEAD with the default branch: what a pull request from here would be compared to. */
async function defaultBase(catalog: Catalog, repo: string, headCommit: string | null): Promise<Revision & { commit: string }> {
  const head = headCommit ?? (await revParse(repo, 'HEAD^{commit}'));
  if (head === null) throw new UsageError('diff/no-commits', 'the repository has no commit yet: there is nothing to compare with', { hint: 'commit the catalog first, or pass BASE' });
  const branch = await defaultBranchRef(catalog, repo);
  const base = await mergeBase(repo, branch.ref, head);
  if (base === null) {
    throw new UsageError('diff/no-merge-base', `${headCommit === null ? 'HEAD' : head.slice(0, 12)} and ${branch.name} have no common history`, { hint: 'pass BASE explicitly, e.g. `svc diff <commit>`' });
  }
  return { rev: `merge base of ${branch.name}`, commit: base };
}

async function defaultBranchRef(catalog: Catalog, repo: string): Promise<{ name: string; ref: string }> {
  const configured = catalog.defaultBranch;
  if (configured !== undefined) {
    for (const ref of [`refs/heads/${configured}`, `refs/remotes/origin/${configured}`]) if ((await revParse(repo, `${ref}^{commit}`)) !== null) return { name: configured, ref };
    throw new UsageError('diff/no-default-branch', `the default branch "${configured}" (default_branch in .orchestrator.yml) does not exist in this repository`, {
      hint: 'create or fetch it, correct default_branch, or pass BASE (e.g. `svc diff main`)',
    });
  }
  const found = await defaultBranch(repo);
  if (!found) {
    throw new UsageError('diff/no-default-branch', 'cannot tell the default branch: no origin/HEAD, main or master, and HEAD is detached', {
      hint: 'pass BASE (e.g. `svc diff main`) or set default_branch in .orchestrator.yml',
    });
  }
  return { name: found.name, ref: found.ref };
}

/** One changed path as git's raw diff gives it: blob ids on both sides (null: absent, or to be read from disk). */
interface RawChange {
  path: string;
  before: string | null;
  after: string | null;
  /** The newer side is the work-tree file. */
  onDisk: boolean;
}

const NO_BLOB = /^0+$/;

/**
 * `:oldmode newmode oldid newid status NUL path NUL` records (diff-tree and diff-index with -z,
 * renames off). Gitlinks (submodules) are not files and are left out.
 */
function parseRaw(out: string): RawChange[] {
  const parts = out.split('\0');
  const list: RawChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [oldMode, newMode, oldId, newId, status] = parts[i]!.slice(1).split(' ');
    if (oldMode === '160000' || newMode === '160000') continue;
    const before = status === 'A' || !oldId || NO_BLOB.test(oldId) ? null : oldId;
    const deleted = status === 'D';
    const onDisk = !deleted && (!newId || NO_BLOB.test(newId));
    list.push({ path: parts[i + 1]!, before, after: deleted || onDisk ? null : newId!, onDisk });
  }
  return list;
}

/**
 * The changed files under the inventory folder with both texts. Blobs are read by id, never as
 * `rev:path`: git would re-read every tree on the path for each lookup, and a kind folder of
 * 20,000 entries made that the whole cost. Between commits, diff-tree gives both ids; for the work
 * tree, git status first (it refreshes the index's file stats and lists untracked files), then
 * diff-index against the base (tracked files; a file that differs from the index is read from disk).
 */
async function readChanges(repo: string, prefix: string, base: string, head: string | null): Promise<FileChange[]> {
  const spec = prefix ? ['--', prefix] : [];
  const raw = new Map<string, RawChange>();
  if (head !== null) {
    const out = await gitOk(repo, ['--literal-pathspecs', 'diff-tree', '-r', '-z', '--raw', '--no-renames', base, head, ...spec], { env: TREES_ONLY });
    for (const c of parseRaw(out.toString('utf8'))) raw.set(c.path, c);
  } else {
    const untracked = (await workTreeChanges(repo, prefix || undefined)).filter((w) => w.index === '?').map((w) => w.path);
    const out = await gitOk(repo, ['--literal-pathspecs', 'diff-index', '-r', '-z', '--raw', '--no-renames', base, ...spec]);
    for (const c of parseRaw(out.toString('utf8'))) raw.set(c.path, c);
    // Untracked: new, or a file the index dropped (git rm --cached) that diff-index lists as deleted.
    for (const path of untracked) raw.set(path, { path, before: raw.get(path)?.before ?? null, after: null, onDisk: true });
  }

  const ids = [...new Set([...raw.values()].flatMap((c) => [c.before, c.after]).filter((x): x is string => x !== null))];
  const blobs = await readBlobsById(repo, ids);
  const textOf = (id: string | null) => (id === null ? null : (blobs.get(id) ?? null));
  const out: FileChange[] = [];
  for (const c of [...raw.values()].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))) {
    const before = textOf(c.before);
    const after = c.onDisk ? workTreeText(join(repo, c.path)) : textOf(c.after);
    if (before === null && after === null) continue;
    out.push({ path: prefix ? c.path.slice(prefix.length + 1) : c.path, before, after });
  }
  return out;
}

/**
 * Blob id → text, for many blobs in one `git cat-file --batch` run whose whole output is parsed at
 * once: thousands of small files cost one process and one buffer, not a promise and a copy each.
 */
async function readBlobsById(repo: string, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!ids.length) return out;
  const r = await gitRaw(repo, ['cat-file', '--batch'], { input: `${ids.join('\n')}\n` });
  if (r.code !== 0) throw new GitError(`git cat-file failed: ${r.stderr.trim() || `exit code ${r.code}`}`);
  const buf = r.stdout;
  let at = 0;
  for (const id of ids) {
    const nl = buf.indexOf(0x0a, at);
    if (nl < 0) break;
    const header = buf.toString('latin1', at, nl).split(' ');
    at = nl + 1;
    if (header[1] === 'missing' || header.length < 3) continue;
    const size = Number(header[2]);
    if (header[1] === 'blob') out.set(id, buf.toString('utf8', at, at + size));
    at += size + 1;
  }
  return out;
}

function workTreeText(abs: string): string | null {
  if (!nodeFileHost.exists(abs) || nodeFileHost.isDirectory(abs)) return null;
  return nodeFileHost.readText(abs);
}

/**
 * Pool id → name, for "allocated 1000 from Customer vlan pool" when the pool itself did not change.
 * Pools are few: their kind folders are listed and read whole, at both revisions (the newer wins).
 */
async function poolNames(repo: string, prefix: string, revs: readonly string[]): Promise<Map<string, string>> {
  const folders = Object.keys(POOL_KINDS).map((k) => (prefix ? `${prefix}/${k}` : k));
  const names = new Map<string, string>();
  for (const rev of [...revs].reverse()) {
    const listing = (await gitOk(repo, ['--literal-pathspecs', 'ls-tree', '-r', '-z', rev, '--', ...folders])).toString('utf8');
    const ids = listing.split('\0').filter(Boolean).map((rec) => rec.slice(0, rec.indexOf('\t')).split(' ')[2]!);
    for (const text of (await readBlobsById(repo, ids)).values()) {
      try {
        const obj = JSON.parse(text) as { id?: unknown; name?: unknown };
        if (typeof obj.id === 'string' && typeof obj.name === 'string') names.set(obj.id, obj.name);
      } catch {
        // An unreadable pool file is reported by `svc validate`; here the id simply stays unnamed.
      }
    }
  }
  return names;
}
