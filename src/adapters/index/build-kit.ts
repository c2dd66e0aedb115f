import type * as Crypto from 'node:crypto';
import type * as Fs from 'node:fs';
import type * as Path from 'node:path';
import { valueType } from '../../core/inventory/values.js';
import type { Layout } from './layout.js';

/**
 * What a full build does with each file before any other file is looked at: the order to read files
 * in, reading them, and a fast decoder for files as svc writes them. The same code runs in the main
 * thread and in the build worker (./read-worker.ts), so both make the very same records.
 *
 * The worker is an `eval` worker: under the test runner there is no compiled JavaScript to load, and
 * a worker cannot import TypeScript. So makeBuildKit and makeChunkReader are sent as source text
 * (`.toString()`): they take everything they need from their arguments (a plain JSON `plan` made
 * here, Node's modules) and refer to nothing outside their own bodies (no imports, no module
 * constants). The compiler still type-checks them like any other function. (A coverage tool that
 * rewrites function bodies would break this; vitest's default, V8 coverage, does not.)
 *
 * The fast decoder accepts a file only when decodeObject (../../core/inventory/codec.ts) would find
 * nothing wrong with it, and then returns exactly what decodeObject would, already in the index's
 * column order and SQL types. Anything else (not JSON, a wrong type, an unknown key, an odd
 * reference...) goes back to decodeObject, which reports it with line and column. A test compares
 * the two decoders file by file.
 */

/** How the fast decoder checks a key and stores its value. */
export type KeyCheck =
  /** integer (Number, NumberPool, Bandwidth) */
  | 'i'
  /** boolean, stored 0/1 */
  | 'b'
  /** List: an array, stored as JSON text */
  | 'l'
  /** JSON / Any: anything but null, stored as JSON text */
  | 'j'
  /** any other attribute: a string */
  | 's'
  /** IPHost / IPNetwork: a string shaped like an address */
  | 'ip'
  | 'one'
  | 'many';

export interface PlanKey {
  name: string;
  /** Where the value goes among a record's values (after its RECORD_VALUES leading fields). */
  slot: number;
  check: KeyCheck;
  /** References: the relationship's peer, whether it is a generic, and every kind `{"kind": ...}` may name. */
  peer?: string;
  peerGeneric?: boolean;
  accept?: string[];
}

export interface PlanKind {
  kind: string;
  /** Values after the leading fields: attributes, then `one` references, then `many` references. */
  width: number;
  keys: PlanKey[];
  /**
   * The hfid, when it reads only this kind's attributes: their indexes among the attributes (-1: not
   * an attribute of the kind); empty for a kind without hfid. Undefined when it reads through a
   * relationship: then only the main thread, which knows the peers, can compute it.
   */
  hfid: number[] | undefined;
}

/** JSON: it travels to the worker as workerData. */
export interface BuildPlan {
  /** Concrete kinds in the order their files are read and linked (see linkOrder). */
  kinds: PlanKind[];
}

/**
 * One file on its way into the index.
 *
 * Decoded: `[kindIndex, path, blob, id, hfid, expected, ...attributes, ...one refs, ...many refs]`:
 * `hfid` the key text of the object's hfid (`<Kind>:<hfid JSON>`, as a reference to it is
 * written), null when it has none, 0 when left to the main thread (see PlanKind.hfid); `expected`
 * the path objectPath gives for that hfid when it is not `path`, else null; attributes as SQL values
 * (null when absent); references as their key text (refKeyText: `#<id>` or `<Kind>:<hfid JSON>`),
 * a `one` as a string or null, a `many` as an array of strings or null.
 *
 * Not decoded here: `[-1, path, blob, text]`, for decodeObject.
 *
 * Records travel back to back in one flat array (`Records`): cheaper to post between threads than
 * an array per file; a record's length follows from its first value.
 */
export type Records = unknown[];

/** Where a decoded record's values start. */
export const RECORD_VALUES = 6;

