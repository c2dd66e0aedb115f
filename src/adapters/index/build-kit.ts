import type * as Crypto from 'node:crypto';
import type * as NodeBuffer from 'node:buffer';
import type * as Fs from 'node:fs';
import type * as Path from 'node:path';
import type { IndexSpans } from '../git/index-file.js';
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
  /** The hash of blob ids (the repository's object format), as ../inventory/files.ts blobId. */
  blob: 'sha1' | 'sha256';
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

/**
 * The object files of a `git ls-files -s -z` listing, in build order, in memory both threads of a
 * build share: the listing's bytes, and per file four offsets into them (path start and end, blob id
 * start and end). Decoded to strings only file by file, by whichever thread reads the file.
 */
export interface Listing {
  bytes: Uint8Array;
  entries: Int32Array;
  count: number;
  /** Blob ids as hex text, else raw bytes (see IndexSpans). */
  hex: boolean;
}

export interface BuildKit {
  /** The hash of blob ids (BuildPlan.blob). */
  blob: BuildPlan['blob'];
  /** Appends the file's record to `out`, decoded when the file is as svc writes it. */
  record(out: Records, path: string, blob: string, text: string): void;
  /** Object files among `paths`, in build order: kinds in plan order (other folders last), then by path. */
  order(paths: Iterable<string>): string[];
  /**
   * The object files of what git's index tracks (paths relative to the repository, `prefix` the
   * inventory folder's), in build order: kinds in plan order (other folders last), each in git's
   * order (by path), paths relative to the folder. Kept in shared memory (see Listing).
   */
  listFiles(index: IndexSpans, prefix: string): Listing;
  /** The path (relative to the inventory folder) and the blob id git's index has of listed file `i`. */
  listed(listing: Listing, i: number): [string, string];
  /** objectPath of ../../core/inventory/paths.ts (a test compares them). */
  objectPath(kind: string, id: string, hfid: readonly string[]): string;
  /** The hex digest of `data` (a string as UTF-8). */
  digest(algorithm: 'sha1' | 'sha256', data: string | Uint8Array): string;
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
  // Windows' reserved names are three or four characters long: the test is skipped for all others.
  const reservedStem = (s: string): boolean => {
    const dot = s.indexOf('.');
    const n = dot < 0 ? s.length : dot;
    return (n === 3 || n === 4) && WINDOWS_RESERVED.test(s.slice(0, n));
  };
  // Node 20.12 and later hash in one call, about twice as fast as createHash.
  const oneShot = (crypto as typeof Crypto & { hash?: (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string }).hash;
  const digest = (algorithm: 'sha1' | 'sha256', data: string | Uint8Array): string => (oneShot ? oneShot(algorithm, data, 'hex') : crypto.createHash(algorithm).update(data).digest('hex'));
  const slug = (value: string): string => {
    if (PLAIN.test(value) && !value.endsWith('.') && !reservedStem(value)) return value;
    let s = value.toLowerCase().replace(/[^a-z0-9._-]/g, '-');
    s = s.replace(/^\./, '-');
    if (s.length > 64) s = s.slice(0, 64);
    const lossy = s !== value || s === '' || reservedStem(s) || /[. ]$/.test(value);
    return lossy ? `${s}~${digest('sha256', value).slice(0, 8)}` : s;
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
  const kindIndex = new Map<string, number>(plan.kinds.map((k, i) => [k.kind, i]));

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

  const writtenKeys = (text: string): number => {
    let n = 0;
    for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) {
      let j = i + 1;
      while (text[j] === ' ' || text[j] === '\n' || text[j] === '\r' || text[j] === '\t') j++;
      if (text[j] === ':') n++;
    }
    return n;
  };
  const parsedKeys = (v: unknown): number => {
    if (typeof v !== 'object' || v === null) return 0;
    let n = 0;
    if (Array.isArray(v)) {
      for (const x of v) n += parsedKeys(x);
      return n;
    }
    const o = v as Record<string, unknown>;
    for (const k in o) n += 1 + parsedKeys(o[k]);
    return n;
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
    // A key written twice (JSON.parse keeps the last) is decodeObject's to report: the `"…":` count
    // of the text can only exceed the keys parsed, and equals them when none repeats.
    if (writtenKeys(text) !== parsedKeys(raw)) return false;
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
      lastKind = kindIndex.get(lastFolder) ?? -1;
    }
    return lastKind;
  };

