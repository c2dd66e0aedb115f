import type { AttributeValue, InventoryObject } from '../inventory/model.js';
import type { LogLine } from './session.js';

/**
 * Remembering generator runs, so that a run whose inputs did not change is not run again.
 *
 * A generator is a deterministic function of its code, its parameters, the model, and what it reads
 * through the SDK. While one target runs, a ReadTracker notes every read: each object it saw (the
 * first version it saw: later reads are of its own writes) and each lookup it made (an hfid, the
 * objects pointing at another, a query) with the ids it got back. Once the generation is applied, a
 * run whose every object read still holds what it saw is stored as a MemoEntry, with each object as
 * the git blob id of its file. The next generation skips that target when the entry's key (code,
 * parameters, model) is the same, every object's blob is the same, no earlier target of the same
 * generation changed any of them, and every lookup gives the same ids. Checking costs a few indexed
 * lookups of blob ids; running costs decoding every object read.
 *
 * What cannot be judged from reads makes a run "volatile", and a volatile run is not stored: a new
 * allocation or claim (its answer depends on everything every other run holds), or a read of the
 * clock. The run after it, holding what it allocated, is stored. A run that changed objects it had
 * read before is not stored either (what it saw is no longer what is there): a target that changed
 * runs once more on the next generation, which confirms it converged, and is skipped from then on.
 *
 * Entries are derived data (kept in the index database, never committed) and check themselves on
 * use: a stale, partial or foreign entry is a miss, never a wrong skip.
 */
export type LookupDep =
  | { q: 'hfid'; kind: string; hfid: string[]; id: string | null }
  | { q: 'referrers'; id: string; kind: string; rel: string; ids: string[] }
  | { q: 'query'; kind: string; filter: Record<string, AttributeValue>; ids: string[] };

export interface MemoEntry {
  /** The code, parameters and model the run was made with (see memoKey in the app layer). */
  key: string;
  /** Every object read: id and blob id of its file then, or null when it did not exist. */
  objects: [string, string | null][];
  lookups: LookupDep[];
  /** What the report of a skipped target says (it ran, producing this). */
  report: { logs: LogLine[]; pending?: string };
}

/** Where entries live (the index database); keyed by the run's id (generator + target). */
export interface MemoStore {
  get(run: string): MemoEntry | undefined;
  /** Replace entries (undefined: drop), all at once. */
  put(entries: ReadonlyMap<string, MemoEntry | undefined>): void;
}

/** What a freshness check asks the generation's overlay: the inventory as it is at that point. */
export interface MemoView {
  /** True when an earlier target of this generation changed or deleted the object. */
  changedInRun(id: string): boolean;
  /** Blob ids of the objects' files in the index (before this generation's writes); absent ids left out. */
  blobsOf(ids: readonly string[]): Map<string, string>;
  idByHfid(kind: string, hfid: readonly string[]): string | undefined;
  referrerIds(id: string, kind: string, rel: string): string[];
  queryIds(kind: string, filter: Record<string, AttributeValue>): string[];
}

export class ReadTracker {
  /** id → the first version seen (undefined: it did not exist). */
  readonly objects = new Map<string, InventoryObject | undefined>();
  private readonly lookups = new Map<string, LookupDep>();
  /** Why the run cannot be remembered, when it cannot. */
  volatile: string | undefined;

  object(id: string, seen: InventoryObject | undefined): void {
    if (!this.objects.has(id)) this.objects.set(id, seen);
  }

  lookup(dep: LookupDep): void {
    const key = JSON.stringify(dep.q === 'hfid' ? [dep.q, dep.kind, dep.hfid] : dep.q === 'referrers' ? [dep.q, dep.id, dep.kind, dep.rel] : [dep.q, dep.kind, dep.filter]);
    if (!this.lookups.has(key)) this.lookups.set(key, dep);
  }

  markVolatile(reason: string): void {
    this.volatile ??= reason;
  }

  /**
   * The entry to store once the generation is applied, or undefined when the run cannot be
   * remembered: volatile, or some object it read is no longer what it saw. `now` gives an object as
   * the generation left it; `blobsOf` blob ids in the index after the writes.
   */
  settle(key: string, report: MemoEntry['report'], now: (id: string) => InventoryObject | undefined, same: (id: string, seen: InventoryObject, final: InventoryObject) => boolean, blobsOf: (ids: readonly string[]) => Map<string, string>): MemoEntry | undefined {
    if (this.volatile) return undefined;
    for (const [id, seen] of this.objects) {
      const final = now(id);
      if ((seen === undefined) !== (final === undefined)) return undefined;
      if (seen !== undefined && final !== undefined && seen !== final && !same(id, seen, final)) return undefined;
    }
    const blobs = blobsOf([...this.objects.keys()]);
    const objects: [string, string | null][] = [];
    for (const [id, seen] of this.objects) {
      const blob = blobs.get(id);
      if ((blob === undefined) !== (seen === undefined)) return undefined;
      objects.push([id, blob ?? null]);
    }
    objects.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return { key, objects, lookups: [...this.lookups.values()], report };
  }
}

/** Whether a remembered run still holds at this point of the generation: same key, same reads. */
export function isFresh(entry: MemoEntry, key: string, view: MemoView): boolean {
  if (entry.key !== key) return false;
  for (const [id] of entry.objects) if (view.changedInRun(id)) return false;
  const blobs = view.blobsOf(entry.objects.map(([id]) => id));
  for (const [id, blob] of entry.objects) if ((blobs.get(id) ?? null) !== blob) return false;
  for (const d of entry.lookups) {
    if (d.q === 'hfid') {
      if ((view.idByHfid(d.kind, d.hfid) ?? null) !== d.id) return false;
    } else {
      const ids = d.q === 'referrers' ? view.referrerIds(d.id, d.kind, d.rel) : view.queryIds(d.kind, d.filter);
      if (ids.length !== d.ids.length || ids.some((x, i) => x !== d.ids[i])) return false;
    }
  }
  return true;
}

/** Entries read back from storage are checked for shape: anything else is a miss. */
export function isMemoEntry(x: unknown): x is MemoEntry {
  const e = x as MemoEntry;
  return typeof e === 'object' && e !== null && typeof e.key === 'string' && Array.isArray(e.objects) && Array.isArray(e.lookups) && typeof e.report === 'object' && e.report !== null && Array.isArray(e.report.logs);
}
