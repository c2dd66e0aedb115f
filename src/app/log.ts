import { withCatFile } from '../adapters/git/read.js';
import { gitOk } from '../adapters/git/run.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { semanticDiff, type Diff, type FileChange, type ObjectChange } from '../core/diff/index.js';
import { UsageError } from '../core/errors.js';
import { ID_PATTERN } from '../core/inventory/paths.js';
import { subscriptionKind } from '../core/products/compile.js';
import { TRAILER } from '../core/request/names.js';
import { diffInventory } from './diff.js';
import { requireModel } from './model.js';
import { repoOf } from './revision-inventory.js';

/**
 * `svc log`: the history of one object, or of one subscription, read from git. Each entry is a commit
 * with who and when, svc's request trailers, and the field-level change (the semantic diff of the
 * commit against its first parent). Newest first, on the history of `rev` (default HEAD).
 */
export const LOG_JSON_FORMAT = 1;

export interface CommitInfo {
  commit: string;
  parent: string | null;
  author: { name: string; email: string };
  /** The author date, ISO 8601 as git records it. */
  date: string;
  subject: string;
  /** Every trailer, as written (`Svc-Request` → `dia-0001`). */
  trailers: Record<string, string>;
}

export interface ObjectLog {
  kind: string;
  id: string;
  label: string;
  entries: (CommitInfo & { change: ObjectChange })[];
}

export interface SubscriptionLog {
  subscription: string;
  entries: (CommitInfo & { diff: Diff })[];
}

const SEP = '\x01';
const FORMAT = `${SEP}%H%x00%P%x00%an%x00%ae%x00%aI%x00%s%x00%(trailers:only,unfold)%x00`;

interface RawCommit extends CommitInfo {
  changes: { path: string; before: string | null; after: string | null }[];
}

/** `git log --raw` of the paths, newest first, parsed: commit data and the blob ids of each changed file. */
async function history(repo: string, rev: string, paths: readonly string[]): Promise<RawCommit[]> {
  const out = (await gitOk(repo, ['--literal-pathspecs', 'log', '-z', '--raw', '--no-renames', '--no-abbrev', `--format=${FORMAT}`, rev, '--', ...paths])).toString('utf8');
  const commits: RawCommit[] = [];
  for (const chunk of out.split(SEP).slice(1)) {
    const f = chunk.split('\0');
    const [commit, parents, name, email, date, subject, trailerText] = f as [string, string, string, string, string, string, string];
    const changes: RawCommit['changes'] = [];
    const raw = f.slice(7).map((x) => x.replace(/^\n+/, ''));
    // `:modes ids status` NUL path NUL, after the separators git puts between format and records.
    for (let i = 0; i + 1 < raw.length; i++) {
      if (!raw[i]!.startsWith(':')) continue;
      const [oldMode, newMode, before, after] = raw[i]!.slice(1).split(' ');
      const none = (x: string | undefined) => (!x || /^0+$/.test(x) ? null : x);
      if (oldMode !== '160000' && newMode !== '160000') changes.push({ path: raw[i + 1]!, before: none(before), after: none(after) });
      i++;
    }
    commits.push({ commit, parent: parents.split(' ')[0] || null, author: { name, email }, date, subject, trailers: parseTrailers(trailerText), changes });
  }
  return commits;
}