  const order = (paths: Iterable<string>): string[] => {
    const buckets: string[][] = plan.kinds.map(() => []);
    const other: string[] = [];
    for (const p of paths) {
      if (!isObjectFile(p)) continue;
      const k = kindIndexOf(p);
      (k < 0 ? other : buckets[k]!).push(p);
    }
    buckets.push(other);
    const out: string[] = [];
    for (const b of buckets) {
      // Mostly sorted already (git lists paths sorted): sort only a bucket that is not.
      for (let j = 1; j < b.length; j++) {
        if (b[j - 1]! > b[j]!) {
          b.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
          break;
        }
      }
      for (const p of b) out.push(p);
    }
    return out;
  };

  let lastView: { bytes: Uint8Array; buf: Buffer } | undefined;
  const viewOf = (listing: Listing): Buffer => {
    if (lastView?.bytes !== listing.bytes) lastView = { bytes: listing.bytes, buf: Buffer.from(listing.bytes.buffer, listing.bytes.byteOffset, listing.bytes.byteLength) };
    return lastView.buf;
  };

  // isObjectFile on the bytes of a path: ends with ".json", has a folder, no part starts with a dot.
  const isObjectBytes = (b: Buffer, start: number, end: number): boolean => {
    if (end - start < 6 || b[start] === 46 || b[end - 5] !== 46 || b[end - 4] !== 106 || b[end - 3] !== 115 || b[end - 2] !== 111 || b[end - 1] !== 110) return false;
    let slash = false;
    for (let i = start; i < end; i++) {
      if (b[i] !== 47) continue;
      slash = true;
      if (b[i + 1] === 46) return false;
    }
    return slash;
  };

  const listFiles = (index: IndexSpans, prefix: string): Listing => {
    const { bytes, spans } = index;
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const under = Buffer.from(prefix === '' ? '' : `${prefix}/`, 'utf8');
    const other = plan.kinds.length;
    // In git's order first: four offsets and a bucket (a kind, or `other`) per object file.
    const found = new Int32Array(5 * index.count);
    let n = 0;
    const perBucket = new Int32Array(other + 1);
    let folderStart = 0;
    let folderEnd = -1;
    let bucket = other;
    let lastStart = 0;
    let lastEnd = -1;
    // Whether b[x, x + n) and b[y, y + n) hold the same bytes (short runs: cheaper than Buffer.compare).
    const same = (x: number, y: number, n: number): boolean => {
      for (let i = 0; i < n; i++) if (b[x + i] !== b[y + i]) return false;
      return true;
    };
    const u = under.length;
    for (let e = 0; e < index.count; e++) {
      const start = spans[4 * e]! + u;
      const end = spans[4 * e + 1]!;
      let ok = start <= end;
      for (let i = 0; ok && i < u; i++) ok = b[start - u + i] === under[i];
      // A conflicted path is listed once per stage: its first entry is kept.
      if (!ok || !isObjectBytes(b, start, end) || (end - start === lastEnd - lastStart && same(lastStart, start, end - start))) continue;
      lastStart = start;
      lastEnd = end;
      let slash = start;
      while (b[slash] !== 47) slash++;
      // Consecutive files are mostly of one kind.
      if (slash - start !== folderEnd - folderStart || !same(folderStart, start, slash - start)) {
        folderStart = start;
        folderEnd = slash;
        bucket = kindIndex.get(b.toString('utf8', start, slash)) ?? other;
      }
      const f = 5 * n++;
      found[f] = start;
      found[f + 1] = end;
      found[f + 2] = spans[4 * e + 2]!;
      found[f + 3] = spans[4 * e + 3]!;
      found[f + 4] = bucket;
      perBucket[bucket]!++;
    }
    // Then bucket by bucket, each in git's order (git sorts by path, so a kind's files are one run).
    const next = new Int32Array(other + 1);
    for (let k = 1; k <= other; k++) next[k] = next[k - 1]! + perBucket[k - 1]!;
    const entries = new Int32Array(new SharedArrayBuffer(Math.max(4, 16 * n)));
    for (let i = 0; i < n; i++) {
      const to = 4 * next[found[5 * i + 4]!]!++;
      entries[to] = found[5 * i]!;
      entries[to + 1] = found[5 * i + 1]!;
      entries[to + 2] = found[5 * i + 2]!;
      entries[to + 3] = found[5 * i + 3]!;
    }
    return { bytes, entries, count: n, hex: index.hex };
  };

