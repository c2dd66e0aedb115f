import { createHash } from 'node:crypto';
import { familyBits, parseAddress, parsePrefix, type IpFamily } from '../pools/ip.js';

/**
 * The ledger's overlap index: which IP resources are held in one address space (an IP namespace,
 * prefixes and addresses apart), so that a /27 over a held /29, or a /29 inside a held /27, is
 * refused although their texts differ. The exact-text index (r/) cannot answer that, and reading
 * every reservation of a space for each check would grow with the ledger.
 *
 * The index is a 256-ary trie over address bits, one node per 8 bits of prefix length. A
 * prefix of length L sits in the node at level floor(L/8)*8 (at most bits-8) that covers it; each
 * node also counts, per child, how many entries sit below that child. Held resources never
 * overlap one another, so a node holds at most 256 entries and 256 counts, whatever the ledger's
 * size. Whether [start, end] overlaps anything is one walk down its path (5 nodes for IPv4, at
 * most 17 for IPv6): the entries on the path that contain or touch it, and the counts of the
 * children inside it. Adding or removing an entry rewrites the nodes of that path.
 *
 * Nodes live in hash-sharded files (o/<hh>/<hh>), as the other indexes do.
 */

/** Where a resource sits in a space: an aligned block of addresses. */
export interface Span {
  family: IpFamily;
  start: bigint;
  end: bigint;
  /** Its prefix length (an address: the full width). */
  length: number;
}

/** A held resource as the index keeps it. */
export interface OverlapEntry {
  pool: string;
  key: string;
  resource: string;
  start: bigint;
  end: bigint;
}

export interface OverlapNode {
  /** refKey(pool, key) → entry. */
  entries: Map<string, OverlapEntry>;
  /** Child index (0-255) → entries below it. */
  below: Map<number, number>;
}

/**
 * The space a pool's resources are compared in: its kind (prefixes and addresses are never compared
 * with each other: a gateway address lives inside its customer's prefix) and its IP namespace.
 */
export const ipSpace = (kind: 'prefix' | 'address', namespace: string): string => `${kind}:${namespace}`;

/** The block `resource` covers in `space`; undefined when it is not an IP resource of the space's kind. */
export function spanOf(space: string, resource: string): Span | undefined {
  if (space.startsWith('address:')) {
    const a = parseAddress(resource);
    return a && { family: a.family, start: a.value, end: a.value, length: familyBits(a.family) };
  }
  const p = parsePrefix(resource);
  return p && { family: p.family, start: p.start, end: p.end, length: p.length };
}

const STRIDE = 8;

/** The level of the node an entry of this length sits in. */
export function levelOf(s: Span): number {
  return Math.min(Math.floor(s.length / STRIDE) * STRIDE, familyBits(s.family) - STRIDE);
}

/** The node at `level` covering `value`: `v4/16/c633` (family, level, the value's first `level` bits in hex). */
export function nodeId(family: IpFamily, level: number, value: bigint): string {
  const bits = BigInt(familyBits(family) - level);
  return `v${family}/${level}/${(value >> bits).toString(16)}`;
}

/** The first address a node covers, and how many addresses each of its children covers. */
export function nodeRange(family: IpFamily, level: number, value: bigint): { start: bigint; childSize: bigint } {
  const bits = BigInt(familyBits(family) - level);
  return { start: (value >> bits) << bits, childSize: 1n << (bits - BigInt(STRIDE)) };
}

/** Which child of the node at `level` holds `value`. */
export function childIndex(family: IpFamily, level: number, value: bigint): number {
  return Number((value >> BigInt(familyBits(family) - level - STRIDE)) & 0xffn);
}

export function overlapShardPath(space: string, node: string): string {
  const h = createHash('sha1').update(`${space}\0${node}`).digest('hex');
  return `o/${h.slice(0, 2)}/${h.slice(2, 4)}`;
}

export const nodeKey = (space: string, node: string): string => `${space}\0${node}`;

const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
const unesc = (s: string): string => s.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c));

/**
 * A shard: lines `e <space> <node> <pool> <key> <resource> <start> <end>` (an entry, bounds in hex)
 * and `c <space> <node> <child> <count>`, sorted, so equal contents are equal bytes.
 */
export function parseOverlapShard(text: string | undefined): Map<string, OverlapNode> {
  const out = new Map<string, OverlapNode>();
  if (!text) return out;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [t = '', space = '', node = '', a = '', b = '', c = '', d = '', e = ''] = line.split('\t').map(unesc);
    const k = nodeKey(space, node);
    let n = out.get(k);
    if (!n) out.set(k, (n = { entries: new Map(), below: new Map() }));
    if (t === 'e') n.entries.set(`${a}\0${b}`, { pool: a, key: b, resource: c, start: BigInt(`0x${d}`), end: BigInt(`0x${e}`) });
    else if (t === 'c') n.below.set(Number(a), Number(b));
  }
  return out;
}

export function formatOverlapShard(m: ReadonlyMap<string, OverlapNode>): string {
  const lines: string[] = [];
  for (const [k, n] of m) {
    const [space = '', node = ''] = k.split('\0');
    for (const e of n.entries.values()) lines.push(['e', space, node, e.pool, e.key, e.resource, e.start.toString(16), e.end.toString(16)].map(esc).join('\t'));
    for (const [child, count] of n.below) if (count > 0) lines.push(['c', space, node, String(child), String(count)].map(esc).join('\t'));
  }
  lines.sort();
  return lines.length ? `${lines.join('\n')}\n` : '';
}
