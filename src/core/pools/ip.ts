import { Address4, Address6 } from 'ip-address';
import type { Interval } from './intervals.js';

/**
 * Parsing and printing of IP prefixes and addresses through the `ip-address` package, so svc never
 * does its own string surgery on addresses; everything past parsing is BigInt interval arithmetic
 * (a prefix's first and last address are masks of its value). Parsing is the expensive step (tens of
 * microseconds for IPv6), and svc reads the same resource texts again and again (inventory use,
 * records, duplicate checks), so results are memoised per text.
 */
export type IpFamily = 4 | 6;

export interface ParsedPrefix extends Interval {
  family: IpFamily;
  length: number;
}

export interface ParsedAddress {
  family: IpFamily;
  value: bigint;
  /** The prefix length written after the address, or the full width when none was written. */
  length: number;
}

export const familyBits = (f: IpFamily): number => (f === 4 ? 32 : 128);

interface Parsed {
  family: IpFamily;
  value: bigint;
  length: number;
}

const MEMO_LIMIT = 200_000;
const memo = new Map<string, Parsed | null>();

function parse(text: string): Parsed | undefined {
  const hit = memo.get(text);
  if (hit !== undefined) return hit ?? undefined;
  let out: Parsed | null = null;
  const t = text.trim();
  try {
    // The constructors validate (isValid is a try around them): build once instead of twice.
    const a = t.includes(':') ? new Address6(t) : new Address4(t);
    out = { family: a instanceof Address4 ? 4 : 6, value: a.bigInt(), length: a.subnetMask };
  } catch {
    out = null;
  }
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(text, out);
  return out ?? undefined;
}

/** `10.0.0.5/24` reads as the prefix 10.0.0.0/24; a bare address as a /32 or /128. Undefined when not an IP. */
export function parsePrefix(text: string): ParsedPrefix | undefined {
  const p = parse(text);
  if (!p) return undefined;
  const hostBits = BigInt(familyBits(p.family) - p.length);
  const start = (p.value >> hostBits) << hostBits;
  return { family: p.family, length: p.length, start, end: start + (1n << hostBits) - 1n };
}

export function parseAddress(text: string): ParsedAddress | undefined {
  const p = parse(text);
  return p && { family: p.family, value: p.value, length: p.length };
}

export function formatAddress(family: IpFamily, value: bigint): string {
  return family === 4 ? Address4.fromBigInt(value).correctForm() : Address6.fromBigInt(value).correctForm();
}

/** Canonical prefix text: network address, lower-case, compressed IPv6, `/len`. */
export const formatPrefix = (family: IpFamily, start: bigint, length: number): string =>
  `${formatAddress(family, start)}/${length}`;

export const prefixText = (p: ParsedPrefix): string => formatPrefix(p.family, p.start, p.length);
