import { createHash } from 'node:crypto';
import type { Reservation, ReservationState } from './model.js';

/**
 * Where reservations sit in the ledger's tree. Three indexes, each a two-level hash fan-out
 * (256 × 256 shard files) so that any operation reads and rewrites a handful of small files and
 * trees of at most 256 entries, whatever the number of reservations:
 *
 *   k/<hh>/<hh>              by (pool, key): the full reservations (idempotent lookup)
 *   r/<hh>/<hh>              by (pool, resource): who holds it (uniqueness)
 *   h/<hh>/<holder>          by holder: what a request holds (release, make permanent, gc)
 *   x/<hh>/<holder>          by holder: what a request lets go of once merged (settle, restore, gc)
 *   o/<hh>/<hh>              by IP space and block: what overlaps what (./overlap.ts)
 *   s/<hh>/<holder>          request branches made without the ledger, adopted into it (./rebuild.ts)
 *
 * A shard is sorted tab-separated lines, so the same set of reservations is always the same bytes
 * (and the same git objects), and a reviewer can read it.
 */
function fanout(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('\0')).digest('hex');
  return `${h.slice(0, 2)}/${h.slice(2, 4)}`;
}

export const keyShardPath = (pool: string, key: string): string => `k/${fanout(pool, key)}`;
export const resourceShardPath = (pool: string, resource: string): string => `r/${fanout(pool, resource)}`;
export const holderPath = (holder: string): string => `h/${fanout(holder).slice(0, 2)}/${encodeName(holder)}`;
export const retiredPath = (holder: string): string => `x/${fanout(holder).slice(0, 2)}/${encodeName(holder)}`;
export const seenPath = (holder: string): string => `s/${fanout(holder).slice(0, 2)}/${encodeName(holder)}`;
export const HOLDER_ROOT = 'h';
export const RETIRED_ROOT = 'x';

/** The holder a holder-file or retired-file path is about. */
export const holderOfPath = (path: string): string => decodeName(path.slice(path.lastIndexOf('/') + 1));

const RETIRED_MARK = '#released-by:';

/** The key a reservation moves to while `by` lets go of it: unique per key and request. */
export const retiredKey = (key: string, by: string): string => `${key}${RETIRED_MARK}${by}`;

/** The key a reservation being let go of came from. */
export function originalKey(r: { key: string; releasedBy?: string | undefined }): string {
  const suffix = r.releasedBy === undefined ? undefined : `${RETIRED_MARK}${r.releasedBy}`;
  return suffix && r.key.endsWith(suffix) ? r.key.slice(0, -suffix.length) : r.key;
}

/** A holder as a file name: letters, digits, '_', '-' and inner '.' stay; every other byte becomes %XX. */
export function encodeName(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    // A leading '.' is encoded so no name is ".", ".." or ".git".
    out += /[A-Za-z0-9_.-]/.test(c) && !(c === '.' && out === '') ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function decodeName(name: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < name.length; i++) {
    if (name[i] === '%') {
      bytes.push(parseInt(name.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(name.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
const unesc = (s: string): string => s.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c));

function lines(text: string | undefined): string[][] {
  if (!text) return [];
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t').map(unesc));
}

function sortedText(rows: string[][]): string {
  const ls = rows.map((r) => r.map(esc).join('\t')).sort();
  return ls.length ? `${ls.join('\n')}\n` : '';
}

export const refKey = (pool: string, key: string): string => `${pool}\0${key}`;

export function parseKeyShard(text: string | undefined): Map<string, Reservation> {
  const out = new Map<string, Reservation>();
  // A seventh column, the request letting go of it, and an eighth, the IP space, are absent from
  // ledgers written before they existed (and the seventh is empty when only the eighth is needed).
  // A ninth, the process that made it, likewise; a tenth, why a hand-made reservation is held.
  for (const [pool = '', key = '', resource = '', holder = '', state = 'held', created = '', releasedBy = '', space = '', proc = '', note = ''] of lines(text)) {
    out.set(refKey(pool, key), { pool, key, resource, holder, state: state as ReservationState, created, ...(releasedBy ? { releasedBy } : {}), ...(space ? { space } : {}), ...(proc ? { process: proc } : {}), ...(note ? { note } : {}) });
  }
  return out;
}

export const formatKeyShard = (m: ReadonlyMap<string, Reservation>): string =>
  sortedText([...m.values()].map((r) => {
    const optional = [r.releasedBy ?? '', r.space ?? '', r.process ?? '', r.note ?? ''];
    while (optional.length && optional[optional.length - 1] === '') optional.pop();
    return [r.pool, r.key, r.resource, r.holder, r.state, r.created, ...optional];
  }));

/** (pool, resource) → key */
export function parseResourceShard(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [pool = '', resource = '', key = ''] of lines(text)) out.set(refKey(pool, resource), key);
  return out;
}

export const formatResourceShard = (m: ReadonlyMap<string, string>): string =>
  sortedText([...m.entries()].map(([pr, key]) => [...pr.split('\0'), key]));

/** The (pool, key) pairs a holder holds, as refKey strings. */
export function parseHolderFile(text: string | undefined): Set<string> {
  return new Set(lines(text).map(([pool = '', key = '']) => refKey(pool, key)));
}

export const formatHolderFile = (s: ReadonlySet<string>): string => sortedText([...s].map((pk) => pk.split('\0')));
