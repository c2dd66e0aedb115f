/**
 * What Infrahub's IPHost and IPNetwork attribute types expose beside the value, computed from svc's
 * normalised text ("10.0.0.1/24", "2001:db8::/48").
 */
export interface IpFacts {
  ip: string;
  prefixlen: string;
  version: number;
  netmask: string;
  hostmask: string;
  with_netmask: string;
  with_hostmask: string;
  broadcast_address: string;
  num_addresses: number;
}

export function ipFacts(text: string): IpFacts | undefined {
  const [addr, lenText] = text.split('/');
  if (addr === undefined) return undefined;
  const v6 = addr.includes(':');
  const bits = v6 ? 128 : 32;
  const len = lenText === undefined ? bits : Number(lenText);
  const n = v6 ? parse6(addr) : parse4(addr);
  if (n === undefined || !Number.isInteger(len) || len < 0 || len > bits) return undefined;
  const all = (1n << BigInt(bits)) - 1n;
  const host = (1n << BigInt(bits - len)) - 1n;
  const mask = all ^ host;
  const show = (x: bigint) => (v6 ? format6(x) : format4(x));
  return {
    ip: show(n),
    prefixlen: String(len),
    version: v6 ? 6 : 4,
    netmask: show(mask),
    hostmask: show(host),
    with_netmask: `${show(n)}/${show(mask)}`,
    with_hostmask: `${show(n)}/${show(host)}`,
    broadcast_address: show((n & mask) | host),
    num_addresses: Number(host + 1n),
  };
}

function parse4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
}

const format4 = (n: bigint) => [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');

function parse6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const all = [...head, ...Array<string>(Math.max(fill, 0)).fill('0'), ...tail];
  if (all.length !== 8 || all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n);
}

/** RFC 5952: lower case, the longest run of zero groups (two or more) as "::". */
function format6(n: bigint): string {
  const g = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt((7 - i) * 16)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
