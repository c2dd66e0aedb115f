import type { SchemaSet } from '../schema/model.js';
import type { AttributeValue } from '../inventory/model.js';

/**
 * The semantic diff: what a reviewer reads instead of a file diff. It is computed from file changes
 * alone (./compute.ts), so `svc diff` (which gets them from git) and `svc request create` (which has
 * the texts it is about to commit) share it. Everything here is a plain, deterministic value; the
 * renderers (./text.ts, ./markdown.ts, ./json.ts) never compute, they only present.
 */

/** One file under the inventory folder, before and after; null when the file is absent on that side. */
export interface FileChange {
  /** Relative to the inventory folder, forward slashes: `IpamVLAN/vlan__dia-0001.json`. */
  path: string;
  before: string | null;
  after: string | null;
}

/** Another object as a file names it: by human-friendly id when it has one, else by id. */
export interface ObjectName {
  kind: string;
  /** Known for the diffed objects themselves, and for references written as `{"id": ...}`. */
  id?: string;
  hfid?: string[];
  /** For people: the hfid joined by " / ", else the id. */
  label: string;
}

export interface AttributeChange {
  name: string;
  /** Absent values are undefined (object files never hold null). */
  before: AttributeValue | undefined;
  after: AttributeValue | undefined;
}

export interface RelationshipChange {
  name: string;
  cardinality: 'one' | 'many';
  /** Sorted by label. For a `one` relationship that moved, one removed and one added peer. */
  added: ObjectName[];
  removed: ObjectName[];
}

export type ObjectChangeType = 'added' | 'changed' | 'renamed' | 'removed';

export interface ObjectChange {
  change: ObjectChangeType;
  kind: string;
  id: string;
  /** The object's human-friendly id on its newer side (the older one for a removal), when it has one. */
  hfid?: string[];
  label: string;
  /** The file, on the newer side (the older one for a removal). */
  path: string;
  /** Renames only: the older path and label. */
  previousPath?: string;
  previousLabel?: string;
  /**
   * In schema order. An added object lists every attribute it has (before undefined), a removed one
   * every attribute it had (after undefined); a change lists only what differs.
   */
  attributes: AttributeChange[];
  relationships: RelationshipChange[];
}

export interface KindChanges {
  kind: string;
  added: number;
  /** Renames included. */
  changed: number;
  removed: number;
  /** Added first, then changed and renamed, then removed; by label within each. */
  objects: ObjectChange[];
}

/** A subscription whose lifecycle status moved; `from` is null for a new subscription, `to` for a deleted one. */
export interface LifecycleCallout {
  kind: string;
  id: string;
  label: string;
  product?: string;
  from: string | null;
  to: string | null;
}

/** A pool resource (or a claimed object) taken or given back by a generator run. */
export interface AllocationCallout {
  action: 'allocated' | 'released';
  /** number, prefix, address, or claim (an object taken from a kind). */
  type: string;
  /** As recorded: `1000`, `10.0.0.0/29`; for a claim the object's id. */
  resource: string;
  /** Claims: the claimed object's label when it could be resolved. */
  resourceLabel?: string;
  /** The pool's inventory id; for a claim, the claimed kind. */
  pool: string;
  /** The pool's name, when it could be resolved; for a claim, the kind. */
  poolLabel?: string;
  /** The allocation key, and its purpose (the key without the target's id): `vlan`, `prefix`. */
  key: string;
  purpose: string;
  generator: string;
  target?: string;
  targetLabel?: string;
}

/** A file under the inventory folder that is not a readable object on some side: listed, not interpreted. */
export interface UnreadableFile {
  path: string;
  change: 'added' | 'modified' | 'removed';
  problem: string;
}

export interface Diff {
  /** Totals over the kinds shown (hidden bookkeeping is not counted). */
  summary: { added: number; changed: number; removed: number };
  lifecycle: LifecycleCallout[];
  allocations: AllocationCallout[];
  /** Sorted by kind. */
  kinds: KindChanges[];
  /** Bookkeeping kinds left out (unless asked for), with how many of their objects changed. */
  hidden: { kind: string; objects: number }[];
  /** Sorted by path. */
  files: UnreadableFile[];
}

export interface DiffOptions {
  /** Show the bookkeeping kinds too (svc's SvcGeneratorRun). */
  all?: boolean;
  /**
   * A label for an object id that is not among the changed files (a pool that did not change, a
   * claimed port): the caller may know it from elsewhere. Undefined leaves the id as it is.
   */
  labelOf?: (id: string) => string | undefined;
  /**
   * The schema the older side is read with, when it differs from the newer side's (the first
   * argument): each revision's files are read with the schema they were written for, so a kind
   * or an attribute the newer schema dropped still reads on the side that has it.
   */
  baseSchema?: SchemaSet;
}

export const isEmptyDiff = (d: Diff): boolean =>
  d.kinds.length === 0 && d.hidden.length === 0 && d.files.length === 0;