export interface BuildKit {
  /** Appends the file's record to `out`, decoded when the file is as svc writes it. */
  record(out: Records, path: string, blob: string, text: string): void;
  /** Object files among `paths`, in build order: kinds in plan order (other folders last), then by path. */
  order(paths: Iterable<string>): string[];
  /**
   * The object files of a `git ls-files -s -z` listing (paths relative to the repository, `prefix`
   * the inventory folder's) with their blob ids, in build order, paths relative to the folder.
   */
  orderListing(listing: string, prefix: string): { paths: string[]; blobs: string[] };
  /** objectPath of ../../core/inventory/paths.ts (a test compares them). */
  objectPath(kind: string, id: string, hfid: readonly string[]): string;
  /** Same as ../inventory/files.ts isObjectFile (the worker cannot import it; a test compares them). */
  isObjectFile(path: string): boolean;
}

export function makeBuildKit(plan: BuildPlan, crypto: typeof Crypto): BuildKit {
  // As in ../../core/inventory/paths.ts and ../../core/inventory/values.ts (tests hold them equal).
  const ID = /^[0-9a-f]{16}$/;
  const IP = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/;
  const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/;
  // A value that is its own slug, if its stem is not reserved and it does not end with a dot.
  const PLAIN = /^[a-z0-9_-][a-z0-9._-]{0,63}$/;
  const slug = (value: string): string => {
    if (PLAIN.test(value) && !value.endsWith('.') && !WINDOWS_RESERVED.test(value.split('.')[0]!)) return value;
    let s = value.toLowerCase().replace(/[^a-z0-9._-]/g, '-');
    s = s.replace(/^\./, '-');
    if (s.length > 64) s = s.slice(0, 64);
    const stem = s.split('.')[0] ?? '';
    const lossy = s !== value || s === '' || WINDOWS_RESERVED.test(stem) || /[. ]$/.test(value);
    return lossy ? `${s}~${crypto.createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 8)}` : s;
  };
  const objectPath = (kind: string, id: string, hfid: readonly string[]): string => (hfid.length === 0 ? `${kind}/${id}.json` : `${kind}/${hfid.map(slug).join('/')}.json`);
  interface Key {
    slot: number;
    check: KeyCheck;
    peer: string;
    peerGeneric: boolean;
    accept: Set<string>;
  }
  const kinds = plan.kinds.map((k) => ({
    kind: k.kind,
    width: k.width,
    // A Map, not an object: a file's keys must not find "constructor" or "__proto__".
    keys: new Map<string, Key>(k.keys.map((e) => [e.name, { slot: 6 + e.slot, check: e.check, peer: e.peer ?? '', peerGeneric: e.peerGeneric === true, accept: new Set(e.accept ?? []) }])),
    hfid: k.hfid?.map((i) => (i < 0 ? undefined : { name: k.keys.find((e) => e.slot === i)!.name, slot: 6 + i })),
  }));
  const index = new Map<string, number>(plan.kinds.map((k, i) => [k.kind, i]));

  const hfidOf = (h: unknown): string[] | undefined =>
    typeof h === 'string' ? [h] : Array.isArray(h) && h.length > 0 && h.every((x) => typeof x === 'string') ? (h as string[]) : undefined;

  // codec.ts decodeRef, as the key text of the reference; undefined where it reports a problem.
  const refKey = (e: Key, v: unknown): string | undefined => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.id === 'string' && ID.test(o.id)) return `#${o.id}`;
      const h = hfidOf(o.hfid);
      if (typeof o.kind === 'string' && h && e.accept.has(o.kind)) return `${o.kind}:${JSON.stringify(h)}`;
      return undefined;
    }
    const h = hfidOf(v);
    if (!h || e.peerGeneric) return undefined;
    return `${e.peer}:${JSON.stringify(h)}`;
  };

  type KindKit = (typeof kinds)[number];
  /** The values of a record at `o`; false when a key or value is not as svc writes it. */
  const fill = (out: Records, o: number, k: KindKit, rec: Record<string, unknown>): boolean => {
    for (const key in rec) {
      if (key === 'id') continue;
      const e = k.keys.get(key);
      if (e === undefined) return false;
      const v = rec[key];
      switch (e.check) {
        case 's':
          if (typeof v !== 'string') return false;
          out[o + e.slot] = v;
          break;
        case 'i':
          if (typeof v !== 'number' || !Number.isSafeInteger(v)) return false;
          out[o + e.slot] = v;
          break;
        case 'b':
          if (typeof v !== 'boolean') return false;
          out[o + e.slot] = v ? 1 : 0;
          break;
        case 'l':
          if (!Array.isArray(v)) return false;
          out[o + e.slot] = JSON.stringify(v);
          break;
        case 'j':
          if (v === null) return false;
          out[o + e.slot] = JSON.stringify(v);
          break;
        case 'ip':
          if (typeof v !== 'string' || !IP.test(v) || !(v.includes('.') || v.includes(':'))) return false;
          out[o + e.slot] = v;
          break;
        case 'one': {
          const r = refKey(e, v);
          if (r === undefined) return false;
          out[o + e.slot] = r;
          break;
        }
        case 'many': {
          if (!Array.isArray(v)) return false;
          const list: string[] = [];
          for (const x of v) {
            const r = refKey(e, x);
            if (r === undefined) return false;
            list.push(r);
          }
          out[o + e.slot] = list;
          break;
        }
      }
    }
    return true;
  };

  /** Appends the decoded record to `out`; false (and `out` as it was) when decodeObject must see the file. */
  const decode = (out: Records, ki: number, path: string, blob: string, text: string): boolean => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return false;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
    const rec = raw as Record<string, unknown>;
    const id = rec.id;
    if (typeof id !== 'string' || !ID.test(id)) return false;
    const k = kinds[ki]!;
    const o = out.length;
    out.push(ki, path, blob, id, 0, null);
    for (let i = 0; i < k.width; i++) out.push(null);
    if (!fill(out, o, k, rec)) {
      out.length = o;
      return false;
    }
    if (k.hfid) {
      // As the index computes it (./fresh.ts): each value as a string, lists and objects as JSON.
      const parts: string[] = [];
      for (const c of k.hfid) {
        if (c === undefined || out[o + c.slot] === null) break;
        const v = rec[c.name];
        parts.push(typeof v === 'object' ? JSON.stringify(v) : String(v));
      }
      const complete = parts.length === k.hfid.length && parts.length > 0;
      out[o + 4] = complete ? `${k.kind}:${JSON.stringify(parts)}` : null;
      const expected = objectPath(k.kind, id, complete ? parts : []);
      out[o + 5] = expected === path ? null : expected;
    }
    return true;
  };

  // No part starts with a dot: not the first, and none after a slash.
  const isObjectFile = (path: string): boolean => path.endsWith('.json') && path.includes('/') && path.charCodeAt(0) !== 46 && !path.includes('/.');

  let lastFolder = '';
  let lastKind = -1;
  const kindIndexOf = (path: string): number => {
    const i = path.indexOf('/');
    if (i <= 0) return -1;
    // Files come kind by kind.
    if (i !== lastFolder.length || !path.startsWith(lastFolder)) {
      lastFolder = path.slice(0, i);
      lastKind = index.get(lastFolder) ?? -1;
    }
    return lastKind;
  };

  const arrange = (paths: readonly string[], blobs: readonly string[] | undefined): { paths: string[]; blobs: string[] } => {
    // Git lists paths sorted already: bucket them by kind, and sort only a bucket that is not.
    const buckets: number[][] = plan.kinds.map(() => []);
    const other: number[] = [];
    let folder = '';
    let folderKind = -1;
    for (let i = 0; i < paths.length; i++) {
      const p = paths[i]!;
      if (!isObjectFile(p)) continue;
      // Consecutive paths are mostly of the same kind.
      const slash = p.indexOf('/');
      if (slash !== folder.length || !p.startsWith(folder)) {
        folder = p.slice(0, slash);
        folderKind = index.get(folder) ?? -1;
      }
      (folderKind < 0 ? other : buckets[folderKind]!).push(i);
    }
    buckets.push(other);
    const out = { paths: [] as string[], blobs: [] as string[] };
    for (const b of buckets) {
      for (let j = 1; j < b.length; j++) {
        if (paths[b[j - 1]!]! > paths[b[j]!]!) {
          b.sort((x, y) => (paths[x]! < paths[y]! ? -1 : paths[x]! > paths[y]! ? 1 : 0));
          break;
        }
      }
      for (const i of b) {
        out.paths.push(paths[i]!);
        if (blobs) out.blobs.push(blobs[i]!);
      }
    }
    return out;
  };

  return {
    record(out, path, blob, text) {
      const ki = kindIndexOf(path);
      if (ki < 0 || !decode(out, ki, path, blob, text)) out.push(-1, path, blob, text);
    },
    order(paths) {
      return arrange([...paths], undefined).paths;
    },
    orderListing(listing, prefix) {
      const paths: string[] = [];
      const blobs: string[] = [];
      const under = prefix === '' ? '' : `${prefix}/`;
      // "<mode> <blob> <stage>\t<path>\0": the mode has six digits, the stage one; gitlinks (160000)
      // are not files. Sliced, not split: 100k entries. A conflicted path is listed once per stage.
      for (let at = 0; at < listing.length; ) {
        let end = listing.indexOf('\0', at);
        if (end < 0) end = listing.length;
        const tab = listing.indexOf('\t', at);
        if (tab > at && tab < end && !listing.startsWith('160000', at) && listing.startsWith(under, tab + 1)) {
          const p = listing.slice(tab + 1 + under.length, end);
          if (paths[paths.length - 1] !== p) {
            paths.push(p);
            blobs.push(listing.slice(at + 7, tab - 2));
          }
        }
        at = end + 1;
      }
      return arrange(paths, blobs);
    },
    objectPath,
    isObjectFile,
  };
}