  return {
    blob: plan.blob,
    record(out, path, blob, text) {
      const ki = kindIndexOf(path);
      if (ki < 0 || !decode(out, ki, path, blob, text)) out.push(-1, path, blob, text);
    },
    order,
    listFiles,
    listed(listing, i) {
      const b = viewOf(listing);
      const e = listing.entries;
      return [b.toString('utf8', e[4 * i]!, e[4 * i + 1]!), b.toString(listing.hex ? 'latin1' : 'hex', e[4 * i + 2]!, e[4 * i + 3]!)];
    },
    objectPath,
    digest,
    isObjectFile,
  };
}

export interface ReaderDeps {
  fs: typeof Fs;
  path: typeof Path;
  crypto: typeof Crypto;
  buffer: typeof NodeBuffer;
}

/**
 * Reading for a build. Every file's blob id is hashed from the bytes read (about half a microsecond
 * a file, on both threads), so the build needs no `git status`: a listed file whose id differs from
 * the one git's index has is uncommitted, and the index's listing, `git ls-files --others` and `git
 * diff-index --cached` tell the rest (see ./sources.ts).
 */
export interface ChunkReader {
  /** Records of listed files `[from, to)`; `changed` gets each path that is missing or whose content is not the listed blob. */
  readListed(listing: Listing, from: number, to: number, changed: string[]): Records;
  /** Records of the files `paths[from..to)`; absent files and folders are skipped. */
  read(paths: readonly string[], from: number, to: number): Records;
}

/** Reading for a build, in this thread or the worker (self-contained like makeBuildKit, for the same reason). */
export function makeChunkReader(kit: BuildKit, deps: ReaderDeps, dir: string): ChunkReader {
  const { openSync, readSync, closeSync } = deps.fs;
  const READ_ONLY = deps.fs.constants.O_RDONLY;
  const { isUtf8 } = deps.buffer;
  // Joined by hand: paths from git are relative and normalised, and path.join costs more than the read.
  const base = dir.endsWith(deps.path.sep) ? dir : dir + deps.path.sep;
  // Room left before each file's bytes for the "blob <size>\0" header its id is hashed with.
  const HEADER = 24;
  let bytes = Buffer.allocUnsafe(1 << 20);
  let used = 0;

  // Appends the file's bytes to `bytes` after room for the header; their start, or -1 when there is no such file.
  const readInto = (path: string): number => {
    let fd: number | undefined;
    const start = used + HEADER;
    try {
      fd = openSync(base + path, READ_ONLY);
      used = start;
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
        if (n < room) return start;
      }
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ENOENT' || code === 'EISDIR') {
        used = start - HEADER;
        return -1;
      }
      throw e;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
  // As ../inventory/files.ts blobId: the id of the text as read.
  const blobAt = (start: number, end: number): string => {
    const content = bytes.subarray(start, end);
    // Invalid UTF-8 becomes U+FFFD when read as text: the id is of that text.
    if (!isUtf8(content)) {
      const b = Buffer.from(content.toString('utf8'), 'utf8');
      return kit.digest(kit.blob, Buffer.concat([Buffer.from(`blob ${b.length}\0`), b]));
    }
    const header = `blob ${end - start}\0`;
    bytes.write(header, start - header.length, 'latin1');
    return kit.digest(kit.blob, bytes.subarray(start - header.length, end));
  };

  return {
    readListed(listing, from, to, changed) {
      used = 0;
      const out: Records = [];
      for (let i = from; i < to; i++) {
        const [p, listed] = kit.listed(listing, i);
        const start = readInto(p);
        if (start < 0) {
          changed.push(p);
          continue;
        }
        const blob = blobAt(start, used);
        if (blob !== listed) changed.push(p);
        kit.record(out, p, blob, bytes.toString('utf8', start, used));
      }
      return out;
    },
    read(paths, from, to) {
      used = 0;
      const out: Records = [];
      for (let i = from; i < to; i++) {
        const p = paths[i]!;
        const start = readInto(p);
        if (start >= 0) kit.record(out, p, blobAt(start, used), bytes.toString('utf8', start, used));
      }
      return out;
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
export function buildPlan(layout: Layout, order: string[], blob: BuildPlan['blob'] = 'sha1'): BuildPlan {
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
    blob,
  };
}