function parseTrailers(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** Blob id → text for every blob the commits name, in one cat-file process. */
async function texts(repo: string, commits: readonly RawCommit[]): Promise<Map<string, string>> {
  const ids = [...new Set(commits.flatMap((c) => c.changes.flatMap((x) => [x.before, x.after])).filter((x): x is string => x !== null))];
  const got = await withCatFile(repo, (cf) => cf.readMany(ids));
  return new Map([...got].flatMap(([id, o]) => (o ? [[id, o.body.toString('utf8')] as const] : [])));
}

function fileChanges(c: RawCommit, blobs: Map<string, string>, prefix: string): FileChange[] {
  const text = (id: string | null) => (id === null ? null : (blobs.get(id) ?? null));
  return c.changes.map((x) => ({ path: prefix ? x.path.slice(prefix.length + 1) : x.path, before: text(x.before), after: text(x.after) }));
}

/**
 * The objects of `kind` (every kind inheriting it, for a generic) named `ref` (an id, or the parts of
 * its human-friendly id), commit by commit. An hfid is matched on the newest side that has it; from
 * then on the object is followed by id, so a rename or a removal stays in its history.
 */
export async function objectLog(catalog: Catalog, kind: string, ref: readonly string[], opts: { rev?: string } = {}): Promise<ObjectLog> {
  const { schema } = requireModel(catalog);
  if (!schema.get(kind)) throw new UsageError('inventory/unknown-kind', `unknown kind "${kind}"`, { hint: '`svc schema list` lists the kinds' });
  const { repo, prefix } = repoOf(catalog);
  const kinds = [...schema.kinds.values()].filter((k) => !k.isGeneric && schema.isA(k.kind, kind)).map((k) => k.kind);
  const commits = await history(repo, opts.rev ?? 'HEAD', kinds.map((k) => (prefix ? `${prefix}/${k}` : k)));
  const blobs = await texts(repo, commits);
  const wanted = ref.join(' / ');
  let id = ref.length === 1 && ID_PATTERN.test(ref[0]!) ? ref[0]! : undefined;
  let found: { kind: string; label: string } | undefined;
  const entries: ObjectLog['entries'] = [];
  for (const c of commits) {
    // Once the id is known, only files that mention it are decoded (a bootstrap commit adds thousands).
    const files = fileChanges(c, blobs, prefix).filter((f) => id === undefined || f.before?.includes(id) || f.after?.includes(id));
    if (!files.length) continue;
    const diff = semanticDiff(schema, files, { all: true });
    const objects = diff.kinds.flatMap((k) => k.objects);
    const change = objects.find((o) => (id !== undefined ? o.id === id : o.label === wanted || o.previousLabel === wanted));
    if (!change) continue;
    id ??= change.id;
    found ??= { kind: change.kind, label: change.label };
    entries.push({ commit: c.commit, parent: c.parent, author: c.author, date: c.date, subject: c.subject, trailers: c.trailers, change });
  }
  if (!found || id === undefined) {
    throw new UsageError('log/not-found', `no ${kind} ${wanted} in the history of ${opts.rev ?? 'HEAD'}`, { hint: `give its id or its human-friendly id, one argument per component (\`svc list ${kind}\` lists them)` });
  }
  return { kind: found.kind, id, label: found.label, entries };
}

/**
 * A subscription's history: the commits of its requests (their Svc-Subscription trailer) and any
 * other commit that changed its subscription object, each with the whole inventory's diff against its
 * parent: what the request touched, resources and pools included.
 */
export async function subscriptionLog(catalog: Catalog, subscription: string, opts: { rev?: string; all?: boolean } = {}): Promise<SubscriptionLog> {
  const { products } = requireModel(catalog);
  const { repo, prefix } = repoOf(catalog);
  const rev = opts.rev ?? 'HEAD';
  const folders = [...(products?.products.values() ?? [])].map((p) => subscriptionKind(p.type)).map((k) => (prefix ? `${prefix}/${k}` : k));
  const [order, byFile] = await Promise.all([
    gitOk(repo, ['log', '-z', `--format=%H%x00%(trailers:key=${TRAILER.subscription},valueonly,unfold)`, rev]).then((b) => {
      const f = b.toString('utf8').split('\0');
      const all: { commit: string; ours: boolean }[] = [];
      for (let i = 0; i + 1 < f.length; i += 2) all.push({ commit: f[i]!.replace(/^\n/, ''), ours: f[i + 1]!.split('\n').map((s) => s.trim()).includes(subscription) });
      return all;
    }),
    folders.length ? history(repo, rev, folders) : Promise.resolve([]),
  ]);
  const byTrailer = order.filter((c) => c.ours).map((c) => c.commit);
  const blobs = await texts(repo, byFile);
  const touching = new Set(byFile.filter((c) => c.changes.some((x) => [x.before, x.after].some((id) => id !== null && subscriptionIdOf(blobs.get(id)) === subscription))).map((c) => c.commit));
  const wanted = new Set([...byTrailer, ...touching]);
  if (!wanted.size) {
    throw new UsageError('log/not-found', `no subscription ${subscription} in the history of ${rev}`, { hint: '`svc request list` shows the requests and their subscriptions; a request that is not merged is on its branch: `svc log --subscription <id> --rev request/<id>`' });
  }
  // In the order git log walks `rev` (commit dates tie in scripted histories).
  const at = new Map(order.map((c, i) => [c.commit, i]));
  const meta = (await commitsInfo(repo, [...wanted])).sort((a, b) => (at.get(a.commit) ?? 0) - (at.get(b.commit) ?? 0));
  const entries: SubscriptionLog['entries'] = [];
  for (const c of meta) {
    const diff = c.parent ? (await diffInventory(catalog, { base: c.parent, head: c.commit, all: Boolean(opts.all) })).diff : semanticDiff(requireModel(catalog).schema, []);
    entries.push({ ...c, diff });
  }
  return { subscription, entries };
}

function subscriptionIdOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const v = (JSON.parse(text) as { subscription_id?: unknown }).subscription_id;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Commit data for the given commits, newest first (by commit date, as git log orders them). */
async function commitsInfo(repo: string, commits: readonly string[]): Promise<CommitInfo[]> {
  const out = (await gitOk(repo, ['log', '-z', '--no-walk=sorted', `--format=${FORMAT}`, ...commits])).toString('utf8');
  return out.split(SEP).slice(1).map((chunk) => {
    const [commit, parents, name, email, date, subject, trailerText] = chunk.split('\0') as [string, string, string, string, string, string, string];
    return { commit, parent: parents.split(' ')[0] || null, author: { name, email }, date, subject, trailers: parseTrailers(trailerText) };
  });
}