export interface ReaderDeps {
  fs: typeof Fs;
  path: typeof Path;
  crypto: typeof Crypto;
}

export interface ChunkReader {
  /**
   * Records of the files `paths[from..to)` (absent files and folders are skipped). `blobs[i]` is the
   * blob id git's index has for `paths[i]`, used unless `dirty` lists the path; without one, the
   * file's content is hashed. `dirty` undefined means git status has not answered yet: the index's
   * ids stand in, and the bytes are kept until settle() tells which of them were wrong.
   */
  read(paths: readonly string[], blobs: readonly string[] | undefined, from: number, to: number, dirty: ReadonlySet<string> | undefined): Records;
  /** Bytes kept for settle(). */
  readonly keptBytes: number;
  /** [path, blob id] of every kept file that `dirty` lists; drops the kept bytes. */
  settle(dirty: ReadonlySet<string>): [string, string][];
}

/** Reading for a build, in this thread or the worker (self-contained like makeBuildKit, for the same reason). */
export function makeChunkReader(kit: BuildKit, deps: ReaderDeps, dir: string): ChunkReader {
  const { openSync, readSync, closeSync } = deps.fs;
  const READ_ONLY = deps.fs.constants.O_RDONLY;
  // Joined by hand: paths from git are relative and normalised, and path.join costs more than the read.
  const base = dir.endsWith(deps.path.sep) ? dir : dir + deps.path.sep;
  let bytes = Buffer.allocUnsafe(1 << 20);
  let used = 0;
  let kept: { buf: Buffer; spans: (string | number)[] }[] = [];
  let keptBytes = 0;

  // Appends the file's bytes to `bytes`; false when there is no such file.
  const readInto = (path: string): boolean => {
    let fd: number | undefined;
    try {
      fd = openSync(base + path, READ_ONLY);
      for (;;) {
        if (bytes.length - used < 65536) {
          const bigger = Buffer.allocUnsafe(bytes.length * 2);
          bytes.copy(bigger, 0, 0, used);
          bytes = bigger;
        }
        const room = bytes.length - used;
        const n = readSync(fd, bytes, used, room, null);
        used += n;
        // A regular file read short has reached its end: saves the second read that would return 0.
        if (n < room) return true;
      }
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ENOENT' || code === 'EISDIR') return false;
      throw e;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
  // As ../inventory/files.ts: the id of the text as read (invalid UTF-8 becomes U+FFFD first).
  const blobId = (buf: Buffer, start: number, end: number) => {
    const b = Buffer.from(buf.toString('utf8', start, end), 'utf8');
    return deps.crypto.createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
  };

  return {
    read(paths, blobs, from, to, dirty) {
      used = 0;
      const spans: (string | number)[] = [];
      const out: Records = [];
      for (let i = from; i < to; i++) {
        const p = paths[i]!;
        const start = used;
        if (!readInto(p)) continue;
        let blob = blobs?.[i];
        if (blob === undefined) blob = blobId(bytes, start, used);
        else if (dirty === undefined) spans.push(p, start, used);
        else if (dirty.has(p)) blob = blobId(bytes, start, used);
        kit.record(out, p, blob, bytes.toString('utf8', start, used));
      }
      if (spans.length) {
        kept.push({ buf: Buffer.from(bytes.subarray(0, used)), spans });
        keptBytes += used;
      }
      return out;
    },
    get keptBytes() {
      return keptBytes;
    },
    settle(dirty) {
      const fixes: [string, string][] = [];
      for (const k of kept) {
        for (let i = 0; i < k.spans.length; i += 3) {
          const p = k.spans[i] as string;
          if (dirty.has(p)) fixes.push([p, blobId(k.buf, k.spans[i + 1] as number, k.spans[i + 2] as number)]);
        }
      }
      kept = [];
      keptBytes = 0;
      return fixes;
    },
  };
}

/**
 * The order kinds are read and linked in. A kind comes after the kinds its hfid reads through (a
 * must: its hfid is computed when it is read) and, where no cycle prevents it, after the kinds it
 * refers to (then its references resolve at once instead of being kept for the end). Ties by name.
 */
export function linkOrder(layout: Layout): string[] {
  const schema = layout.schema;
  const hard = new Map<string, Set<string>>();
  const soft = new Map<string, Set<string>>();
  for (const [kind, t] of layout.kinds) {
    const h = new Set<string>();
    const s = new Set<string>();
    for (const p of t.hfid ?? []) {
      const rel = t.ones.find((o) => o.rel.name === p.via[0])?.rel;
      if (rel) for (const dep of schema.concreteKinds(rel.peer)) if (dep !== kind) h.add(dep);
    }
    for (const rel of [...t.ones.map((o) => o.rel), ...t.manys]) for (const dep of schema.concreteKinds(rel.peer)) if (dep !== kind) s.add(dep);
    hard.set(kind, h);
    soft.set(kind, s);
  }
  const out: string[] = [];
  const placed = new Set<string>();
  const remaining = [...layout.kinds.keys()].sort();
  while (remaining.length) {
    const ready = remaining.filter((k) => [...hard.get(k)!].every((d) => placed.has(d)));
    // A cycle of hfids through each other: layout.order's choice breaks it.
    const pool = ready.length ? ready : [layout.order.find((k) => !placed.has(k))!];
    const pick = pool.find((k) => [...soft.get(k)!].every((d) => placed.has(d))) ?? pool[0]!;
    out.push(pick);
    placed.add(pick);
    remaining.splice(remaining.indexOf(pick), 1);
  }
  return out;
}

/** The plan of `layout`'s kinds in `order`. */
export function buildPlan(layout: Layout, order: string[]): BuildPlan {
  const schema = layout.schema;
  const accept = (peer: string) => [...schema.kinds.keys()].filter((k) => schema.isA(k, peer));
  return {
    kinds: order.map((kind) => {
      const t = layout.kinds.get(kind)!;
      const keys: PlanKey[] = [];
      t.attrs.forEach(({ a }, i) => {
        const vt = valueType(a.kind);
        const check: KeyCheck = vt === 'integer' ? 'i' : vt === 'boolean' ? 'b' : vt === 'list' ? 'l' : vt === 'json' ? 'j' : a.kind === 'IPHost' || a.kind === 'IPNetwork' ? 'ip' : 's';
        keys.push({ name: a.name, slot: i, check });
      });
      const refs = [...t.ones.map((o) => ({ rel: o.rel, check: 'one' as const })), ...t.manys.map((rel) => ({ rel, check: 'many' as const }))];
      refs.forEach(({ rel, check }, i) => {
        // decodeObject looks a key up among attributes first.
        if (t.attrs.some(({ a }) => a.name === rel.name)) return;
        keys.push({ name: rel.name, slot: t.attrs.length + i, check, peer: rel.peer, peerGeneric: schema.get(rel.peer)?.isGeneric === true, accept: accept(rel.peer) });
      });
      let hfid: number[] | undefined = [];
      if (t.hfid?.some((p) => p.via.length > 0)) hfid = undefined;
      else if (t.hfid) hfid = t.hfid.map((p) => t.attrs.findIndex(({ a }) => a.name === p.attribute));
      return { kind, width: t.attrs.length + refs.length, keys, hfid };
    }),
  };
}
