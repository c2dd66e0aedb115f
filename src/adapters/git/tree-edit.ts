import { UsageError } from '../../core/errors.js';
import type { CatFile } from './catfile.js';
import { encodeTree, isTreeMode, makeObject, parseTree, type GitObject, type ObjectFormat, type TreeEntry } from './objects.js';

/** New content for a file: its bytes and mode (100644 unless said otherwise). */
export interface FileEdit {
  body: Buffer;
  mode?: '100644' | '100755';
}

/**
 * Apply file edits to a tree by rewriting only the trees on the edited paths: the cost follows the
 * edit and the depth, not the size of the repository (no index of every file is ever built). New
 * objects are appended to `out` for one batched write. Returns the new tree id, or null when the
 * result is empty. A file may not replace a folder or the reverse: that is refused, never done
 * silently.
 */
export async function editTree(
  cf: CatFile,
  format: ObjectFormat,
  treeId: string | null,
  edits: ReadonlyMap<string, FileEdit | null>,
  out: GitObject[],
  prefix = '',
): Promise<string | null> {
  let body: Buffer = Buffer.alloc(0);
  if (treeId) {
    const o = await cf.read(treeId);
    if (o?.type !== 'tree') throw new UsageError('git/bad-object', `${prefix || 'the root'} is not a tree (${treeId})`);
    body = o.body;
  }
  const idLen = format === 'sha1' ? 20 : 32;
  const slots = scanTree(body, idLen);
  const byName = new Map(slots.map((sl, i) => [sl.name, i]));
  const slotId = (i: number): string => body.toString('hex', slots[i]!.end - idLen, slots[i]!.end);

  const changes = new Map<string, TreeEntry | null>();
  const nested = new Map<string, Map<string, FileEdit | null>>();
  for (const [path, edit] of edits) {
    const slash = path.indexOf('/');
    if (slash < 0) {
      const i = byName.get(path);
      if (i !== undefined && (slots[i]!.isTree || slots[i]!.mode === '160000')) {
        throw new UsageError('git/bad-change', `${prefix}${path} is a folder in the base: a file cannot replace it`, { hint: 'change the files inside it instead' });
      }
      if (edit === null) changes.set(path, null);
      else {
        const blob = makeObject(format, 'blob', edit.body);
        out.push(blob);
        changes.set(path, { mode: edit.mode ?? '100644', name: path, id: blob.id });
      }
      continue;
    }
    const head = path.slice(0, slash);
    let m = nested.get(head);
    if (!m) nested.set(head, (m = new Map()));
    m.set(path.slice(slash + 1), edit);
  }
  const subtrees = [...nested.entries()];
  const ids = await Promise.all(
    subtrees.map(([name, sub]) => {
      const i = byName.get(name);
      if (i !== undefined && !slots[i]!.isTree) {
        throw new UsageError('git/bad-change', `${prefix}${name} is a file in the base: it cannot become a folder`, { hint: 'delete the file in a separate change first' });
      }
      return editTree(cf, format, i === undefined ? null : slotId(i), sub, out, `${prefix}${name}/`);
    }),
  );
  subtrees.forEach(([name], i) => {
    const id = ids[i];
    changes.set(name, id ? { mode: '40000', name, id } : null);
  });

  const result = spliceTree(body, slots, byName, changes);
  if (result.length === 0) return null;
  if (treeId && result.equals(body)) return treeId;
  const tree = makeObject(format, 'tree', result);
  out.push(tree);
  return tree.id;
}

interface Slot {
  name: string;
  mode: string;
  isTree: boolean;
  /** Byte range of the whole entry in the tree object. */
  start: number;
  end: number;
}

/** Entry boundaries of a raw tree, without decoding ids: folders of 10,000+ files are common. */
function scanTree(body: Buffer, idLen: number): Slot[] {
  const slots: Slot[] = [];
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(0x20, i);
    const nul = body.indexOf(0, sp);
    const mode = body.toString('latin1', i, sp);
    slots.push({ name: body.toString('utf8', sp + 1, nul), mode, isTree: isTreeMode(mode), start: i, end: nul + 1 + idLen });
    i = nul + 1 + idLen;
  }
  return slots;
}

/** Git's tree order compares names as bytes, a folder's name as if it ended in '/'. */
const sortKey = (name: string, isTree: boolean): Buffer => Buffer.from(isTree ? `${name}/` : name, 'utf8');

/**
 * The tree with `changes` applied: unchanged entries are copied as byte ranges (no decoding, no
 * sorting); the few new entries are placed by binary search in git's order.
 */
function spliceTree(body: Buffer, slots: readonly Slot[], byName: ReadonlyMap<string, number>, changes: ReadonlyMap<string, TreeEntry | null>): Buffer {
  const removed = new Set<number>();
  for (const name of changes.keys()) {
    const i = byName.get(name);
    if (i !== undefined) removed.add(i);
  }
  const added = [...changes.values()]
    .filter((e): e is TreeEntry => e !== null)
    .map((e) => {
      const k = sortKey(e.name, isTreeMode(e.mode));
      let lo = 0;
      let hi = slots.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const sl = slots[mid]!;
        if (Buffer.compare(sortKey(sl.name, sl.isTree), k) < 0) lo = mid + 1;
        else hi = mid;
      }
      return { at: lo, k, bytes: encodeTree([e]) };
    })
    .sort((a, b) => a.at - b.at || Buffer.compare(a.k, b.k));
  const parts: Buffer[] = [];
  let next = 0;
  let runStart = -1;
  const flush = (upTo: number) => {
    if (runStart >= 0) parts.push(body.subarray(slots[runStart]!.start, slots[upTo - 1]!.end));
    runStart = -1;
  };
  for (let i = 0; i <= slots.length; i++) {
    while (next < added.length && added[next]!.at === i) {
      flush(i);
      parts.push(added[next++]!.bytes);
    }
    if (i === slots.length) break;
    if (removed.has(i)) flush(i);
    else if (runStart < 0) runStart = i;
  }
  flush(slots.length);
  return Buffer.concat(parts);
}

/** Every file path below `dir` of tree `treeId` (one read per tree), sorted. */
export async function listFiles(cf: CatFile, format: ObjectFormat, treeId: string, dir: string): Promise<string[]> {
  const o = await cf.read(`${treeId}:${dir}`);
  if (o?.type !== 'tree') return [];
  const out: string[] = [];
  const walk = async (body: Buffer, prefix: string): Promise<void> => {
    for (const e of parseTree(body, format)) {
      const p = `${prefix}/${e.name}`;
      if (!isTreeMode(e.mode)) out.push(p);
      else {
        const sub = await cf.read(e.id);
        if (sub) await walk(sub.body, p);
      }
    }
  };
  await walk(o.body, dir);
  return out.sort();
}
